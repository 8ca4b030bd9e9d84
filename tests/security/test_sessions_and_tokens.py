"""Issue 12 item 6: sessions end when idle and after an absolute lifetime; API tokens expire and are revocable."""

import time

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token

from core.models import AuditEvent
from core.security import LOGIN_AT, SEEN_AT

pytestmark = pytest.mark.django_db


def _age_session(client, **seconds_ago):
    session = client.session
    now = time.time()
    for key, ago in seconds_ago.items():
        session[key] = now - ago
    session.save()


def test_a_busy_session_stays_logged_in(client, world):
    client.force_login(world["staff"])
    assert client.get("/jobseekers/").status_code == 200
    _age_session(client, **{SEEN_AT: 29 * 60, LOGIN_AT: 11 * 3600})
    assert client.get("/jobseekers/").status_code == 200


def test_an_idle_session_is_logged_out_with_a_message(client, world, settings):
    settings.SESSION_IDLE_TIMEOUT_MINUTES = 30
    client.force_login(world["staff"])
    client.get("/")
    _age_session(client, **{SEEN_AT: 31 * 60})
    response = client.get("/jobseekers/", follow=True)
    assert response.redirect_chain[0][0].startswith("/accounts/login/")
    assert "超过 30 分钟未操作" in response.content.decode()
    assert client.get("/api/jobseekers/").status_code in (401, 403)


def test_a_session_ends_after_its_absolute_lifetime_however_busy(client, world, settings):
    settings.SESSION_ABSOLUTE_HOURS = 12
    client.force_login(world["district"])
    client.get("/")
    _age_session(client, **{SEEN_AT: 10, LOGIN_AT: 12 * 3600 + 5})
    response = client.get("/audit/", follow=True)
    assert response.redirect_chain and "登录已满 12 小时" in response.content.decode()


def test_an_expired_api_token_is_refused(client, world, settings):
    token = Token.objects.create(user=world["staff"])
    headers = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    assert client.get("/api/me/", **headers).status_code == 200
    Token.objects.filter(pk=token.pk).update(created=timezone.now() - timezone.timedelta(days=31))
    response = client.get("/api/me/", **headers)
    assert response.status_code == 401 and "已过期" in response.json()["detail"]


def test_the_owner_revokes_their_token(client, world):
    token = Token.objects.create(user=world["staff"])
    headers = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    assert client.delete("/api/me/token/", **headers).status_code == 204
    assert client.get("/api/me/", **headers).status_code == 401
    assert AuditEvent.objects.filter(action="token.revoke", actor=world["staff"]).exists()


@pytest.mark.parametrize(("admin", "target", "expected"), [
    ("city", "staff_far", 204), ("district", "staff", 204), ("district", "staff_far", 404),
    ("staff_other", "staff", 403),
])
def test_admins_revoke_tokens_in_their_scope(client, world, admin, target, expected):
    Token.objects.create(user=world[target])
    client.force_login(world[admin])
    response = client.delete(f"/api/tokens/{world[target].pk}/")
    assert response.status_code == expected
    assert Token.objects.filter(user=world[target]).exists() == (expected != 204)
