"""Pages and API of matching: permission matrix, query counts, and refusals through HTTP."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.models import AuditEvent
from jobseekers.models import StatusEntry
from matching.models import GuidanceSession, InsuranceHelp, PushRecord
from tests.matching.factories import make_archive, make_posting
from tests.matrix import ADMINS_ONLY, ANY_INTERNAL, OWNED_BY_A, assert_matrix

pytestmark = pytest.mark.django_db

POST_OWNED_BY_A = {**OWNED_BY_A, "staff": 302, "district": 302, "city": 302}


@pytest.fixture
def setup(world):
    a = world["station_a"]
    archive = make_archive(a, skills="电工")
    postings = [make_posting(a, occupation_code=code, requirements="电工证") for code in
                ("4-04-05-05", "4-04-05-01", "4-04-01-01")]
    return {"archive": archive, "postings": postings, "station": a}


def _messages(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_pages_and_endpoints_follow_the_permission_matrix(client, world, setup):
    archive, posting = setup["archive"], setup["postings"][0]
    push = PushRecord.objects.create(archive=archive, posting=posting, channel="phone")
    assert_matrix(client, world, f"/matching/archives/{archive.pk}/", OWNED_BY_A)
    assert_matrix(client, world, f"/matching/archives/{archive.pk}/recommendations/", OWNED_BY_A)
    assert_matrix(client, world, f"/api/archives/{archive.pk}/recommendations/", OWNED_BY_A, api=True)
    assert_matrix(client, world, f"/matching/postings/{posting.pk}/candidates/", OWNED_BY_A)
    assert_matrix(client, world, f"/api/postings/{posting.pk}/candidates/", OWNED_BY_A, api=True)
    assert_matrix(client, world, f"/api/pushes/{push.pk}/", OWNED_BY_A, api=True)
    assert_matrix(client, world, "/matching/pushes/", ANY_INTERNAL)
    assert_matrix(client, world, "/api/pushes/", ANY_INTERNAL, api=True)
    assert_matrix(client, world, "/matching/outbox/", ANY_INTERNAL)
    assert_matrix(client, world, "/matching/batch/", ADMINS_ONLY)
    today = timezone.localdate().isoformat()
    assert_matrix(client, world, f"/matching/archives/{archive.pk}/guidance/", POST_OWNED_BY_A, method="post",
                  data={"held_on": today, "kind": "career", "topics": "求职方向"})
    assert_matrix(client, world, f"/matching/archives/{archive.pk}/insurance/", POST_OWNED_BY_A, method="post",
                  data={"status": "collecting", "checklist": ["id_card"]})
    assert_matrix(client, world, f"/matching/archives/{archive.pk}/push/", POST_OWNED_BY_A, method="post",
                  data={"postings": [setup["postings"][1].pk], "channel": "phone"})
    assert_matrix(client, world, f"/matching/pushes/{push.pk}/outcome/", POST_OWNED_BY_A, method="post",
                  data={"outcome": "interested", "outcome_date": today})


def test_archive_page_shows_explained_recommendations_without_n_plus_1(client, world, setup,
                                                                      django_assert_max_num_queries):
    archive = setup["archive"]
    for p in setup["postings"]:
        PushRecord.objects.create(archive=archive, posting=p, channel="phone")
    GuidanceSession.objects.create(archive=archive, held_on=timezone.localdate(), topics="简历")
    client.force_login(world["staff"])
    with django_assert_max_num_queries(22):
        response = client.get(f"/matching/archives/{archive.pk}/")
    html = response.content.decode()
    assert "同一职业；步行约 1 分钟" in html
    assert html.count('data-testid="push"') == 3


def test_push_list_page_has_a_fixed_number_of_queries(client, world, setup, django_assert_max_num_queries):
    for p in setup["postings"]:
        PushRecord.objects.create(archive=setup["archive"], posting=p, channel="sms")
    client.force_login(world["staff"])
    with django_assert_max_num_queries(10):
        assert client.get("/matching/pushes/?channel=sms").status_code == 200
    with django_assert_max_num_queries(10):
        assert len(client.get("/api/pushes/").json()["results"]) == 3


def test_api_recommendations_carry_score_and_explanation(client, world, setup):
    client.force_login(world["staff"])
    data = client.get(f"/api/archives/{setup['archive'].pk}/recommendations/").json()
    first = data["results"][0]
    assert first["posting"] == setup["postings"][0].pk
    assert first["explanation"].startswith("同一职业；步行约")
    assert first["score"] > 0


def test_declined_postings_leave_the_recommendations(client, world, setup):
    archive, declined = setup["archive"], setup["postings"][0]
    PushRecord.objects.create(archive=archive, posting=declined, channel="phone", outcome="declined",
                              outcome_date=timezone.localdate())
    client.force_login(world["staff"])
    ids = [r["posting"] for r in client.get(f"/api/archives/{archive.pk}/recommendations/").json()["results"]]
    assert declined.pk not in ids and len(ids) == 2


def test_candidates_are_limited_to_the_users_archives(client, world, setup):
    other = make_archive(world["station_b"])
    client.force_login(world["staff"])
    ids = [c["archive"] for c in client.get(f"/api/postings/{setup['postings'][0].pk}/candidates/").json()["results"]]
    assert ids == [setup["archive"].pk]
    client.force_login(world["district"])
    ids = [c["archive"] for c in client.get(f"/api/postings/{setup['postings'][0].pk}/candidates/").json()["results"]]
    assert set(ids) == {setup["archive"].pk, other.pk}


def _push(client, archive, postings, channel="door"):
    return client.post(f"/matching/archives/{archive.pk}/push/",
                       {"postings": [p.pk for p in postings], "channel": channel}, follow=True)


def test_push_several_postings_then_record_a_hire(client, world, setup):
    archive, postings = setup["archive"], setup["postings"]
    postings[0].headcount = 1
    postings[0].save()
    client.force_login(world["staff"])
    response = _push(client, archive, postings[:2])
    assert "已推送 2 个岗位。" in _messages(response)
    push = PushRecord.objects.get(archive=archive, posting=postings[0])
    assert push.explanation.startswith("同一职业") and push.pushed_by == world["staff"]
    response = client.post(f"/matching/pushes/{push.pk}/outcome/",
                           {"outcome": "hired", "outcome_date": timezone.localdate().isoformat()}, follow=True)
    assert "已登记反馈：已录用。" in _messages(response)
    archive.refresh_from_db()
    postings[0].refresh_from_db()
    assert archive.current_status == "employed"
    assert postings[0].filled_count == 1 and postings[0].status == "filled"
    entry = StatusEntry.objects.get(archive=archive)
    assert (entry.status, entry.source, entry.recorded_by) == ("employed", "placement", world["staff"])
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"matching.push", "matching.push_outcome", "jobseeker.status_add", "jobs.posting_filled_count"} <= actions


def _snapshot(archive, postings):
    archive.refresh_from_db()
    for p in postings:
        p.refresh_from_db()
    return (PushRecord.objects.count(), StatusEntry.objects.count(), AuditEvent.objects.count(), archive.current_status,
            [(p.filled_count, p.status) for p in postings],
            list(PushRecord.objects.values_list("outcome", "outcome_date")))


@pytest.mark.parametrize("case, message", [
    ("draft", "只能推送已发布的岗位"),
    ("filled", "只能推送已发布的岗位"),
    ("full_headcount", "已招满，不能推送"),
    ("closed_archive", "该档案已关闭，不能推送岗位。"),
    ("no_posting", "请至少选择一个岗位。"),
    ("bad_channel", "请选择推送方式。"),
    ("sms_without_phone", "该求职者未登记手机号，不能短信推送。"),
    ("again", "已推送给该求职者"),
])
def test_bad_pushes_are_refused_and_change_nothing(client, world, setup, case, message):
    archive, postings = setup["archive"], setup["postings"]
    target, channel = postings[0], "phone"
    PushRecord.objects.create(archive=archive, posting=postings[2], channel="phone")
    if case in ("draft", "filled"):
        target.status = case
        target.save()
    elif case == "full_headcount":
        target.filled_count = target.headcount
        target.save()
    elif case == "closed_archive":
        archive.is_open, archive.closed_reason = False, "迁出本市"
        archive.save()
    elif case == "sms_without_phone":
        archive.phone_encrypted = ""
        archive.save()
        channel = "sms"
    elif case == "bad_channel":
        channel = "pigeon"
    elif case == "again":
        target = postings[2]
    before = _snapshot(archive, postings)
    client.force_login(world["staff"])
    data = {"channel": channel} if case == "no_posting" else {"postings": [postings[1].pk, target.pk], "channel": channel}
    response = client.post(f"/matching/archives/{archive.pk}/push/", data, follow=True)
    assert any(message in m for m in _messages(response)), _messages(response)
    assert _snapshot(archive, postings) == before


def test_pushing_to_another_stations_archive_is_404_and_refused_by_the_service(client, world, setup):
    from django.core.exceptions import PermissionDenied

    from matching.services import push_create

    client.force_login(world["staff_other"])
    assert _push(client, setup["archive"], setup["postings"][:1]).status_code == 404
    with pytest.raises(PermissionDenied, match="不能为其他站点的求职者推送岗位"):
        push_create(actor=world["staff_other"], archive=setup["archive"], postings=setup["postings"][:1],
                    channel="phone")
    assert PushRecord.objects.count() == 0


@pytest.mark.parametrize("case, message", [
    ("hire_twice", "该推送已登记录用，不能重复登记或修改。"),
    ("before_push", "反馈日期不能早于推送日期"),
    ("future", "反馈日期不能晚于今天。"),
    ("no_outcome", "请选择反馈结果。"),
    ("bad_date", "反馈日期格式不正确。"),
    ("posting_full", "已招满"),
])
def test_bad_outcomes_are_refused_and_change_nothing(client, world, setup, case, message):
    archive, postings = setup["archive"], setup["postings"]
    client.force_login(world["staff"])
    _push(client, archive, postings[:1])
    push = PushRecord.objects.get()
    today = timezone.localdate()
    data = {"outcome": "hired", "outcome_date": today.isoformat()}
    if case == "hire_twice":
        client.post(f"/matching/pushes/{push.pk}/outcome/", data)
        assert PushRecord.objects.get().outcome == "hired"
    elif case == "before_push":
        data["outcome_date"] = (today - timedelta(days=1)).isoformat()
    elif case == "future":
        data["outcome_date"] = (today + timedelta(days=1)).isoformat()
    elif case == "no_outcome":
        data["outcome"] = ""
    elif case == "bad_date":
        data["outcome_date"] = "昨天"
    elif case == "posting_full":
        postings[0].filled_count = postings[0].headcount
        postings[0].save()
    before = _snapshot(archive, postings)
    response = client.post(f"/matching/pushes/{push.pk}/outcome/", data, follow=True)
    assert any(message in m for m in _messages(response)), _messages(response)
    assert _snapshot(archive, postings) == before


def test_api_push_and_outcome_refusals_are_chinese_400s(client, world, setup):
    client.force_login(world["staff"])
    archive, postings = setup["archive"], setup["postings"]
    postings[1].status = "draft"
    postings[1].save()
    r = client.post("/api/pushes/", {"archive": archive.pk, "postings": [postings[1].pk], "channel": "phone"},
                    content_type="application/json")
    assert r.status_code == 400 and "只能推送已发布的岗位" in r.json()["detail"]
    r = client.post("/api/pushes/", {"archive": archive.pk, "postings": [postings[0].pk], "channel": "wechat"},
                    content_type="application/json")
    assert r.status_code == 201
    push_id = r.json()[0]["id"]
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    r = client.post(f"/api/pushes/{push_id}/outcome/", {"outcome": "interview", "outcome_date": yesterday},
                    content_type="application/json")
    assert r.status_code == 400 and "反馈日期不能早于推送日期" in r.json()["detail"]
    assert PushRecord.objects.get().outcome == ""
    client.force_login(world["staff_other"])
    r = client.post("/api/pushes/", {"archive": archive.pk, "postings": [postings[0].pk], "channel": "phone"},
                    content_type="application/json")
    assert r.status_code == 404


def test_guidance_and_insurance_are_recorded_and_shown(client, world, setup):
    archive = setup["archive"]
    client.force_login(world["staff"])
    today = timezone.localdate().isoformat()
    client.post(f"/matching/archives/{archive.pk}/guidance/",
                {"held_on": today, "kind": "interview", "topics": "模拟面试", "advice": "多练习自我介绍"})
    client.post(f"/matching/archives/{archive.pk}/insurance/",
                {"status": "collecting", "checklist": ["id_card", "contract"], "employer_name": "某物业公司"})
    html = client.get(f"/matching/archives/{archive.pk}/").content.decode()
    assert "模拟面试" in html and "求职面试辅导" in html
    assert "材料准备中" in html and "待备材料：用人单位信息" in html


@pytest.mark.parametrize("url, data, message", [
    ("guidance", {"held_on": "2026-01-10", "kind": "career", "topics": "x", "follow_up_on": "2026-01-01"},
     "回访日期不能早于指导日期。"),
    ("guidance", {"held_on": "", "kind": "career", "topics": "x"}, "请填写指导日期。"),
    ("guidance", {"held_on": "2999-01-01", "kind": "career", "topics": "x"}, "指导日期不能晚于今天。"),
    ("insurance", {"status": "registered", "checklist": ["id_card"]}, "已参保登记时请填写登记日期。"),
    ("insurance", {"status": "registered", "checklist": ["id_card"], "registered_on": "2026-01-01"},
     "登记完成前请备齐材料"),
])
def test_bad_guidance_and_insurance_input_is_refused(client, world, setup, url, data, message):
    client.force_login(world["staff"])
    response = client.post(f"/matching/archives/{setup['archive'].pk}/{url}/", data, follow=True)
    assert any(message in m for m in _messages(response)), _messages(response)
    assert GuidanceSession.objects.count() == 0
    assert InsuranceHelp.objects.count() == 0
