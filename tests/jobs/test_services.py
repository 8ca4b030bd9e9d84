import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core.models import AuditEvent
from jobs import services
from jobs.models import Employer, JobPosting
from jobs.tasks import expire_postings
from tests.jobs.factories import credit_code, make_employer, make_posting

pytestmark = pytest.mark.django_db


def test_employer_credit_code_validated_and_unique(world):
    a = world["station_a"]
    with pytest.raises(ValidationError) as exc:
        make_employer(a, actor=world["staff"], credit_code="91310104MA1FL0000X")
    assert "校验位" in str(exc.value) or "统一社会信用代码" in str(exc.value)
    code = credit_code()
    make_employer(a, actor=world["staff"], credit_code=code.lower())  # normalised to upper case
    with pytest.raises(ValidationError) as exc:
        make_employer(a, actor=world["staff"], credit_code=code)
    assert "已登记" in str(exc.value)
    assert Employer.objects.count() == 1


def test_credit_code_optional_only_for_individual_businesses(world):
    a = world["station_a"]
    with pytest.raises(ValidationError, match="必须填写统一社会信用代码"):
        make_employer(a, actor=world["staff"], credit_code="")
    shop = make_employer(a, actor=world["staff"], credit_code="", kind=Employer.Kind.INDIVIDUAL)
    assert shop.credit_code is None


def test_staff_cannot_use_another_stations_employer(world):
    other = make_employer(world["station_b"], actor=world["staff_other"])
    with pytest.raises(PermissionDenied):
        services.posting_create(actor=world["staff"], employer=other, title="保洁员")
    assert not JobPosting.objects.exists()


def test_state_machine_with_audit(world):
    employer = make_employer(world["station_a"], actor=world["staff"])
    posting = make_posting(employer, actor=world["staff"], publish=False)
    assert posting.status == JobPosting.Status.DRAFT
    posting = services.posting_submit(actor=world["staff"], posting=posting)
    assert posting.status == JobPosting.Status.PENDING
    posting = services.posting_publish(actor=world["district"], posting=posting)  # a second person reviews
    assert posting.status == JobPosting.Status.PUBLISHED and posting.published_at
    with pytest.raises(ValidationError, match="不能执行此操作"):
        services.posting_submit(actor=world["staff"], posting=posting)
    posting = services.posting_fill(actor=world["staff"], posting=posting)
    assert posting.status == JobPosting.Status.FILLED
    with pytest.raises(ValidationError):
        services.posting_withdraw(actor=world["staff"], posting=posting)
    actions = list(AuditEvent.objects.filter(object_id=str(posting.pk)).values_list("action", flat=True))
    assert {"posting.create", "posting.submit", "posting.publish", "posting.fill"} <= set(actions)


def test_salary_floor_above_ceiling_refused(world):
    employer = make_employer(world["station_a"], actor=world["staff"])
    with pytest.raises(ValidationError, match="最低薪资不能高于最高薪资"):
        make_posting(employer, actor=world["staff"], salary_min=9000, salary_max=5000)
    assert not JobPosting.objects.exists()


def test_publish_refuses_expiry_before_publication(world):
    employer = make_employer(world["station_a"], actor=world["staff"])
    posting = make_posting(employer, actor=world["staff"], publish=False,
                           expires_on=timezone.localdate() - dt.timedelta(days=1))
    with pytest.raises(ValidationError, match="截止日期"):
        services.posting_publish(actor=world["district"], posting=posting)
    posting.refresh_from_db()
    assert posting.status == JobPosting.Status.DRAFT


def test_public_service_post_needs_quota_and_term(world):
    employer = make_employer(world["station_a"], actor=world["staff"], kind=Employer.Kind.COMMUNITY)
    with pytest.raises(ValidationError, match="名额"):
        make_posting(employer, actor=world["staff"], is_public_service=True)
    posting = make_posting(employer, actor=world["staff"], is_public_service=True, public_service_quota=3,
                           public_service_term_start=timezone.localdate(),
                           public_service_term_end=timezone.localdate() + dt.timedelta(days=365))
    assert posting.public_service_quota == 3


def test_expiry_task_is_idempotent(world, django_capture_on_commit_callbacks):
    employer = make_employer(world["station_a"], actor=world["staff"])
    old = make_posting(employer, actor=world["staff"])
    fresh = make_posting(employer, actor=world["staff"])
    JobPosting.objects.filter(pk=old.pk).update(expires_on=timezone.localdate() - dt.timedelta(days=1))
    assert expire_postings.delay().get() == 1
    assert expire_postings.delay().get() == 0
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert old.status == JobPosting.Status.EXPIRED and fresh.status == JobPosting.Status.PUBLISHED
    assert AuditEvent.objects.filter(action="posting.expire", object_id=str(old.pk)).count() == 1


def test_public_submission_lands_pending_at_nearest_station(world):
    posting = services.posting_submit_public(
        employer_name="上海某某家政服务有限公司", employer_kind="housekeeping", credit_code=credit_code(),
        contact_name="李女士", contact_phone="13812345678", title="家政服务员", description="上门做家务",
        street=world["station_c"].street, lat=31.2340, lng=121.5050, salary_unit="month", hours_type="full_time",
        headcount=2, address="东昌路 1 号")
    assert posting.status == JobPosting.Status.PENDING
    assert posting.station == world["station_c"]
    assert posting.source == JobPosting.Source.EMPLOYER


def test_employer_rename_updates_search_text(world):
    employer = make_employer(world["station_a"], actor=world["staff"], name="上海甲乙物业有限公司")
    posting = make_posting(employer, actor=world["staff"])
    services.employer_update(actor=world["staff"], employer=employer, name="上海丙丁餐饮有限公司")
    posting.refresh_from_db()
    assert "丙丁餐饮" in posting.search_text and "甲乙" not in posting.search_text


def test_lead_phone_encrypted_and_masked(world):
    employer = make_employer(world["station_a"], actor=world["staff"])
    posting = make_posting(employer, actor=world["staff"])
    lead = services.lead_create(posting=posting, name="王阿姨", phone="13912345678", consent=True)
    assert lead.phone_masked == "139****5678"
    assert "13912345678" not in lead.phone_encrypted
    assert lead.station == world["station_a"]
    with pytest.raises(ValidationError, match="已登记过"):
        services.lead_create(posting=posting, name="王阿姨", phone="139 1234 5678", consent=True)
    event = AuditEvent.objects.get(action="lead.create")
    assert "13912345678" not in event.summary
    with pytest.raises(ValidationError, match="手机号只能包含数字"):
        services.lead_create(posting=posting, name="王阿姨", phone="1391234abcd", consent=True)
