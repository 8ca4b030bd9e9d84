"""Skills improvement (就业能力提升): training providers, programs, referrals, the waitlist (certificates: jobseekers).

CONTRACT (other apps may rely on these names): Provider, Program (occupation, skill_level, status,
capacity, seats_taken, policy_code), Referral (archive, program, status, certificate → jobseekers.Certificate), WaitlistEntry;
objects.visible_to(user). SkillLevel lives in jobseekers.models (re-exported here); certificates are
jobseekers.Certificate rows on the archive. ProgramImportJob is the program list import's job
(core.imports).

Capacity: `Program.seats_taken` counts enrolments that hold a seat (enrolled, completed, certified) and
outstanding waitlist offers. Services change it only under `select_for_update` on the program row, and a
CheckConstraint (`seats_taken <= capacity`) refuses in the database what a missed lock would let through.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.geo import OUTSIDE_SHANGHAI, in_shanghai
from core.models import ImportJobBase, TimeStampedModel
from core.scoping import ScopedQuerySet
from core.validators import normalize_credit_code, validate_credit_code
from jobseekers.models import ArchiveOwnedQuerySet, SkillLevel


def _check_point(lat, lng, errors: dict) -> None:
    if (lat is None) != (lng is None):
        errors["lat"] = gettext("经纬度需同时填写。")
    elif lat is not None and not in_shanghai(lat, lng):
        errors["lat"] = gettext(OUTSIDE_SHANGHAI)


class Provider(TimeStampedModel):
    """A training provider (培训机构), managed by one station."""

    name = models.CharField(_("机构名称"), max_length=100)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, unique=True,
                                   error_messages={"unique": _("该统一社会信用代码已登记。")})
    station = models.ForeignKey("stations.Station", verbose_name=_("管理站点"), on_delete=models.PROTECT,
                                related_name="training_providers")
    is_designated = models.BooleanField(_("定点培训机构"), default=False)
    designated_from = models.DateField(_("定点资格起"), null=True, blank=True)
    designated_until = models.DateField(_("定点资格止"), null=True, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    street = models.ForeignKey("stations.Street", verbose_name=_("所在街镇"), on_delete=models.PROTECT,
                               null=True, blank=True, related_name="+")
    address = models.CharField(_("地址"), max_length=200, blank=True)
    lat = models.FloatField(_("纬度（WGS-84）"), null=True, blank=True)
    lng = models.FloatField(_("经度（WGS-84）"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("培训机构")
        verbose_name_plural = _("培训机构")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(designated_from__isnull=True) | models.Q(designated_until__isnull=True)
                | models.Q(designated_until__gte=models.F("designated_from")),
                name="provider_designation_period", violation_error_message=_("定点资格的结束日期不能早于开始日期。"),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict = {}
        self.credit_code = normalize_credit_code(self.credit_code or "")
        try:
            validate_credit_code(self.credit_code)
        except ValidationError as exc:
            errors["credit_code"] = exc.messages
        if self.is_designated and not self.designated_until:
            errors["designated_until"] = gettext("定点培训机构须填写定点资格有效期。")
        if self.designated_from and self.designated_until and self.designated_until < self.designated_from:
            errors["designated_until"] = gettext("定点资格的结束日期不能早于开始日期。")
        _check_point(self.lat, self.lng, errors)
        if errors:
            raise ValidationError(errors)

    def designated_on(self, day) -> bool:
        """定点 on `day`: designated and inside the validity period."""
        return bool(self.is_designated and (self.designated_from is None or self.designated_from <= day)
                    and self.designated_until and day <= self.designated_until)


class ProgramQuerySet(ScopedQuerySet):
    def public(self):
        """What the public catalog lists: announced, open for enrolment or running."""
        return self.filter(status__in=[Program.Status.PLANNED, Program.Status.ENROLLING, Program.Status.RUNNING])


class Program(TimeStampedModel):
    """A training program (培训项目) of a provider, managed by a station."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("计划中")
        ENROLLING = "enrolling", _("报名中")
        RUNNING = "running", _("培训中")
        FINISHED = "finished", _("已结束")
        CANCELLED = "cancelled", _("已取消")

    provider = models.ForeignKey(Provider, verbose_name=_("培训机构"), on_delete=models.PROTECT, related_name="programs")
    station = models.ForeignKey("stations.Station", verbose_name=_("管理站点"), on_delete=models.PROTECT,
                                related_name="training_programs")
    title = models.CharField(_("项目名称"), max_length=100)
    occupation = models.ForeignKey("core.Occupation", verbose_name=_("职业"), on_delete=models.PROTECT,
                                   related_name="+")
    skill_level = models.CharField(_("技能等级"), max_length=8, choices=SkillLevel.choices)
    description = models.TextField(_("项目介绍"), blank=True)
    hours = models.PositiveIntegerField(_("课时"))
    start_date = models.DateField(_("开班日期"))
    end_date = models.DateField(_("结业日期"))
    schedule = models.CharField(_("上课时间"), max_length=200, blank=True)
    street = models.ForeignKey("stations.Street", verbose_name=_("培训地点街镇"), on_delete=models.PROTECT,
                               null=True, blank=True, related_name="+")
    place = models.CharField(_("培训地点"), max_length=200, blank=True)
    lat = models.FloatField(_("纬度（WGS-84）"), null=True, blank=True)
    lng = models.FloatField(_("经度（WGS-84）"), null=True, blank=True)
    capacity = models.PositiveIntegerField(_("名额"))
    seats_taken = models.PositiveIntegerField(_("已占名额"), default=0, editable=False)
    fee = models.DecimalField(_("培训费（元）"), max_digits=9, decimal_places=2, default=0)
    # Becomes a FK to assistance.Policy when the policy catalog (issue 13) lands; until then its code.
    policy_code = models.CharField(_("适用补贴政策代码"), max_length=32, null=True, blank=True)
    subsidy_text = models.TextField(_("补贴说明（通俗版）"), blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.PLANNED, db_index=True)
    # Normalised title + occupation + provider name, kept by training.services (never by save()): the catalog's
    # keyword is one LIKE on one table instead of three joined ones (bench/training.py).
    search_text = models.TextField(_("检索文本"), blank=True, editable=False)

    objects = ProgramQuerySet.as_manager()

    class Meta:
        verbose_name = _("培训项目")
        verbose_name_plural = _("培训项目")
        ordering = ["start_date", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(end_date__gte=models.F("start_date")),
                                   name="program_end_not_before_start",
                                   violation_error_message=_("结业日期不能早于开班日期。")),
            models.CheckConstraint(condition=models.Q(capacity__gte=0), name="program_capacity_not_negative",
                                   violation_error_message=_("名额不能为负数。")),
            models.CheckConstraint(condition=models.Q(seats_taken__lte=models.F("capacity")),
                                   name="program_seats_within_capacity",
                                   violation_error_message=_("名额已满。")),
        ]
        indexes = [
            models.Index(fields=["status", "start_date"], name="program_status_start"),
            models.Index(fields=["start_date", "id"], name="program_public_start",
                         condition=models.Q(status__in=["planned", "enrolling", "running"])),
            models.Index(fields=["lat", "lng"], name="program_public_latlng",
                         condition=models.Q(status__in=["planned", "enrolling", "running"])),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("training:program_detail", args=[self.pk])

    def get_public_url(self) -> str:
        from django.urls import reverse

        return reverse("training:program_public", args=[self.pk])

    def clean(self) -> None:
        errors: dict = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = gettext("结业日期不能早于开班日期。")
        if self.capacity is not None and self.capacity < (self.seats_taken or 0):
            errors["capacity"] = gettext("名额不能少于已报名（含候补已通知）人数 %(n)s。") % {"n": self.seats_taken}
        if self.fee is not None and self.fee < 0:
            errors["fee"] = gettext("培训费不能为负数。")
        _check_point(self.lat, self.lng, errors)
        if errors:
            raise ValidationError(errors)

    @property
    def seats_left(self) -> int:
        return max(0, self.capacity - self.seats_taken)


class ProgramImportJob(ImportJobBase):
    """One provider's program list uploaded as Excel and imported by core.imports (as archive imports are)."""

    provider = models.ForeignKey(Provider, verbose_name=_("培训机构"), on_delete=models.CASCADE, related_name="+")
    station = models.ForeignKey("stations.Station", verbose_name=_("管理站点"), on_delete=models.CASCADE,
                                related_name="+")

    objects = ScopedQuerySet.as_manager()

    class Meta(ImportJobBase.Meta):
        verbose_name = _("培训项目导入批次")
        verbose_name_plural = _("培训项目导入批次")


class Referral(TimeStampedModel):
    """A station's referral of an archive to a program: referred → enrolled → completed → certified, or dropped."""

    class Status(models.TextChoices):
        REFERRED = "referred", _("已推荐")
        ENROLLED = "enrolled", _("已报名")
        COMPLETED = "completed", _("已结业")
        CERTIFIED = "certified", _("已取证")
        DROPPED = "dropped", _("已退出")

    HOLDS_SEAT = (Status.ENROLLED, Status.COMPLETED, Status.CERTIFIED)

    archive = models.ForeignKey("jobseekers.JobseekerArchive", verbose_name=_("档案"), on_delete=models.PROTECT,
                                related_name="training_referrals")
    program = models.ForeignKey(Program, verbose_name=_("培训项目"), on_delete=models.PROTECT, related_name="referrals")
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.REFERRED, db_index=True)
    drop_reason = models.CharField(_("退出原因"), max_length=200, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    referred_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("推荐人"), on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+")
    enrolled_at = models.DateTimeField(_("报名时间"), null=True, blank=True)
    completed_on = models.DateField(_("结业日期"), null=True, blank=True)
    certified_on = models.DateField(_("取证日期"), null=True, blank=True)
    dropped_at = models.DateTimeField(_("退出时间"), null=True, blank=True)
    # the certificate recorded on the archive when this referral was certified (jobseekers holds the row)
    certificate = models.OneToOneField("jobseekers.Certificate", verbose_name=_("证书"), on_delete=models.SET_NULL,
                                       null=True, blank=True, related_name="training_referral")

    objects = ArchiveOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("培训推荐")
        verbose_name_plural = _("培训推荐")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["archive", "program"], condition=~models.Q(status="dropped"),
                                    name="referral_one_active_per_archive_program",
                                    violation_error_message=_("该求职者已被推荐到这个培训项目。")),
            models.CheckConstraint(condition=~models.Q(status="dropped") | ~models.Q(drop_reason=""),
                                   name="referral_dropped_has_reason",
                                   violation_error_message=_("退出须填写原因。")),
        ]

    def __str__(self) -> str:
        return f"{self.program.title} · {self.get_status_display()}"


