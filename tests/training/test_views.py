"""Training pages: the permission matrix, the archive page's training card, the public catalog, the leaflet,
the "建议培训" worklist and the demand-vs-supply report."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from core.models import AuditEvent
from matching.models import StoredRecommendation
from tests.matrix import ANY_INTERNAL, OWNED_BY_A, PUBLIC, assert_matrix
from training import events, services
from training.models import Program, Provider, Referral

from ..jobs.factories import credit_code, make_employer, make_posting
from ..jobseekers.factories import make_archive
from .factories import make_program, make_provider, occupation

pytestmark = pytest.mark.django_db

POST_OWNED_BY_A = {"anonymous": "login", "staff": 302, "staff_other": 404, "staff_far": 404,
                   "district": 302, "district_other": 404, "city": 302}


@pytest.fixture
def program(world):
    provider = make_provider(world["station_a"], actor=world["staff"], name="徐汇区职业技能培训学校")
    return make_program(provider, actor=world["staff"], title="养老护理员（五级）培训", capacity=2,
                        policy_code="SH-PX-01", subsidy_text="结业取证后可申请全额培训补贴。")


def test_page_matrix(client, world, program):
    archive = make_archive(world["station_a"])
    assert_matrix(client, world, reverse("training:program_list"), ANY_INTERNAL)
    assert_matrix(client, world, reverse("training:provider_list"), ANY_INTERNAL)
    assert_matrix(client, world, reverse("training:program_create"), ANY_INTERNAL)
    assert_matrix(client, world, reverse("training:provider_create"), ANY_INTERNAL)
    assert_matrix(client, world, reverse("training:suggest_worklist"), ANY_INTERNAL)
    assert_matrix(client, world, reverse("training:demand_supply"), ANY_INTERNAL)
    assert_matrix(client, world, reverse("training:program_detail", args=[program.pk]), OWNED_BY_A)
    assert_matrix(client, world, reverse("training:program_update", args=[program.pk]), OWNED_BY_A)
    assert_matrix(client, world, reverse("training:provider_update", args=[program.provider_id]), OWNED_BY_A)
    assert_matrix(client, world, reverse("jobseekers:archive_detail", args=[archive.pk]), OWNED_BY_A)
    assert_matrix(client, world, reverse("training:catalog"), PUBLIC)
    assert_matrix(client, world, reverse("training:program_public", args=[program.pk]), PUBLIC)
    assert_matrix(client, world, reverse("training:program_leaflet", args=[program.pk]), PUBLIC)


def test_refer_and_transition_matrix_with_their_effect(client, world, program):
    for role, wanted in POST_OWNED_BY_A.items():
        archive = make_archive(world["station_a"])
        assert_matrix(client, world, reverse("training:archive_refer", args=[archive.pk]), {role: wanted},
                      method="post", data={"program": program.pk})
        made = Referral.objects.filter(archive=archive)
        assert made.exists() == (wanted == 302), role
        if made.exists():
            referral = made.get()
            assert_matrix(client, world, reverse("training:referral_transition", args=[referral.pk, "drop"]),
                          {role: 302}, method="post", data={"reason": "时间冲突"})
            referral.refresh_from_db()
            assert referral.status == "dropped"
    referral = services.referral_create(actor=None, archive=make_archive(world["station_a"]), program=program)
    for role in ("staff_other", "staff_far", "district_other"):
        assert_matrix(client, world, reverse("training:referral_transition", args=[referral.pk, "enrol"]),
                      {role: 404}, method="post")
    referral.refresh_from_db()
    assert referral.status == "referred"


def test_the_archive_page_shows_referrals_and_staff_move_them_on(client, world, program):
    archive = make_archive(world["station_a"], name="李师傅")
    client.force_login(world["staff"])
    client.post(reverse("training:archive_refer", args=[archive.pk]), {"program": program.pk})
    referral = Referral.objects.get(archive=archive)
    for action in ("enrol", "complete"):
        client.post(reverse("training:referral_transition", args=[referral.pk, action]),
                    {"next": archive.get_absolute_url()})
    response = client.post(reverse("training:referral_transition", args=[referral.pk, "certify"]),
                           {"number": "NO-2026-7", "next": archive.get_absolute_url()})
    assert response["Location"] == archive.get_absolute_url()
    html = client.get(archive.get_absolute_url()).content.decode()
    assert "养老护理员（五级）培训" in html and "已取证" in html and "NO-2026-7" in html
    assert AuditEvent.objects.filter(action=events.REFERRAL_CERTIFY, object_id=str(archive.pk)).exists()
    # the claim hook (assistance's opener) refuses plainly: this program has no active policy
    response = client.post(reverse("training:referral_transition", args=[referral.pk, "claim"]), follow=True)
    assert "没有设置适用且已启用的补贴政策" in response.content.decode()


def test_an_off_site_next_is_ignored(client, world, program):
    referral = services.referral_create(actor=None, archive=make_archive(world["station_a"]), program=program)
    client.force_login(world["staff"])
    response = client.post(reverse("training:referral_transition", args=[referral.pk, "enrol"]),
                           {"next": "//evil.example/"})
    assert response["Location"] == program.get_absolute_url()


def test_a_full_program_refuses_referral_enrolment_with_a_message_and_takes_a_waitlist(client, world, program):
    client.force_login(world["staff"])
    for _ in range(2):
        services.referral_enrol(actor=None, referral=services.referral_create(
            actor=None, archive=make_archive(world["station_a"]), program=program))
    archive = make_archive(world["station_a"])
    client.post(reverse("training:archive_refer", args=[archive.pk]), {"program": program.pk})
    referral = Referral.objects.get(archive=archive)
    response = client.post(reverse("training:referral_transition", args=[referral.pk, "enrol"]), follow=True)
    assert services.FULL_MESSAGE in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == "referred"
    client.post(reverse("training:archive_refer", args=[archive.pk]), {"program": program.pk, "waitlist": "1"})
    html = client.get(program.get_absolute_url()).content.decode()
    assert "候补中" in html


def test_a_provider_form_with_a_bad_credit_code_says_so_and_saves_nothing(client, world):
    client.force_login(world["staff"])
    response = client.post(reverse("training:provider_create"), {
        "station": world["station_a"].pk, "name": "某培训学校", "credit_code": "91310000MA1FL0XX0X"})
    assert response.status_code == 400
    assert "credit_code" in response.context["form"].errors
    assert not Provider.objects.exists()


def test_a_program_form_ending_before_start_is_refused(client, world):
    provider = make_provider(world["station_a"])
    client.force_login(world["staff"])
    response = client.post(reverse("training:program_create"), {
        "station": world["station_a"].pk, "provider": provider.pk, "title": "电工培训", "occupation": occupation().pk,
        "skill_level": "4", "hours": 60, "start_date": "2026-12-20", "end_date": "2026-12-01", "capacity": 10,
        "fee": "0", "status": "enrolling"})
    assert response.status_code == 400
    assert "结业日期不能早于开班日期。" in response.content.decode()
    assert not Program.objects.exists()


def test_staff_cannot_put_a_program_on_another_stations_provider(client, world):
    provider = make_provider(world["station_b"])
    client.force_login(world["staff"])
    response = client.post(reverse("training:program_create"), {
        "station": world["station_a"].pk, "provider": provider.pk, "title": "电工培训", "occupation": occupation().pk,
        "skill_level": "4", "hours": 60, "start_date": "2026-12-01", "end_date": "2026-12-20", "capacity": 10,
        "fee": "0", "status": "enrolling"})
    assert response.status_code == 400 and not Program.objects.exists()


def test_the_public_catalog_finds_by_keyword_and_orders_by_walking_distance(client, world):
    today = timezone.localdate()
    near = make_program(make_provider(world["station_a"]), title="育婴员培训近", lat=31.1935, lng=121.4370,
                        start_date=today + dt.timedelta(days=20), end_date=today + dt.timedelta(days=50))
    make_program(make_provider(world["station_b"]), title="育婴员培训远", lat=31.2345, lng=121.5060,
                 start_date=today + dt.timedelta(days=5), end_date=today + dt.timedelta(days=50))
    make_program(make_provider(world["station_a"]), title="育婴员已取消", status=Program.Status.CANCELLED)
    html = client.get(reverse("training:catalog"), {"q": "育婴员"}).content.decode()
    assert "育婴员培训近" in html and "育婴员培训远" in html and "育婴员已取消" not in html
    assert html.index("育婴员培训远") < html.index("育婴员培训近")  # default: starting soonest first
    street = world["station_a"].street
    html = client.get(reverse("training:catalog"), {"q": "育婴员", "near_street": street.pk, "within": 15,
                                                     "sort": "distance"}).content.decode()
    assert "育婴员培训近" in html and "育婴员培训远" not in html and "步行约" in html
    response = client.get(reverse("training:catalog"), {"within": 15})
    assert "请先选择您所在的街镇" in response.content.decode()
    html = client.get(reverse("training:program_public", args=[near.pk])).content.decode()
    assert "定点培训机构" in html


def test_the_public_detail_explains_the_subsidy_and_the_leaflet_has_a_qr_code(client, world, program):
    html = client.get(reverse("training:program_public", args=[program.pk])).content.decode()
    assert "结业取证后可申请全额培训补贴。" in html and "已核验" in html
    leaflet = client.get(reverse("training:program_leaflet", args=[program.pk])).content.decode()
    assert "<svg" in leaflet and "css/leaflet.css" in leaflet and program.get_public_url() in leaflet
    cancelled = make_program(program.provider, status=Program.Status.CANCELLED)
    assert client.get(reverse("training:program_public", args=[cancelled.pk])).status_code == 404


def test_poor_matches_get_training_suggestions_on_the_archive_page_and_the_worklist(client, world, program):
    poor = make_archive(world["station_a"], name="低分者", desired_occupations=[program.occupation])
    good = make_archive(world["station_a"], name="高分者", desired_occupations=[program.occupation])
    posting = make_posting(make_employer(world["station_a"], credit_code=credit_code()))
    StoredRecommendation.objects.create(archive=poor, posting=posting, score=30, rank=1)
    StoredRecommendation.objects.create(archive=good, posting=posting, score=85, rank=1)
    make_archive(world["station_b"], name="别站者", desired_occupations=[program.occupation])
    client.force_login(world["staff"])
    html = client.get(reverse("training:suggest_worklist")).content.decode()
    assert "低分者" in html and "高分者" not in html and "别站者" not in html and program.title in html
    page = client.get(poor.get_absolute_url()).content.decode()
    assert 'data-testid="training-suggested"' in page and program.title in page
    assert 'data-testid="training-suggested"' not in client.get(good.get_absolute_url()).content.decode()


def test_demand_supply_report_and_its_excel_export(client, world, program):
    employer = make_employer(world["station_a"], credit_code=credit_code())
    make_posting(employer, occupation=program.occupation, headcount=7)
    make_archive(world["station_a"], desired_occupations=[program.occupation])
    client.force_login(world["district"])
    html = client.get(reverse("training:demand_supply")).content.decode()
    assert program.occupation.name in html
    response = client.get(reverse("training:demand_supply"), {"format": "xlsx"})
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = {r[0]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    assert rows[program.occupation.code][2:] == (7, 1, 2, 6, 4)


def test_i_want_to_sign_up_leaves_a_lead_in_the_nearest_stations_worklist(client, world, program):
    from jobs.models import Lead

    url = reverse("training:program_signup", args=[program.pk])
    bad = client.post(url, {"name": "王阿姨", "phone": "12345", "consent": "on"})
    assert bad.status_code == 400 and not Lead.objects.exists()
    no_consent = client.post(url, {"name": "王阿姨", "phone": "13912340000"})
    assert no_consent.status_code == 400 and "勾选同意" in no_consent.content.decode()
    done = client.post(url, {"name": "王阿姨", "phone": "13912340000", "consent": "on"})
    assert 'data-testid="signup-done"' in done.content.decode()
    lead = Lead.objects.get()
    assert lead.posting is None and lead.station == world["station_a"] and program.title in lead.subject
    assert lead.consent_notice == "training-2026-12"
    again = client.post(url, {"name": "王阿姨", "phone": "139 1234 0000", "consent": "on"})
    assert again.status_code == 400 and "您已登记过" in again.content.decode() and Lead.objects.count() == 1
    client.force_login(world["staff"])
    html = client.get(reverse("jobs:lead_list")).content.decode()
    assert "培训报名：养老护理员（五级）培训" in html and "13912340000" not in html
    client.force_login(world["staff_far"])
    assert "培训报名" not in client.get(reverse("jobs:lead_list")).content.decode()


def test_sign_up_is_throttled_per_address(client, world, program, settings):
    from django.core.cache import cache

    cache.clear()
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"public_form": "2/hour"}}
    url = reverse("training:program_signup", args=[program.pk])
    codes = [client.post(url, {"name": "甲", "phone": f"1391234000{i}", "consent": "on"}).status_code
             for i in range(3)]
    assert codes == [200, 200, 429]


def test_waitlist_transition_matrix_and_effect(client, world, program):
    from training.models import WaitlistEntry

    for role, wanted in POST_OWNED_BY_A.items():
        entry = services.waitlist_join(actor=None, archive=make_archive(world["station_a"]), program=program)
        assert_matrix(client, world, reverse("training:waitlist_transition", args=[entry.pk, "leave"]),
                      {role: wanted}, method="post")
        entry.refresh_from_db()
        assert entry.status == (WaitlistEntry.Status.WITHDRAWN if wanted == 302 else WaitlistEntry.Status.WAITING), role


def test_the_archive_panels_waitlist_button_puts_the_person_on_the_waitlist(client, world, program):
    archive = make_archive(world["station_a"])
    client.force_login(world["staff"])
    html = client.get(archive.get_absolute_url()).content.decode()
    assert 'name="waitlist" value="1"' in html  # the button the view reads
    client.post(reverse("training:archive_refer", args=[archive.pk]), {"program": program.pk, "waitlist": "1"})
    assert not Referral.objects.filter(archive=archive).exists()
    assert program.waitlist.filter(archive=archive, status="waiting").exists()
