"""Assistance pages under the English language switch; Chinese by default."""

from django.urls import reverse


def _english(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})


def test_the_self_check_in_english_and_in_chinese_by_default(client, world, claim_policy):
    assert "政策自测" in client.get(reverse("assistance:self_check")).content.decode()
    _english(client)
    html = client.get(reverse("assistance:self_check")).content.decode()
    assert "Policy self-check" in html and "nothing you enter is stored" in html


def test_the_archive_panel_and_worklist_in_english(client, world, claim_policy, person):
    client.force_login(world["staff"])
    _english(client)
    assert "Policies this person can claim" in client.get(person.get_absolute_url()).content.decode()
    assert "Unclaimed entitlements" in client.get(reverse("assistance:worklist")).content.decode()
