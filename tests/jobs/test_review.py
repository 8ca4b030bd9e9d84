"""Posting review needs a second person: the station head (站长) or a district/city admin, never the author.

Checked where a posting can be approved: the staff page, the API and the Django admin.
"""

import pytest
from django.urls import reverse

from core.models import AuditEvent
from jobs import services
from jobs.models import JobPosting
from tests.factories import make_city_admin, make_district_admin, make_staff
from tests.jobs.factories import make_employer, make_posting

pytestmark = pytest.mark.django_db

OWN = "起草人不能审核发布自己起草的岗位"
NOT_REVIEWER = "岗位须由本站站长或区级管理员审核发布"


@pytest.fixture
def head(world):
    return make_staff("head_a", world["station_a"], role="head")


@pytest.fixture
def employer(world):
    return make_employer(world["station_a"], actor=world["staff"])


def _draft(author, employer, **kw):
    posting = make_posting(employer, actor=author, publish=False, title="审核测试岗位", **kw)
    assert posting.created_by == author
    return posting


def _status(posting):
    posting.refresh_from_db()
    return posting.status


def _messages(response):
    return [str(m) for m in response.context["messages"]]


def test_author_cannot_approve_own_posting_on_the_page(client, world, employer, head):
    posting = services.posting_submit(actor=world["staff"], posting=_draft(world["staff"], employer))
    client.force_login(world["staff"])
    page = client.get(reverse("jobs:posting_detail", args=[posting.pk])).content.decode()
    assert 'data-testid="publish"' not in page and "待站长或区级管理员审核" in page
    response = client.post(reverse("jobs:posting_transition", args=[posting.pk, "publish"]), follow=True)
    assert any(OWN in m for m in _messages(response))
    assert _status(posting) == JobPosting.Status.PENDING
    assert not AuditEvent.objects.filter(action="posting.publish").exists()
    client.force_login(head)
    assert 'data-testid="publish"' in client.get(reverse("jobs:posting_detail", args=[posting.pk])).content.decode()
    response = client.post(reverse("jobs:posting_transition", args=[posting.pk, "publish"]), follow=True)
    assert "岗位“审核测试岗位”已发布。" in _messages(response)
    assert _status(posting) == JobPosting.Status.PUBLISHED
    assert AuditEvent.objects.get(action="posting.publish").actor == head


def test_a_specialist_of_the_station_is_no_reviewer(client, world, employer, head):
    colleague = make_staff("colleague_a", world["station_a"])
    posting = _draft(head, employer)  # drafted by the head: a colleague still cannot approve it
    client.force_login(colleague)
    response = client.post(reverse("jobs:posting_transition", args=[posting.pk, "publish"]), follow=True)
    assert any(NOT_REVIEWER in m for m in _messages(response))
    assert _status(posting) == JobPosting.Status.DRAFT


def test_head_who_drafted_needs_someone_else(world, employer, head):
    posting = _draft(head, employer)
    with pytest.raises(Exception, match=OWN):
        services.posting_publish(actor=head, posting=posting)
    assert _status(posting) == JobPosting.Status.DRAFT
    services.posting_publish(actor=world["district"], posting=posting)
    assert _status(posting) == JobPosting.Status.PUBLISHED


def test_district_admin_cannot_approve_their_own_draft(world, employer):
    author = world["district"]
    posting = _draft(author, employer)
    with pytest.raises(Exception, match=OWN):
        services.posting_publish(actor=author, posting=posting)
    assert _status(posting) == JobPosting.Status.DRAFT


def test_api_refuses_the_author_and_a_non_reviewer(client, world, employer, head):
    client.force_login(world["staff"])
    response = client.post("/api/postings/", {"employer": employer.pk, "title": "接口岗位", "salary_min": 5000,
                                              "salary_max": 6000}, content_type="application/json")
    assert response.status_code == 201
    pk = response.json()["id"]
    response = client.post(f"/api/postings/{pk}/publish/")
    assert response.status_code == 400 and OWN in str(response.json())
    client.force_login(make_staff("colleague_a", world["station_a"]))
    response = client.post(f"/api/postings/{pk}/publish/")
    assert response.status_code == 400 and NOT_REVIEWER in str(response.json())
    assert JobPosting.objects.get(pk=pk).status == JobPosting.Status.DRAFT
    client.force_login(head)
    assert client.post(f"/api/postings/{pk}/publish/").json()["status"] == "published"


def test_admin_action_refuses_the_author(client, world):
    author = make_city_admin("city_author")
    author.is_staff = author.is_superuser = True
    author.save()
    employer = make_employer(world["station_a"], actor=author)
    posting = _draft(author, employer)
    client.force_login(author)
    url = reverse("admin:jobs_jobposting_changelist")
    response = client.post(url, {"action": "publish_selected", "_selected_action": [posting.pk]}, follow=True)
    assert any(OWN in m for m in _messages(response))
    assert _status(posting) == JobPosting.Status.DRAFT
    other = make_city_admin("city_reviewer")
    other.is_staff = other.is_superuser = True
    other.save()
    client.force_login(other)
    response = client.post(url, {"action": "publish_selected", "_selected_action": [posting.pk]}, follow=True)
    assert any("已审核发布 1 个岗位" in m for m in _messages(response))
    assert _status(posting) == JobPosting.Status.PUBLISHED
    assert AuditEvent.objects.get(action="posting.publish").actor == other


def test_admin_change_form_cannot_set_the_status(client, world, employer):
    admin = make_city_admin("city_editor")
    admin.is_staff = admin.is_superuser = True
    admin.save()
    posting = _draft(world["staff"], employer)
    client.force_login(admin)
    client.post(reverse("admin:jobs_jobposting_change", args=[posting.pk]), {"status": "published"})
    assert _status(posting) == JobPosting.Status.DRAFT


def test_employer_submission_is_approved_by_the_station_head(world, head):
    other_district = make_district_admin("district_other_xh", "310115")
    posting = make_posting(make_employer(world["station_a"]), actor=None, publish=False)
    assert posting.created_by is None
    with pytest.raises(Exception, match="只能为本站点"):
        services.posting_publish(actor=other_district, posting=posting)
    services.posting_publish(actor=head, posting=posting)
    assert _status(posting) == JobPosting.Status.PUBLISHED
