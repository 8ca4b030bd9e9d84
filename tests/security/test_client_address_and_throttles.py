"""Issue 12 items 7 and 17: the client address behind trusted proxies only; one public throttle for every
anonymous page and endpoint; a per-address cap on failed logins across usernames."""

import random

import pytest

from core.models import AuditEvent
from core.security import client_address

pytestmark = pytest.mark.django_db

_random = random.SystemRandom()


def fresh_ip() -> str:
    """An address no other test (or earlier run) used: the throttle counters live in Redis."""
    return f"100.{_random.randint(64, 127)}.{_random.randint(0, 255)}.{_random.randint(1, 254)}"


@pytest.mark.parametrize(("proxies", "count", "remote", "xff", "expected"), [
    ([], 0, "10.0.0.1", "203.0.113.9", "10.0.0.1"),                    # no setting: header ignored
    ([], 1, "10.0.0.1", "203.0.113.9", "203.0.113.9"),                 # one proxy
    ([], 1, "10.0.0.1", "6.6.6.6, 203.0.113.9", "203.0.113.9"),        # a forged first entry is skipped
    ([], 2, "10.0.0.2", "6.6.6.6, 203.0.113.9, 10.0.0.1", "203.0.113.9"),
    ([], 1, "10.0.0.1", "", "10.0.0.1"),
    (["10.0.0.0/8"], 0, "10.0.0.1", "6.6.6.6, 203.0.113.9, 10.0.0.7", "203.0.113.9"),
    (["10.0.0.0/8"], 0, "203.0.113.50", "6.6.6.6", "203.0.113.50"),     # not from a trusted proxy
    (["10.0.0.0/8"], 0, "10.0.0.1", "not-an-ip", "10.0.0.1"),
])
def test_client_address_believes_only_trusted_proxies(settings, proxies, count, remote, xff, expected):
    settings.TRUSTED_PROXIES, settings.TRUSTED_PROXY_COUNT = proxies, count
    assert client_address({"REMOTE_ADDR": remote, "HTTP_X_FORWARDED_FOR": xff}) == expected


def test_the_audit_log_records_the_client_not_the_proxy(client, world, settings):
    from tests.jobseekers.factories import make_archive

    settings.TRUSTED_PROXY_COUNT = 1
    archive = make_archive(world["station_a"], actor=world["staff"])
    client.force_login(world["staff"])
    client.post(f"/jobseekers/{archive.pk}/reveal/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.77")
    assert AuditEvent.objects.get(action="jobseeker.reveal").client_ip == "203.0.113.77"


def _fail_login(client, username, ip, **extra):
    return client.post("/accounts/login/", {"username": username, "password": "wrong-password"},
                       REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=ip, **extra)


def test_five_wrong_passwords_lock_only_that_clients_pair(client, world, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    attacker, colleague = fresh_ip(), fresh_ip()
    for _ in range(5):
        _fail_login(client, "staff_a", attacker)
    locked = client.post("/accounts/login/", {"username": "staff_a", "password": "pw-for-tests-123"},
                         REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=attacker)
    assert locked.status_code in (403, 429) or "锁定" in locked.content.decode()
    ok = client.post("/accounts/login/", {"username": "staff_a", "password": "pw-for-tests-123"},
                     REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=colleague)
    assert ok.status_code == 302  # the same user behind the same proxy, from another client: not locked


def test_password_spraying_from_one_address_is_capped_across_usernames(client, world, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.LOGIN_FAILURES_PER_ADDRESS = 6
    sprayer = fresh_ip()
    for i in range(6):
        _fail_login(client, f"nobody{i}", sprayer)
    refused = client.post("/accounts/login/", {"username": "staff_a", "password": "pw-for-tests-123"},
                          REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=sprayer)
    assert refused.status_code == 200 and "该地址登录失败次数过多" in refused.content.decode()
    other = client.post("/accounts/login/", {"username": "staff_a", "password": "pw-for-tests-123"},
                        REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=fresh_ip())
    assert other.status_code == 302


@pytest.mark.parametrize("url", ["/jobs/search/", "/api/jobs/", "/stations/finder/", "/", "/about/",
                                 "/api/public/stations/nearest/?lat=31.19&lng=121.43"])
def test_every_anonymous_page_and_endpoint_is_throttled_per_client(client, world, settings, url):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK,
                               "DEFAULT_THROTTLE_RATES": {"anon": "5/minute", "public_form": "20/hour"}}
    settings.TRUSTED_PROXY_COUNT = 1
    one, another = fresh_ip(), fresh_ip()
    statuses = [client.get(url, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=one).status_code for _ in range(6)]
    assert statuses[:5] == [200] * 5 and statuses[5] == 429, statuses
    assert client.get(url, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=another).status_code == 200
    # a forged header without the trusted-proxy setting does not buy a fresh allowance
    settings.TRUSTED_PROXY_COUNT = 0
    direct = fresh_ip()
    results = [client.get(url, REMOTE_ADDR=direct, HTTP_X_FORWARDED_FOR=fresh_ip()).status_code for _ in range(6)]
    assert results[5] == 429


def test_logged_in_staff_are_not_held_to_the_public_rate(client, world, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK,
                               "DEFAULT_THROTTLE_RATES": {"anon": "2/minute", "public_form": "20/hour"}}
    client.force_login(world["staff"])
    ip = fresh_ip()
    assert all(client.get("/jobs/search/", REMOTE_ADDR=ip).status_code == 200 for _ in range(4))


def test_throttle_refusal_is_clear(client, world, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK,
                               "DEFAULT_THROTTLE_RATES": {"anon": "1/minute", "public_form": "20/hour"}}
    ip = fresh_ip()
    client.get("/api/jobs/", REMOTE_ADDR=ip)
    api = client.get("/api/jobs/", REMOTE_ADDR=ip)
    assert api.status_code == 429 and api.json()["detail"] == "请求过于频繁，请稍后再试。" and api["Retry-After"]
    page = client.get("/jobs/search/", REMOTE_ADDR=ip)
    assert page.status_code == 429 and "请求过于频繁" in page.content.decode()