class WaitlistEntry(TimeStampedModel):
    """A place in a full program's waitlist: waiting → offered (until `offer_expires_at`) → accepted /
    declined / expired, or withdrawn. Only `waiting` entries are ever offered a place."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("候补中")
        OFFERED = "offered", _("已通知递补")
        ACCEPTED = "accepted", _("已接受")
        DECLINED = "declined", _("已放弃")
        EXPIRED = "expired", _("逾期未确认")
        WITHDRAWN = "withdrawn", _("已退出候补")

    LIVE = (Status.WAITING, Status.OFFERED)

    archive = models.ForeignKey("jobseekers.JobseekerArchive", verbose_name=_("档案"), on_delete=models.PROTECT,
                                related_name="training_waitlist")
    program = models.ForeignKey(Program, verbose_name=_("培训项目"), on_delete=models.PROTECT, related_name="waitlist")
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.WAITING, db_index=True)
    offered_at = models.DateTimeField(_("通知时间"), null=True, blank=True)
    offer_expires_at = models.DateTimeField(_("确认截止"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.SET_NULL,
                                 null=True, blank=True, related_name="+")

    objects = ArchiveOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("培训候补")
        verbose_name_plural = _("培训候补")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["archive", "program"], condition=models.Q(status__in=["waiting", "offered"]),
                                    name="waitlist_one_live_per_archive_program",
                                    violation_error_message=_("该求职者已在这个项目的候补名单中。")),
            models.CheckConstraint(condition=~models.Q(status="offered") | models.Q(offer_expires_at__isnull=False),
                                   name="waitlist_offer_has_expiry",
                                   violation_error_message=_("递补通知须有确认截止时间。")),
        ]

    def __str__(self) -> str:
        return f"{self.program.title} · {self.get_status_display()}"
