"""Pages: permission matrix, bad input through real HTTP, reveal auditing, list filters, export, worklist, rules."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from core.models import AuditEvent
from jobseekers import services
from jobseekers.models import FollowUpTask, ImportJob, JobseekerArchive, ResurveyRule, StatusEntry, Visit
from tests.factories import make_staff
from tests.matrix import ANY_INTERNAL, CITY_ONLY, OWNED_BY_A, assert_matrix

from .factories import archive_post_data, make_archive, make_id_number, wrong_check_digit

pytestmark = pytest.mark.django_db

POSTED_BAD = {"anonymous": "login", "staff": 400, "staff_other": 404, "staff_far": 404,
              "district": 400, "district_other": 404, "city": 400}


@pytest.mark.parametrize("name", ["archive_list", "archive_create", "archive_export", "worklist",
                                  "occupation_search", "import", "import_template"])
def test_internal_pages_matrix(client, world, name):
    assert_matrix(client, world, reverse(f"jobseekers:{name}"), ANY_INTERNAL)


def test_rules_page_is_city_only(client, world):
    assert_matrix(client, world, reverse("jobseekers:rules"), CITY_ONLY)


@pytest.mark.parametrize("name", ["archive_detail", "archive_update", "visit_create"])
def test_archive_pages_matrix(client, world, archive_a, name):
    assert_matrix(client, world, reverse(f"jobseekers:{name}", args=[archive_a.pk]), OWNED_BY_A)


def test_reveal_and_status_posts_matrix(client, world, archive_a):
    assert_matrix(client, world, reverse("jobseekers:archive_reveal", args=[archive_a.pk]), OWNED_BY_A,
                  method="post")
    assert_matrix(client, world, reverse("jobseekers:status_add", args=[archive_a.pk]), POSTED_BAD, method="post")
    assert_matrix(client, world, reverse("jobseekers:visit_create", args=[archive_a.pk]), POSTED_BAD, method="post")


def test_import_job_pages_matrix(client, world):
    job = ImportJob(station=world["station_a"], created_by=world["staff"], file_name="a.xlsx",
                    status=ImportJob.Status.FAILED, errors=[{"row": 2, "reason": "x"}])
    job.set_report(b"PK report")
    job.set_source(b"PK upload")
    job.save()
    for name in ("import_detail", "import_errors"):
        assert_matrix(client, world, reverse(f"jobseekers:{name}", args=[job.pk]), OWNED_BY_A)
    # Retry (POST): allowed roles are sent back to the job's page, the rest never learn it exists.
    assert_matrix(client, world, reverse("jobseekers:import_retry", args=[job.pk]),
                  {**OWNED_BY_A, "staff": 302, "district": 302, "city": 302}, method="post")


def test_staff_creates_an_archive_with_occupations_and_it_is_masked_in_the_list(client, world):
    client.force_login(world["staff"])
    number = make_id_number(lower_x=True)
    data = archive_post_data(world["station_a"], id_number=number, key_groups=["4050", "difficulty"],
                             desired_occupations=["1"])
    data["desired_occupations"] = list(
        __import__("core.models", fromlist=["Occupation"]).Occupation.objects.filter(level=4)
        .values_list("pk", flat=True)[:2])
    response = client.post(reverse("jobseekers:archive_create"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    archive = JobseekerArchive.objects.get()
    assert archive.id_number == number.upper() and archive.desired_occupations.count() == 2
    assert archive.status_entries.get().source == StatusEntry.Source.REGISTRATION
    body = client.get(reverse("jobseekers:archive_list")).content.decode()
    assert archive.id_number_masked in body and number.upper() not in body and "13812345678" not in body
    detail = client.get(archive.get_absolute_url()).content.decode()
    assert number.upper() not in detail and "138****5678" in detail


@pytest.mark.parametrize("field, value, message", [
    ("id_number", "wrong_check", "校验位错误"),
    ("id_number", "31010419850615001", "18位"),
    ("id_number", "310104198502290011", "出生日期不存在"),
    ("id_number", "future", "出生日期在未来"),
    ("phone", "138123456789", "11位手机号"),
    ("phone", "1381234567", "11位手机号"),
    ("consent_date", "", "同意日期"),
    ("consent_scope", "", "同意的信息使用范围"),
])
def test_bad_archive_input_is_refused_with_a_clear_message_and_nothing_saved(client, world, field, value, message):
    if value == "wrong_check":
        value = wrong_check_digit(make_id_number())
    elif value == "future":
        value = make_id_number(timezone.localdate() + dt.timedelta(days=30))
    client.force_login(world["staff"])
    response = client.post(reverse("jobseekers:archive_create"), archive_post_data(world["station_a"], **{field: value}))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not JobseekerArchive.objects.exists() and not AuditEvent.objects.filter(action="jobseeker.create").exists()


def test_registration_at_a_second_station_names_the_holding_station(client, world):
    number = make_id_number()
    make_archive(world["station_c"], id_number=number, name="赵六")
    client.force_login(world["staff"])
    response = client.post(reverse("jobseekers:archive_create"), archive_post_data(world["station_a"], id_number=number))
    body = response.content.decode()
    assert response.status_code == 400 and world["station_c"].name in body and "赵六" not in body
    assert JobseekerArchive.objects.count() == 1


def test_staff_cannot_create_an_archive_for_another_station(client, world):
    client.force_login(world["staff"])
    response = client.post(reverse("jobseekers:archive_create"), archive_post_data(world["station_b"]))
    assert response.status_code == 400 and not JobseekerArchive.objects.exists()


def test_second_concurrent_edit_with_a_stale_version_is_refused(client, world, archive_a):
    url = reverse("jobseekers:archive_update", args=[archive_a.pk])
    client.force_login(world["staff"])
    form = {"name": "张阿姨", "hukou": "local", "desired_hours": "full_time", "max_commute_minutes": 30,
            "consent_date": archive_a.consent_date.isoformat(), "consent_scope": archive_a.consent_scope,
            "is_open": "on", "version": archive_a.version, "key_groups": ["4050"]}
    assert client.post(url, {**form, "address": "第一位同事的地址"}).status_code == 302
    response = client.post(url, {**form, "address": "第二位同事的地址"})
    assert response.status_code == 400 and "已被其他人修改" in response.content.decode()
    archive_a.refresh_from_db()
    assert archive_a.address == "第一位同事的地址" and archive_a.version == 2


def test_reveal_shows_full_values_and_is_audited(client, world, archive_a):
    client.force_login(world["staff"])
    response = client.post(reverse("jobseekers:archive_reveal", args=[archive_a.pk]))
    assert archive_a.id_number in response.content.decode() and "13912345678" in response.content.decode()
    event = AuditEvent.objects.get(action="jobseeker.reveal")
    assert event.actor == world["staff"] and event.object_id == str(archive_a.pk)
    assert archive_a.id_number not in event.summary + str(event.changes)
    assert client.get(reverse("jobseekers:archive_reveal", args=[archive_a.pk])).status_code == 405


def test_reveal_by_another_stations_staff_is_404_and_not_audited(client, world, archive_a):
    client.force_login(world["staff_other"])
    assert client.post(reverse("jobseekers:archive_reveal", args=[archive_a.pk])).status_code == 404
    assert not AuditEvent.objects.filter(action="jobseeker.reveal").exists()


def test_status_change_through_the_page_keeps_history(client, world, archive_a):
    client.force_login(world["staff"])
    url = reverse("jobseekers:status_add", args=[archive_a.pk])
    today = timezone.localdate()
    assert client.post(url, {"status": "employed", "effective_date": today.isoformat(), "source": "phone"}).status_code == 302
    bad = client.post(url, {"status": "employed", "effective_date": (today + dt.timedelta(days=3)).isoformat(),
                            "source": "phone"})
    assert bad.status_code == 400 and "不能晚于今天" in bad.content.decode()
    archive_a.refresh_from_db()
    assert archive_a.current_status == "employed" and archive_a.status_entries.count() == 2


def test_recording_a_visit_through_the_page_closes_the_task(client, world, archive_a):
    task = FollowUpTask.objects.create(archive=archive_a, due_date=timezone.localdate())
    client.force_login(world["staff"])
    url = reverse("jobseekers:visit_create", args=[archive_a.pk])
    bad = client.post(url, {"visit_date": timezone.localdate().isoformat(), "method": "door", "findings": ""})
    assert bad.status_code == 400 and "该字段是必填项" in bad.content.decode()
    ok = client.post(url, {"visit_date": timezone.localdate().isoformat(), "method": "door", "findings": "上门了解",
                           "needs": ["job", "training"]})
    assert ok.status_code == 302
    task.refresh_from_db()
    assert task.status == FollowUpTask.Status.DONE and Visit.objects.get().needs == ["job", "training"]


def test_list_search_and_filters(client, world):
    a = make_archive(world["station_a"], name="钱多多", key_groups=["4050"], helper=world["staff"],
                     street=world["station_a"].street)
    b = make_archive(world["station_a"], name="孙小美", initial_status="employed")
    JobseekerArchive.objects.filter(pk=b.pk).update(next_survey_due=timezone.localdate() - dt.timedelta(days=1))
    make_archive(world["station_b"], name="钱二")
    client.force_login(world["staff"])
    url = reverse("jobseekers:archive_list")

    def names(**params):
        return {x.name for x in client.get(url, params, follow=True).context["object_list"]}

    assert names() == {"钱多多", "孙小美"}  # station B's archive is out of scope
    assert names(q="钱") == {"钱多多"}
    assert names(q=a.id_number_last4) == {"钱多多"}
    assert names(q=b.id_number[-2:]) >= {"孙小美"}
    assert names(q=a.id_number.lower()) == {"钱多多"}
    assert names(key_group="4050") == {"钱多多"}
    assert names(status="employed") == {"孙小美"}
    assert names(overdue="true") == {"孙小美"}
    assert names(helper=world["staff"].pk) == {"钱多多"}
    assert names(street=world["station_a"].street_id) == {"钱多多"}
    assert client.get(url, {"status": "nonsense"}).context["object_list"].count() == 0


def test_list_page_queries_do_not_grow_with_rows(client, world, django_assert_max_num_queries):
    for _ in range(3):
        make_archive(world["station_a"], helper=world["staff"])
    client.force_login(world["district"])
    url = reverse("jobseekers:archive_list")
    client.get(url)
    with django_assert_max_num_queries(14) as ctx:
        client.get(url)
    few = len(ctx.captured_queries)
    for _ in range(10):
        make_archive(world["station_a"], helper=world["staff"])
    with django_assert_max_num_queries(few):
        client.get(url)


def _sheet(response):
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content))
    return [list(r) for r in wb.active.iter_rows(values_only=True)]


def test_export_is_masked_by_default_and_full_only_for_allowed_users(client, world, archive_a):
    url = reverse("jobseekers:archive_export")
    full = reverse("jobseekers:archive_export_full")
    confirm = {"reason": "报送区就业促进中心核对", "confirm": "on", "query": ""}
    client.force_login(world["staff"])
    rows = _sheet(client.get(url))
    assert rows[1][1] == archive_a.id_number_masked and rows[1][4] == "139****5678"
    assert client.get(url, {"full": "1"}).url.startswith(full)  # a link never exports full values
    assert client.post(full, confirm).status_code == 403
    client.force_login(world["district"])
    rows = _sheet(client.post(full, confirm))
    assert rows[1][1] == archive_a.id_number and rows[1][4] == "13912345678"
    event = AuditEvent.objects.get(action="jobseeker.export_full")
    assert event.actor == world["district"] and archive_a.id_number not in event.summary
    client.force_login(world["district_other"])
    assert len(_sheet(client.post(full, confirm))) == 1  # header only: out of scope


def test_export_follows_the_list_filters_and_refuses_too_many_rows(client, world, archive_a, monkeypatch):
    make_archive(world["station_a"], name="已就业者", initial_status="employed")
    client.force_login(world["staff"])
    url = reverse("jobseekers:archive_export")
    rows = _sheet(client.get(url, {"status": "employed"}))
    assert [r[0] for r in rows[1:]] == ["已就业者"]
    monkeypatch.setattr("jobseekers.views.EXPORT_MAX_ROWS", 1)
    response = client.get(url, follow=True)
    assert "超过 1 份" in response.content.decode()


def test_station_head_may_export_full_values_of_own_station(client, world, archive_a):
    head = make_staff("head_a", world["station_a"], role="head")
    client.force_login(head)
    rows = _sheet(client.post(reverse("jobseekers:archive_export_full"),
                              {"reason": "核对本站名单", "confirm": "on", "query": ""}))
    assert rows[1][1] == archive_a.id_number


def test_worklist_shows_overdue_first_on_its_page_and_the_staff_home(client, world):
    today = timezone.localdate()
    recent = make_archive(world["station_a"], name="近期")
    old = make_archive(world["station_a"], name="早期")
    other = make_archive(world["station_b"], name="别站")
    FollowUpTask.objects.create(archive=recent, due_date=today)
    FollowUpTask.objects.create(archive=old, due_date=today - dt.timedelta(days=9))
    FollowUpTask.objects.create(archive=other, due_date=today - dt.timedelta(days=20))
    client.force_login(world["staff"])
    tasks = list(client.get(reverse("jobseekers:worklist")).context["object_list"])
    assert [t.archive.name for t in tasks] == ["早期", "近期"]
    home = client.get("/").content.decode()
    assert "回访任务" in home and home.index("早期") < home.index("近期") and "别站" not in home


def test_city_admin_edits_rules_and_bad_values_change_nothing(client, world):
    services.resurvey_rules_seed()
    rules = list(ResurveyRule.objects.all())
    client.force_login(world["city"])
    url = reverse("jobseekers:rules")

    def post(first_value):
        data = {"form-TOTAL_FORMS": len(rules), "form-INITIAL_FORMS": len(rules)}
        for i, rule in enumerate(rules):
            data[f"form-{i}-id"] = rule.pk
            data[f"form-{i}-interval_days"] = first_value if i == 0 else rule.interval_days
        return client.post(url, data)

    bad = post(0)
    assert bad.status_code == 400 and "7至366天" in bad.content.decode()
    assert ResurveyRule.objects.get(pk=rules[0].pk).interval_days == rules[0].interval_days
    assert post(21).status_code == 302
    assert ResurveyRule.objects.get(pk=rules[0].pk).interval_days == 21
    assert AuditEvent.objects.filter(action="jobseeker.rule_update").count() == 1


def test_occupation_search_finds_by_name_and_code(client, world):
    client.force_login(world["staff"])
    url = reverse("jobseekers:occupation_search")
    results = client.get(url, {"q": "保洁"}).json()["results"]
    assert results and all("保洁" in r["name"] or r["code"].startswith("保洁") for r in results)
    by_code = client.get(url, {"q": "4-04"}).json()["results"]
    assert by_code and all(r["code"].startswith("4-04") for r in by_code)
    assert client.get(url, {"q": ""}).json()["results"] == []


def test_staff_with_two_stations_sees_both_and_none_of_the_district_admins_other_data(client, world, archive_a):
    staff_two = make_staff("staff_two", world["station_a"], world["station_b"])
    make_archive(world["station_b"], name="B站档案")
    client.force_login(staff_two)
    assert client.get(reverse("jobseekers:archive_list")).context["paginator"].count == 2


def test_worklist_queries_do_not_grow_with_tasks(client, world, django_assert_max_num_queries):
    today = timezone.localdate()
    for i in range(3):
        FollowUpTask.objects.create(archive=make_archive(world["station_a"]), due_date=today - dt.timedelta(days=i))
    client.force_login(world["staff"])
    url = reverse("jobseekers:worklist")
    client.get(url)
    with django_assert_max_num_queries(10) as ctx:
        client.get(url)
    few = len(ctx.captured_queries)
    for i in range(8):
        FollowUpTask.objects.create(archive=make_archive(world["station_a"]), due_date=today - dt.timedelta(days=i))
    with django_assert_max_num_queries(few):
        assert len(client.get(url).context["object_list"]) == 11
