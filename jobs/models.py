"""Employers and job postings (就业岗位筹集).

CONTRACT (other apps rely on these names; add fields freely, do not rename or remove):
Employer: name, kind, credit_code, station (collecting station), street, address, lat, lng, verified.
JobPosting: employer, station, title, occupation (FK core.Occupation, a 细类 or coarser), description,
requirements, salary_min, salary_max, salary_unit (SalaryUnit), headcount, filled_count,
hours_type (HoursType), street, address, lat, lng, benefits, is_public_service, friendly_to
(list of KeyGroup values), source, status (Status), published_at, expires_on;
objects.visible_to(user), objects.published().

Search columns (maintained by jobs.services, never by save()): `search_text` is the normalised
title + employer + description; `search_grams` holds every character and character pair of it, GIN
indexed, so a keyword of any length is looked up by its grams and verified by LIKE (see jobs/search.py).
"""

import datetime as dt

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from core.choices import HoursType, KeyGroup, SalaryUnit, translated
from core.crypto import EncryptedCharField
from core.geo import OUTSIDE_SHANGHAI, in_shanghai
from core.masking import mask_phone
from core.models import TimeStampedModel
from core.scoping import ScopedQuerySet
from core.validators import normalize_credit_code, validate_credit_code


class Employer(TimeStampedModel):
    """An employer collected by a station."""

    class Kind(models.TextChoices):
        ENTERPRISE = "enterprise", _("企业")
        INDIVIDUAL = "individual", _("个体工商户")
        HOUSEKEEPING = "housekeeping", _("家政企业")
        PLATFORM = "platform", _("平台企业")
        PUBLIC_INSTITUTION = "public_institution", _("事业单位")
        COMMUNITY = "community", _("社区公益性用人单位")

    name = models.CharField(_("单位名称"), max_length=100)
    kind = models.CharField(_("单位类型"), max_length=24, choices=Kind.choices, default=Kind.ENTERPRISE)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, null=True, blank=True, unique=True,
                                   error_messages={"unique": _("该统一社会信用代码已登记。")})
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = EncryptedCharField(_("联系电话"), max_length=20, blank=True)  # encrypted at rest
    station = models.ForeignKey("stations.Station", verbose_name=_("筹集站点"), on_delete=models.PROTECT,
                                related_name="employers")
    street = models.ForeignKey("stations.Street", verbose_name=_("所在街镇"), on_delete=models.PROTECT,
                               null=True, blank=True, related_name="+")
    address = models.CharField(_("地址"), max_length=200, blank=True)
    lat = models.FloatField(_("纬度（WGS-84）"), null=True, blank=True)
    lng = models.FloatField(_("经度（WGS-84）"), null=True, blank=True)
    verified = models.BooleanField(_("已核实"), default=False)

    version = models.PositiveIntegerField("版本", default=1, editable=False)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("用人单位")
        verbose_name_plural = _("用人单位")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def contact_phone_masked(self) -> str:
        return mask_phone(self.contact_phone)

    def clean(self) -> None:
        self.credit_code = normalize_credit_code(self.credit_code or "") or None
        if self.credit_code:
            try:
                validate_credit_code(self.credit_code)
            except ValidationError as exc:
                raise ValidationError({"credit_code": exc.messages}) from None
        elif self.kind != self.Kind.INDIVIDUAL:
            raise ValidationError({"credit_code": gettext("除个体工商户外，用人单位必须填写统一社会信用代码。")})
        if (self.lat is None) != (self.lng is None):
            raise ValidationError({"lat": gettext("经纬度需同时填写。")})
        if self.lat is not None and not in_shanghai(self.lat, self.lng):
            raise ValidationError({"lat": gettext(OUTSIDE_SHANGHAI)})


class PostingQuerySet(ScopedQuerySet):
    def published(self):
        return self.filter(status=JobPosting.Status.PUBLISHED)


