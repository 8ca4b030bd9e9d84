"""Issue 12 item 15: role changes and API token issuance in the Django admin reach /audit/."""

import pytest
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token

from core.models import AuditEvent, UserProfile
from tests.factories import district

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(world):
    return get_user_model().objects.create_superuser("root_admin", "root@example.com", "pw-for-tests-123")


def test_a_role_change_in_the_admin_is_audited_and_shown_on_the_audit_page(client, world, superuser):
    profile = UserProfile.objects.get(user=world["staff"])
    client.force_login(superuser)
    response = client.post(f"/admin/core/userprofile/{profile.pk}/change/",
                           {"user": world["staff"].pk, "role": "district", "district": district("310104").pk,
                            "display_name": "staff_a"})
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="user.role_change")
    assert event.actor == superuser and event.changes["role"] == ["staff", "district"]
    client.force_login(world["district"])  # 徐汇区 admin sees it: the new district admin is theirs
    assert "在管理后台修改角色" in client.get("/audit/").content.decode()


def test_superuser_flag_change_in_the_admin_is_audited(client, world, superuser):
    user = world["staff"]
    client.force_login(superuser)
    page = client.get(f"/admin/auth/user/{user.pk}/change/")
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list | tuple)}
    data.update({"username": user.username, "is_superuser": "on", "is_active": "on",
                 "date_joined_0": "2026-01-01", "date_joined_1": "00:00:00",
                 "last_login_0": "", "last_login_1": ""})
    data.pop("password", None)
    response = client.post(f"/admin/auth/user/{user.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert AuditEvent.objects.filter(action="user.role_change", changes__is_superuser=["False", "True"]).exists()


def test_token_issued_and_revoked_in_the_admin_are_audited(client, world, superuser):
    client.force_login(superuser)
    assert client.post("/admin/authtoken/tokenproxy/add/", {"user": world["staff"].pk}).status_code == 302
    assert Token.objects.filter(user=world["staff"]).exists()
    issued = AuditEvent.objects.get(action="token.issue")
    assert issued.actor == superuser and Token.objects.get(user=world["staff"]).key not in issued.summary
    client.post(f"/admin/authtoken/tokenproxy/{world['staff'].pk}/delete/", {"post": "yes"})
    assert not Token.objects.filter(user=world["staff"]).exists()
    assert AuditEvent.objects.filter(action="token.revoke").exists()
    client.force_login(world["city"])
    body = client.get("/audit/").content.decode()
    assert "签发 API 令牌" in body and "吊销 API 令牌" in body
