"""Employment assistance (就业援助帮扶): the policy catalogue with versioned eligibility rules, the
应享尽享 entitlements the engine finds, and the cases (失业登记, 就业困难人员认定, 补贴申领, 创业补贴).

A policy's rule lives in a PolicyVersion: editing the rule (or the documents it asks for) makes a new
version, and entitlements and cases keep the version they were found or decided under.
"""

from __future__ import annotations

import base64

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.crypto import decrypt, encrypt
from core.scoping import ScopedQuerySet


class PolicyQuerySet(models.QuerySet):
    def verified(self):
        return self.filter(verification_status=Policy.Verification.VERIFIED)

    def active(self):
        return self.filter(is_active=True)

    def public(self):
        """What a public page may show: active and verified, with a rule."""
        return self.active().verified().exclude(current_version__isnull=True)


class Policy(models.Model):
    """One policy of the catalogue; its eligibility rule is in `current_version`."""

    class Kind(models.TextChoices):
        SUBSIDY = "subsidy", "补贴"
        REGISTRATION = "registration", "登记"
        CERTIFICATION = "certification", "认定"
        SERVICE = "service", "服务"

    class Verification(models.TextChoices):
        VERIFIED = "verified", "已核实"
        PARTIAL = "partial", "部分核实"
        UNVERIFIED = "unverified", "未核实"

    code = models.CharField("编码", max_length=32, unique=True,
                            error_messages={"unique": "该政策编码已存在。"})
    name = models.CharField("政策名称", max_length=200)
    kind = models.CharField("类型", max_length=16, choices=Kind.choices)
    # A district's code (区划代码), empty for a municipal policy; a code, not a foreign key, so the seed
    # (a migration) does not depend on the reference data being loaded first.
    district_code = models.CharField("适用区（空为全市）", max_length=6, blank=True)
    doc_number = models.CharField("文号", max_length=100, blank=True)
    issuer = models.CharField("发文机关", max_length=100, blank=True)
    valid_from = models.DateField("有效期起", null=True, blank=True)
    valid_to = models.DateField("有效期止", null=True, blank=True)
    benefit_text = models.TextField("政策内容（通俗说明）", blank=True)
    amount_text = models.CharField("补贴标准", max_length=200, blank=True,
                                   help_text="照原文填写；未核实的金额不要填写。")
    amount = models.DecimalField("发放金额（元，用于记录发放）", max_digits=10, decimal_places=2,
                                 null=True, blank=True)
    source_url = models.URLField("来源链接", max_length=500, blank=True)
    verified_on = models.DateField("核实日期", null=True, blank=True)
    verification_status = models.CharField("核实状态", max_length=12, choices=Verification.choices,
                                           default=Verification.UNVERIFIED)
    is_active = models.BooleanField("启用", default=True)
    current_version = models.ForeignKey("PolicyVersion", verbose_name="当前规则版本", on_delete=models.PROTECT,
                                        null=True, blank=True, related_name="+")
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = PolicyQuerySet.as_manager()

    class Meta:
        verbose_name = "政策"
        verbose_name_plural = "政策"
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(valid_to__isnull=True) | Q(valid_from__isnull=True)
                                   | Q(valid_to__gte=models.F("valid_from")),
                                   name="policy_valid_range", violation_error_message="有效期止不能早于有效期起。"),
            models.CheckConstraint(condition=Q(amount__isnull=True) | Q(amount__gt=0), name="policy_amount_positive",
                                   violation_error_message="发放金额须大于 0。"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("assistance:policy_detail", args=[self.pk])

    def clean(self) -> None:
        from stations.models import District

        if self.district_code and not District.objects.filter(code=self.district_code).exists():
            raise ValidationError({"district_code": f"没有区划代码为“{self.district_code}”的区。"})
        if self.verification_status == self.Verification.VERIFIED and not self.source_url:
            raise ValidationError({"source_url": "标记为已核实须填写来源链接。"})

    @property
    def level_label(self) -> str:
        if not self.district_code:
            return "市级"
        from stations.models import District

        return District.objects.filter(code=self.district_code).values_list("name", flat=True).first() or self.district_code

    @property
    def is_verified(self) -> bool:
        return self.verification_status == self.Verification.VERIFIED

    @property
    def required_documents(self) -> list[str]:
        return list(self.current_version.required_documents) if self.current_version_id else []

    @property
    def case_kind(self) -> str:
        return {self.Kind.REGISTRATION: Case.Kind.REGISTRATION,
                self.Kind.CERTIFICATION: Case.Kind.CERTIFICATION}.get(self.kind, Case.Kind.CLAIM)

    def in_force(self, on) -> bool:
        return (self.valid_from is None or self.valid_from <= on) and (self.valid_to is None or on <= self.valid_to)


class PolicyVersion(models.Model):
    """A policy's eligibility rule and required documents as they stood from `created_at`; never edited."""

    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField("版本号")
    rule = models.JSONField("资格规则", default=dict)
    required_documents = ArrayField(models.CharField(max_length=100), verbose_name="所需材料（按顺序）",
                                    default=list, blank=True)
    note = models.CharField("修改说明", max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField("创建时间", default=timezone.now)

    class Meta:
        verbose_name = "规则版本"
        verbose_name_plural = "规则版本"
        ordering = ["policy", "-number"]
        constraints = [models.UniqueConstraint(fields=["policy", "number"], name="policyversion_unique_number")]

    def __str__(self) -> str:
        return f"{self.policy.code} v{self.number}"


class ArchiveOwnedQuerySet(ScopedQuerySet):
    station_path = "archive__station"
    district_path = "archive__station__street__district"


class EntitlementQuerySet(ScopedQuerySet):
    station_path = "station"
    district_path = "station__street__district"


class Entitlement(models.Model):
    """应享尽享: one archive × policy the engine has found the person eligible for, and what became of it."""

    class State(models.TextChoices):
        ELIGIBLE = "eligible", "符合条件·未申领"
        CLAIM_OPEN = "claim_open", "申办中"
        RECEIVED = "received", "已享受"
        INELIGIBLE = "ineligible", "已不符合条件"
        DECLINED = "declined", "本人放弃"

    # A derived table of a million rows, rewritten nightly: only the archive keeps a database foreign key;
    # the other references are looked up through the indexes below (no per-row trigger checks, no extra
    # single-column indexes to maintain; bench/RESULTS.md).
    archive = models.ForeignKey("jobseekers.JobseekerArchive", verbose_name="求职者", on_delete=models.CASCADE,
                                related_name="entitlements", db_index=False)
    policy = models.ForeignKey(Policy, verbose_name="政策", on_delete=models.CASCADE, related_name="entitlements",
                               db_index=False, db_constraint=False)
    # The archive's station, copied by the engine at each evaluation: the per-station worklist reads one
    # index in order (station, state, first eligible) instead of joining every archive.
    station = models.ForeignKey("stations.Station", verbose_name="站点", on_delete=models.CASCADE, related_name="+",
                                db_index=False, db_constraint=False)
    version = models.ForeignKey(PolicyVersion, verbose_name="规则版本", on_delete=models.DO_NOTHING, related_name="+",
                                db_index=False, db_constraint=False)
    state = models.CharField("状态", max_length=12, choices=State.choices, default=State.ELIGIBLE)
    reason = models.CharField("原因", max_length=200, blank=True)
    first_eligible_on = models.DateField("首次符合日期")
    last_checked_on = models.DateField("最近核查日期")
    # The inputs the rule was evaluated on (rules.Facts as JSON): with `version`, the trace is rebuilt exactly.
    facts = models.JSONField("核查依据", default=dict)

    objects = EntitlementQuerySet.as_manager()

    class Meta:
        verbose_name = "应享政策"
        verbose_name_plural = "应享政策"
        ordering = ["first_eligible_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["archive", "policy"], name="entitlement_one_per_archive_policy",
                                    violation_error_message="该求职者的这项政策记录已存在。"),
            models.CheckConstraint(condition=~Q(state="declined") | ~Q(reason=""), name="entitlement_declined_reason",
                                   violation_error_message="放弃须填写原因。"),
        ]
        indexes = [models.Index(fields=["policy", "state", "first_eligible_on"], name="entitlement_policy_state"),
                   models.Index(fields=["station", "state", "first_eligible_on", "id"], name="entitlement_worklist")]

    def __str__(self) -> str:
        return f"{self.archive_id} · {self.policy_id} · {self.get_state_display()}"

    def trace(self):
        from .rules import Facts, evaluate

        return evaluate(self.version.rule, Facts.from_json(self.facts), policy_id=self.policy_id)


class EngineRun(models.Model):
    """One full run of the eligibility engine over every open archive and active policy."""

    class Status(models.TextChoices):
        RUNNING = "running", "运行中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    started_at = models.DateTimeField("开始时间", default=timezone.now)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    heartbeat_at = models.DateTimeField("最近进度", default=timezone.now)
    status = models.CharField("状态", max_length=8, choices=Status.choices, default=Status.RUNNING)
    reference_date = models.DateField("核查基准日")
    total = models.PositiveIntegerField("政策数", default=0)
    processed = models.PositiveIntegerField("已处理政策", default=0)
    archives = models.PositiveIntegerField("档案数", default=0)
    found = models.PositiveIntegerField("新发现", default=0)
    lapsed = models.PositiveIntegerField("已不符合", default=0)
    eligible = models.PositiveIntegerField("符合条件总数", default=0)
    error = models.TextField("错误", blank=True)

    class Meta:
        verbose_name = "资格核查批次"
        verbose_name_plural = "资格核查批次"
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"核查 #{self.pk}（{self.get_status_display()}）"

    @property
    def percent(self) -> int:
        return int(100 * self.processed / self.total) if self.total else 100

    @property
    def seconds(self) -> float:
        end = self.finished_at or self.heartbeat_at
        return round((end - self.started_at).total_seconds(), 1)


class CaseQuerySet(ArchiveOwnedQuerySet):
    def open(self):
        return self.filter(is_open=True)


class Case(models.Model):
    """One application (失业登记, 困难认定, 补贴申领, 创业补贴) moving through one state machine (services)."""

    class Kind(models.TextChoices):
        REGISTRATION = "registration", "失业登记"
        CERTIFICATION = "certification", "就业困难人员认定"
        CLAIM = "claim", "补贴申领"
        STARTUP = "startup", "创业补贴"

    class State(models.TextChoices):
        DRAFT = "draft", "草稿"
        SUBMITTED = "submitted", "已提交"
        UNDER_REVIEW = "under_review", "区级审核中"
        RETURNED = "returned", "退回补充材料"
        APPROVED = "approved", "已核准"
        REJECTED = "rejected", "未通过"
        PAID = "paid", "已发放"
        WITHDRAWN = "withdrawn", "已撤回"

    archive = models.ForeignKey("jobseekers.JobseekerArchive", verbose_name="求职者", on_delete=models.PROTECT,
                                related_name="assistance_cases")
    policy = models.ForeignKey(Policy, verbose_name="政策", on_delete=models.PROTECT, related_name="cases")
    version = models.ForeignKey(PolicyVersion, verbose_name="规则版本", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("类型", max_length=16, choices=Kind.choices)
    state = models.CharField("状态", max_length=16, choices=State.choices, default=State.DRAFT, db_index=True)
    # Maintained by the services: a case that still needs someone's action (one per archive × policy).
    is_open = models.BooleanField("办理中", default=True)
    claim_period = models.CharField("申领期", max_length=7, blank=True, help_text="如 2026-12；每期只发放一次。")
    checklist = ArrayField(models.CharField(max_length=100), verbose_name="已核验材料", default=list, blank=True)
    note = models.TextField("情况说明", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="经办人", on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="提交人", on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+")
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="审核人", on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField("审核时间", null=True, blank=True)
    decision_reason = models.CharField("审核意见", max_length=300, blank=True)
    decision_trace = models.JSONField("审核时的资格核查", default=dict, blank=True)
    amount_paid = models.DecimalField("发放金额（元）", max_digits=10, decimal_places=2, null=True, blank=True)
    paid_on = models.DateField("发放日期", null=True, blank=True)
    payment_reference = models.CharField("发放凭证号", max_length=64, blank=True)
    state_changed_at = models.DateTimeField("状态变更时间", default=timezone.now)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = "援助案件"
        verbose_name_plural = "援助案件"
        ordering = ["-state_changed_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["archive", "policy"], condition=Q(is_open=True),
                                    name="case_one_open_per_archive_policy",
                                    violation_error_message="该求职者已有这项政策的办理中案件。"),
            models.UniqueConstraint(fields=["archive", "policy", "claim_period"], condition=Q(state="paid"),
                                    name="case_one_payment_per_period",
                                    violation_error_message="该求职者本申领期的这项补贴已发放，不能重复发放。"),
            models.CheckConstraint(condition=~Q(state="paid") | (Q(amount_paid__gt=0) & Q(paid_on__isnull=False)
                                                                 & ~Q(payment_reference="")),
                                   name="case_paid_has_payment",
                                   violation_error_message="发放须填写金额、日期和凭证号。"),
            models.CheckConstraint(condition=~Q(state="rejected") | ~Q(decision_reason=""),
                                   name="case_rejected_has_reason", violation_error_message="不予通过须填写原因。"),
        ]
        indexes = [models.Index(fields=["archive", "kind", "state"], name="case_archive_kind_state")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("assistance:case_detail", args=[self.pk])

    @property
    def station(self):
        return self.archive.station

    @property
    def station_id(self):
        return self.archive.station_id

    @property
    def waiting_days(self) -> int:
        return (timezone.now() - self.state_changed_at).days

    def missing_documents(self) -> list[str]:
        uploaded = {d.item for d in self.documents.all()}
        return [d for d in self.version.required_documents if d not in self.checklist and d not in uploaded]


class CaseTransition(models.Model):
    """One move of a case: who, when, from, to and a note; written by the transition's service."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="transitions")
    from_state = models.CharField("原状态", max_length=16, choices=Case.State.choices, blank=True)
    to_state = models.CharField("新状态", max_length=16, choices=Case.State.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField("时间", default=timezone.now)
    note = models.CharField("说明", max_length=300, blank=True)

    class Meta:
        verbose_name = "案件流转"
        verbose_name_plural = "案件流转"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.from_state} → {self.to_state}"


class CaseDocumentQuerySet(ScopedQuerySet):
    station_path = "case__archive__station"
    district_path = "case__archive__station__street__district"


class CaseDocument(models.Model):
    """An uploaded supporting document, encrypted in the database; served only by a scope-checking view."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    item = models.CharField("材料项", max_length=100)
    file_name = models.CharField("文件名", max_length=200)
    content_type = models.CharField("类型", max_length=32)
    size = models.PositiveIntegerField("大小（字节）")
    data = models.BinaryField("内容（加密）", editable=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    objects = CaseDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = "案件材料"
        verbose_name_plural = "案件材料"
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return f"{self.item}：{self.file_name}"

    def set_content(self, content: bytes) -> None:
        self.data = encrypt(base64.b64encode(content).decode()).encode()

    def get_content(self) -> bytes:
        return base64.b64decode(decrypt(bytes(self.data).decode()))