class JobPosting(TimeStampedModel):
    """A job posting; its status moves draft → pending review → published → filled/expired/withdrawn."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PENDING = "pending", _("待审核")
        PUBLISHED = "published", _("已发布")
        FILLED = "filled", pgettext_lazy("posting status", "已招满")
        EXPIRED = "expired", _("已过期")
        WITHDRAWN = "withdrawn", _("已撤回")

    class Source(models.TextChoices):
        STAFF = "staff", _("站点筹集")
        EMPLOYER = "employer", _("单位自主提交")
        IMPORT = "import", _("批量导入")

    employer = models.ForeignKey(Employer, verbose_name=pgettext_lazy("one employer", "用人单位"), on_delete=models.PROTECT, related_name="postings")
    station = models.ForeignKey("stations.Station", verbose_name=_("负责站点"), on_delete=models.PROTECT,
                                related_name="postings")
    title = models.CharField(_("岗位名称"), max_length=100)
    occupation = models.ForeignKey("core.Occupation", verbose_name=_("职业"), on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    description = models.TextField(_("岗位描述"), blank=True)
    requirements = models.TextField(_("任职要求"), blank=True)
    salary_min = models.PositiveIntegerField(_("最低薪资"), null=True, blank=True)
    salary_max = models.PositiveIntegerField(_("最高薪资"), null=True, blank=True)
    salary_unit = models.CharField(_("薪资单位"), max_length=8, choices=translated(SalaryUnit), default=SalaryUnit.MONTH)
    headcount = models.PositiveIntegerField(_("招聘人数"), default=1)
    filled_count = models.PositiveIntegerField(_("已录用人数"), default=0)
    hours_type = models.CharField(_("工时类型"), max_length=16, choices=translated(HoursType), default=HoursType.FULL_TIME)
    street = models.ForeignKey("stations.Street", verbose_name=_("工作地点街镇"), on_delete=models.PROTECT,
                               null=True, blank=True, related_name="+")
    address = models.CharField(_("工作地点"), max_length=200, blank=True)
    lat = models.FloatField(_("纬度（WGS-84）"), null=True, blank=True)
    lng = models.FloatField(_("经度（WGS-84）"), null=True, blank=True)
    benefits = models.CharField(_("福利待遇"), max_length=200, blank=True)
    is_public_service = models.BooleanField(_("公益性岗位"), default=False)
    friendly_to = ArrayField(models.CharField(max_length=20, choices=translated(KeyGroup)), verbose_name=_("友好人群"),
                             default=list, blank=True)
    source = models.CharField(_("来源"), max_length=16, choices=Source.choices, default=Source.STAFF)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    expires_on = models.DateField(_("截止日期"), null=True, blank=True)
    # Added by the job-collection issue.
    public_service_quota = models.PositiveIntegerField(_("公益性岗位名额"), null=True, blank=True)
    public_service_term_start = models.DateField(_("公益性岗位期限起"), null=True, blank=True)
    public_service_term_end = models.DateField(_("公益性岗位期限止"), null=True, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = EncryptedCharField(_("联系电话"), max_length=20, blank=True)  # encrypted at rest
    status_note = models.CharField(_("状态说明"), max_length=200, blank=True)
    # Who drafted it (None: an employer's submission or a system import): never its reviewer.
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("起草人"), on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+", editable=False)
    district = models.ForeignKey("stations.District", verbose_name=_("工作地点所在区"), on_delete=models.PROTECT,
                                 null=True, blank=True, related_name="+", editable=False)
    salary_month_min = models.PositiveIntegerField(_("折合月薪下限"), default=0, editable=False)
    salary_month_max = models.PositiveIntegerField(_("折合月薪上限"), default=0, editable=False)
    search_text = models.TextField(_("检索文本"), blank=True, editable=False)
    search_grams = ArrayField(models.CharField(max_length=3), verbose_name=_("检索字元"), default=list, blank=True,
                              editable=False)

    version = models.PositiveIntegerField("版本", default=1, editable=False)
    objects = PostingQuerySet.as_manager()

    class Meta:
        verbose_name = _("岗位")
        verbose_name_plural = _("岗位")
        ordering = ["-published_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(salary_min__isnull=True) | models.Q(salary_max__isnull=True)
                | models.Q(salary_min__lte=models.F("salary_max")),
                name="posting_salary_min_le_max", violation_error_message=_("最低薪资不能高于最高薪资。"),
            ),
            models.CheckConstraint(
                condition=models.Q(headcount__gte=1), name="posting_headcount_positive",
                violation_error_message=_("招聘人数至少为1。"),
            ),
            models.CheckConstraint(
                condition=models.Q(is_public_service=False) | models.Q(public_service_quota__isnull=True)
                | models.Q(filled_count__lte=models.F("public_service_quota")),
                name="posting_public_service_within_quota",
                violation_error_message=_("公益性岗位录用人数不能超过名额。"),
            ),
        ]
        indexes = [
            # Every public read is on published rows only: partial indexes halve the work (FINDINGS.md).
            GinIndex(fields=["search_grams"], name="posting_pub_grams",
                     condition=models.Q(status="published")),
            models.Index(models.F("published_at").desc(), models.F("id").desc(), name="posting_pub_newest",
                         condition=models.Q(status="published")),
            models.Index("district", models.F("published_at").desc(), models.F("id").desc(),
                         name="posting_pub_district", condition=models.Q(status="published")),
            models.Index(models.F("salary_month_max").desc(), models.F("id").desc(), name="posting_pub_salary",
                         condition=models.Q(status="published")),
            models.Index(fields=["lat", "lng"], name="posting_pub_latlng", condition=models.Q(status="published")),
            models.Index(fields=["status", "expires_on"], name="posting_status_expiry"),
        ]

    def __str__(self) -> str:
        return f"{self.title} · {self.employer}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("jobs:posting_detail", args=[self.pk])

    def clean(self) -> None:
        errors = {}
        if self.salary_min is not None and self.salary_max is not None and self.salary_min > self.salary_max:
            errors["salary_max"] = gettext("最低薪资不能高于最高薪资。")
        if self.expires_on and self.published_at:
            published_on = self.published_at.date() if isinstance(self.published_at, dt.datetime) else self.published_at
            if self.expires_on < published_on:
                errors["expires_on"] = gettext("截止日期不能早于发布日期。")
        if (self.lat is None) != (self.lng is None):
            errors["lat"] = gettext("经纬度需同时填写。")
        elif self.lat is not None and not in_shanghai(self.lat, self.lng):
            errors["lat"] = gettext(OUTSIDE_SHANGHAI)
        if self.is_public_service:
            if not self.public_service_quota:
                errors["public_service_quota"] = gettext("公益性岗位需填写名额。")
            if not (self.public_service_term_start and self.public_service_term_end):
                errors["public_service_term_end"] = gettext("公益性岗位需填写期限（起止日期）。")
            elif self.public_service_term_end < self.public_service_term_start:
                errors["public_service_term_end"] = gettext("公益性岗位期限的结束日期不能早于开始日期。")
        if self.filled_count and self.headcount and self.filled_count > self.headcount:
            errors["filled_count"] = gettext("已录用人数不能超过招聘人数。")
        if errors:
            raise ValidationError(errors)

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def contact_phone_masked(self) -> str:
        return mask_phone(self.contact_phone)

    @property
    def hire_limit(self) -> int:
        """How many may be hired: the headcount, and for a 公益性岗位 no more than its quota."""
        if self.is_public_service and self.public_service_quota:
            return min(self.headcount, self.public_service_quota)
        return self.headcount

    def public_service_term_ended(self, today: dt.date) -> bool:
        return bool(self.is_public_service and self.public_service_term_end and self.public_service_term_end < today)


class Lead(TimeStampedModel):
    """A resident's "我感兴趣" on a published posting: a call-back task for the nearest station."""

    class Status(models.TextChoices):
        NEW = "new", _("待联系")
        CONTACTED = "contacted", _("已联系")
        CLOSED = "closed", _("已结束")

    posting = models.ForeignKey(JobPosting, verbose_name=pgettext_lazy("job posting", "岗位"), on_delete=models.CASCADE,
                                related_name="leads", null=True, blank=True)
    # A lead about something other than a posting (training's "我想报名"): what and a key such as
    # "training.program:12" (apps above jobs name their own; jobs never reads it).
    subject = models.CharField(_("意向事项"), max_length=120, blank=True)
    subject_key = models.CharField(_("意向事项标识"), max_length=40, blank=True, editable=False)
    station = models.ForeignKey("stations.Station", verbose_name=_("跟进站点"), on_delete=models.PROTECT,
                                related_name="job_leads")
    name = models.CharField(_("姓名"), max_length=50)
    phone_encrypted = models.TextField(_("手机号（加密）"), editable=False)
    phone_hash = models.CharField(_("手机号索引"), max_length=64, editable=False)
    phone_masked = models.CharField(_("手机号（脱敏）"), max_length=20, editable=False)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.NEW, db_index=True)
    note = models.CharField(_("跟进备注"), max_length=200, blank=True)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("跟进人"), on_delete=models.SET_NULL, null=True,
                                   blank=True, related_name="+")
    # What the resident agreed to, and when (leads from before the notice existed have neither).
    consent_at = models.DateTimeField(_("同意时间"), null=True, blank=True, editable=False)
    consent_notice = models.CharField(_("同意的告知版本"), max_length=16, blank=True, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("求职意向登记")
        verbose_name_plural = _("求职意向登记")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["posting", "phone_hash"], name="lead_once_per_phone",
                                    violation_error_message=_("您已登记过对该岗位的意向，服务站会尽快联系您。")),
            models.UniqueConstraint(fields=["subject_key", "phone_hash"], condition=~models.Q(subject_key=""),
                                    name="lead_once_per_subject_phone",
                                    violation_error_message=_("您已登记过，服务站会尽快联系您。")),
            models.CheckConstraint(condition=models.Q(posting__isnull=False) | ~models.Q(subject_key=""),
                                   name="lead_has_posting_or_subject"),
        ]

    def __str__(self) -> str:
        return f"{self.name[:1]}* · {self.title}"

    @property
    def title(self) -> str:
        """What the resident is interested in: the posting's title, or the subject of another app's lead."""
        return self.posting.title if self.posting_id else self.subject
