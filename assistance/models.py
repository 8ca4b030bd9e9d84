"""Employment assistance (就业援助帮扶): the policy catalogue with versioned eligibility rules, the
应享尽享 entitlements the engine finds, and the cases (失业登记, 就业困难人员认定, 补贴申领, 创业补贴).

A policy's rule lives in a PolicyVersion: editing the rule (or the documents it asks for) makes a new
version, and entitlements and cases keep the version they were found or decided under.
"""

from __future__ import annotations

import base64
import json
import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import models, transaction
from django.db.models import Q
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from core.choices import translated
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
        SUBSIDY = "subsidy", gettext_noop("补贴")
        REGISTRATION = "registration", gettext_noop("登记")
        CERTIFICATION = "certification", gettext_noop("认定")
        SERVICE = "service", gettext_noop("服务")

    class Verification(models.TextChoices):
        VERIFIED = "verified", gettext_noop("已核实")
        PARTIAL = "partial", gettext_noop("部分核实")
        UNVERIFIED = "unverified", gettext_noop("未核实")

    code = models.CharField(_("编码"), max_length=32, unique=True,
                            error_messages={"unique": _("该政策编码已存在。")})
    name = models.CharField(_("政策名称"), max_length=200)
    kind = models.CharField(_("类型"), max_length=16, choices=translated(Kind))
    # A district's code (区划代码), empty for a municipal policy; a code, not a foreign key, so the seed
    # (a migration) does not depend on the reference data being loaded first.
    district_code = models.CharField(_("适用区（空为全市）"), max_length=6, blank=True)
    doc_number = models.CharField(_("文号"), max_length=100, blank=True)
    issuer = models.CharField(_("发文机关"), max_length=100, blank=True)
    valid_from = models.DateField(_("有效期起"), null=True, blank=True)
    valid_to = models.DateField(_("有效期止"), null=True, blank=True)
    benefit_text = models.TextField(_("政策内容（通俗说明）"), blank=True)
    amount_text = models.CharField(_("补贴标准"), max_length=200, blank=True,
                                   help_text=_("照原文填写；未核实的金额不要填写。"))
    amount = models.DecimalField(_("发放金额（元，用于记录发放）"), max_digits=10, decimal_places=2,
                                 null=True, blank=True)
    source_url = models.URLField(_("来源链接"), max_length=500, blank=True)
    verified_on = models.DateField(_("核实日期"), null=True, blank=True)
    verification_status = models.CharField(_("核实状态"), max_length=12, choices=translated(Verification),
                                           default=Verification.UNVERIFIED)
    is_active = models.BooleanField(_("启用"), default=True)
    current_version = models.ForeignKey("PolicyVersion", verbose_name=_("当前规则版本"), on_delete=models.PROTECT,
                                        null=True, blank=True, related_name="+")
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = PolicyQuerySet.as_manager()

    class Meta:
        verbose_name = _("政策")
        verbose_name_plural = _("政策")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(valid_to__isnull=True) | Q(valid_from__isnull=True)
                                   | Q(valid_to__gte=models.F("valid_from")),
                                   name="policy_valid_range", violation_error_message=_("有效期止不能早于有效期起。")),
            models.CheckConstraint(condition=Q(amount__isnull=True) | Q(amount__gt=0), name="policy_amount_positive",
                                   violation_error_message=_("发放金额须大于 0。")),
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
            raise ValidationError({"source_url": _("标记为已核实须填写来源链接。")})

    @property
    def level_label(self) -> str:
        if not self.district_code:
            return _("市级")
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
    number = models.PositiveIntegerField(_("版本号"))
    rule = models.JSONField(_("资格规则"), default=dict)
    required_documents = ArrayField(models.CharField(max_length=100), verbose_name=_("所需材料（按顺序）"),
                                    default=list, blank=True)
    note = models.CharField(_("修改说明"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = _("规则版本")
        verbose_name_plural = _("规则版本")
        ordering = ["policy", "-number"]
        constraints = [models.UniqueConstraint(fields=["policy", "number"], name="policyversion_unique_number")]

    def __str__(self) -> str:
        return f"{self.policy.code} v{self.number}"

    @property
    def rule_text(self) -> str:
        """The rule as indented JSON, as the editor's JSON view shows it."""
        return json.dumps(self.rule, ensure_ascii=False, indent=2)


class ArchiveOwnedQuerySet(ScopedQuerySet):
    station_path = "archive__station"
    district_path = "archive__station__street__district"


class EntitlementQuerySet(ScopedQuerySet):
    station_path = "station"
    district_path = "station__street__district"


class Entitlement(models.Model):
    """应享尽享: one archive × policy the engine has found the person eligible for, and what became of it."""

    class State(models.TextChoices):
        ELIGIBLE = "eligible", gettext_noop("符合条件·未申领")
        CLAIM_OPEN = "claim_open", gettext_noop("申办中")
        RECEIVED = "received", gettext_noop("已享受")
        INELIGIBLE = "ineligible", gettext_noop("已不符合条件")
        DECLINED = "declined", gettext_noop("本人放弃")

    # A derived table of a million rows, rewritten nightly: only the archive keeps a database foreign key;
    # the other references are looked up through the indexes below (no per-row trigger checks, no extra
    # single-column indexes to maintain; bench/RESULTS.md).
    archive = models.ForeignKey("jobseekers.JobseekerArchive", verbose_name=_("求职者"), on_delete=models.CASCADE,
                                related_name="entitlements", db_index=False)
    policy = models.ForeignKey(Policy, verbose_name=_("政策"), on_delete=models.CASCADE, related_name="entitlements",
                               db_index=False, db_constraint=False)
    # The archive's station, copied by the engine at each evaluation: the per-station worklist reads one
    # index in order (station, state, first eligible) instead of joining every archive.
    station = models.ForeignKey("stations.Station", verbose_name=_("站点"), on_delete=models.CASCADE, related_name="+",
                                db_index=False, db_constraint=False)
    version = models.ForeignKey(PolicyVersion, verbose_name=_("规则版本"), on_delete=models.DO_NOTHING, related_name="+",
                                db_index=False, db_constraint=False)
    state = models.CharField(_("状态"), max_length=12, choices=translated(State), default=State.ELIGIBLE)
    reason = models.CharField(_("原因"), max_length=200, blank=True)
    first_eligible_on = models.DateField(_("首次符合日期"))
    last_checked_on = models.DateField(_("最近核查日期"))
    # The inputs the rule was evaluated on (rules.Facts as JSON): with `version`, the trace is rebuilt exactly.
    facts = models.JSONField(_("核查依据"), default=dict)

    objects = EntitlementQuerySet.as_manager()

    class Meta:
        verbose_name = _("应享政策")
        verbose_name_plural = _("应享政策")
        ordering = ["first_eligible_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["archive", "policy"], name="entitlement_one_per_archive_policy",
                                    violation_error_message=_("该求职者的这项政策记录已存在。")),
            models.CheckConstraint(condition=~Q(state="declined") | ~Q(reason=""), name="entitlement_declined_reason",
                                   violation_error_message=_("放弃须填写原因。")),
        ]
        indexes = [models.Index(fields=["policy", "state", "first_eligible_on"], name="entitlement_policy_state"),
                   models.Index(fields=["station", "state", "first_eligible_on", "id"], name="entitlement_worklist")]

    def __str__(self) -> str:
        return f"{self.archive_id} · {self.policy_id} · {self.get_state_display()}"


class EngineRun(models.Model):
    """One full run of the eligibility engine over every open archive and active policy."""

    class Status(models.TextChoices):
        RUNNING = "running", gettext_noop("运行中")
        DONE = "done", gettext_noop("已完成")
        FAILED = "failed", gettext_noop("失败")

    started_at = models.DateTimeField(_("开始时间"), default=timezone.now)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("最近进度"), default=timezone.now)
    status = models.CharField(_("状态"), max_length=8, choices=translated(Status), default=Status.RUNNING)
    reference_date = models.DateField(_("核查基准日"))
    total = models.PositiveIntegerField(_("政策数"), default=0)
    processed = models.PositiveIntegerField(_("已处理政策"), default=0)
    archives = models.PositiveIntegerField(_("档案数"), default=0)
    found = models.PositiveIntegerField(_("新发现"), default=0)
    lapsed = models.PositiveIntegerField(_("已不符合"), default=0)
    eligible = models.PositiveIntegerField(_("符合条件总数"), default=0)
    error = models.TextField(_("错误"), blank=True)

    class Meta:
        verbose_name = _("资格核查批次")
        verbose_name_plural = _("资格核查批次")
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
        REGISTRATION = "registration", gettext_noop("失业登记")
        CERTIFICATION = "certification", gettext_noop("就业困难人员认定")
        CLAIM = "claim", gettext_noop("补贴申领")
        STARTUP = "startup", gettext_noop("创业补贴")

    class State(models.TextChoices):
        DRAFT = "draft", gettext_noop("草稿")
        SUBMITTED = "submitted", gettext_noop("已提交")
        UNDER_REVIEW = "under_review", gettext_noop("区级审核中")
        RETURNED = "returned", gettext_noop("退回补充材料")
        APPROVED = "approved", gettext_noop("已核准")
        REJECTED = "rejected", gettext_noop("未通过")
        PAID = "paid", gettext_noop("已发放")
        WITHDRAWN = "withdrawn", gettext_noop("已撤回")

    archive = models.ForeignKey("jobseekers.JobseekerArchive", verbose_name=_("求职者"), on_delete=models.PROTECT,
                                related_name="assistance_cases")
    policy = models.ForeignKey(Policy, verbose_name=_("政策"), on_delete=models.PROTECT, related_name="cases")
    version = models.ForeignKey(PolicyVersion, verbose_name=_("规则版本"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("类型"), max_length=16, choices=translated(Kind))
    state = models.CharField(_("状态"), max_length=16, choices=translated(State), default=State.DRAFT, db_index=True)
    # Maintained by the services: a case that still needs someone's action (one per archive × policy).
    is_open = models.BooleanField(_("办理中"), default=True)
    claim_period = models.CharField(_("申领期"), max_length=7, blank=True, help_text=_("如 2026-12；每期只发放一次。"))
    checklist = ArrayField(models.CharField(max_length=100), verbose_name=_("已核验材料"), default=list, blank=True)
    note = models.TextField(_("情况说明"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("经办人"), on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("提交人"), on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+")
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("审核人"), on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decision_reason = models.CharField(_("审核意见"), max_length=300, blank=True)
    decision_trace = models.JSONField(_("审核时的资格核查"), default=dict, blank=True)
    amount_paid = models.DecimalField(_("发放金额（元）"), max_digits=10, decimal_places=2, null=True, blank=True)
    paid_on = models.DateField(_("发放日期"), null=True, blank=True)
    payment_reference = models.CharField(_("发放凭证号"), max_length=64, blank=True)
    state_changed_at = models.DateTimeField(_("状态变更时间"), default=timezone.now)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("援助案件")
        verbose_name_plural = _("援助案件")
        ordering = ["-state_changed_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["archive", "policy"], condition=Q(is_open=True),
                                    name="case_one_open_per_archive_policy",
                                    violation_error_message=_("该求职者已有这项政策的办理中案件。")),
            models.UniqueConstraint(fields=["archive", "policy", "claim_period"], condition=Q(state="paid"),
                                    name="case_one_payment_per_period",
                                    violation_error_message=_("该求职者本申领期的这项补贴已发放，不能重复发放。")),
            models.CheckConstraint(condition=~Q(state="paid") | (Q(amount_paid__gt=0) & Q(paid_on__isnull=False)
                                                                 & ~Q(payment_reference="")),
                                   name="case_paid_has_payment",
                                   violation_error_message=_("发放须填写金额、日期和凭证号。")),
            models.CheckConstraint(condition=~Q(state="rejected") | ~Q(decision_reason=""),
                                   name="case_rejected_has_reason", violation_error_message=_("不予通过须填写原因。")),
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
    from_state = models.CharField(_("原状态"), max_length=16, choices=translated(Case.State), blank=True)
    to_state = models.CharField(_("新状态"), max_length=16, choices=translated(Case.State))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(_("时间"), default=timezone.now)
    note = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("案件流转")
        verbose_name_plural = _("案件流转")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.from_state} → {self.to_state}"


class CaseDocumentQuerySet(ScopedQuerySet):
    station_path = "case__archive__station"
    district_path = "case__archive__station__street__district"


def document_storage():
    """The Django storage documents go to, or None for the database (`DOCUMENT_STORAGE`, README "Documents")."""
    alias = settings.DOCUMENT_STORAGE
    return storages[alias] if alias else None


def store_token(storage, token: bytes) -> str:
    """Save an encrypted document under a fresh random name in `storage`; the name it was saved as."""
    return storage.save(f"case-documents/{uuid.uuid4().hex}.bin", ContentFile(token))


class CaseDocument(models.Model):
    """An uploaded supporting document, always encrypted, served only by a scope-checking view.

    The encrypted bytes live in `data` (the database, which every web and worker machine reaches), or, when
    `DOCUMENT_STORAGE` names a storage (S3-compatible through django-storages, or a shared mount), in that
    storage under a random name recorded in `stored_name`: no storage URL is ever shown, the file is read
    back only by `get_content`."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    item = models.CharField(_("材料项"), max_length=100)
    file_name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("类型"), max_length=32)
    size = models.PositiveIntegerField(_("大小（字节）"))
    data = models.BinaryField(_("内容（加密）"), editable=False, default=bytes)
    stored_name = models.CharField(_("存储位置"), max_length=100, blank=True, editable=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    objects = CaseDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("案件材料")
        verbose_name_plural = _("案件材料")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return f"{self.item}：{self.file_name}"

    def set_content(self, content: bytes) -> None:
        token = encrypt(base64.b64encode(content).decode()).encode()
        storage = document_storage()
        if storage is None:
            self.data, self.stored_name = token, ""
        else:
            self.data = b""
            self.stored_name = store_token(storage, token)

    def get_content(self) -> bytes:
        if self.stored_name:
            with document_storage().open(self.stored_name, "rb") as handle:
                token = handle.read()
        else:
            token = bytes(self.data)
        return base64.b64decode(decrypt(token.decode()))


@receiver(post_delete, sender=CaseDocument, dispatch_uid="assistance-document-file")
def _delete_stored_file(sender, instance: CaseDocument, **kwargs) -> None:
    """A deleted document's file goes too, once the deletion is committed (a rollback keeps both)."""
    if instance.stored_name:
        name, storage = instance.stored_name, document_storage()
        transaction.on_commit(lambda: storage.delete(name))
