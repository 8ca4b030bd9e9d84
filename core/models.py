"""Shared base model, roles, audit events and the occupational classification."""

import base64

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from .choices import translated
from .crypto import decrypt, encrypt
from .scoping import ScopedQuerySet


class TimeStampedModel(models.Model):
    """Abstract base: creation and modification times."""

    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True


class Role(models.TextChoices):
    STAFF = "staff", gettext_noop("站点工作人员")
    DISTRICT = "district", gettext_noop("区级管理员")
    CITY = "city", gettext_noop("市级管理员")
    EXPERT = "expert", gettext_noop("创业专家")


class UserProfile(TimeStampedModel):
    """A login's role; district admins carry their district, staff their station memberships."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    role = models.CharField(_("角色"), max_length=16, choices=translated(Role), default=Role.STAFF)
    district = models.ForeignKey(
        "stations.District", verbose_name=_("所属区"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="admins",
    )
    display_name = models.CharField(_("显示名称"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("用户角色")
        verbose_name_plural = _("用户角色")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role="district") | models.Q(district__isnull=False),
                name="district_admin_has_district",
                violation_error_message=_("区级管理员必须指定所属区。"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user.get_username()}（{self.get_role_display()}）"


class Occupation(models.Model):
    """《中华人民共和国职业分类大典（2022年版）》: 大类 → 中类 → 小类 → 细类(职业)."""

    class Level(models.IntegerChoices):
        MAJOR = 1, "大类"
        MIDDLE = 2, "中类"
        MINOR = 3, "小类"
        OCCUPATION = 4, "细类（职业）"

    code = models.CharField(_("代码"), max_length=16, unique=True)
    name = models.CharField(_("名称"), max_length=100, db_index=True)
    level = models.PositiveSmallIntegerField(_("层级"), choices=translated(Level))
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children")
    gbm_code = models.CharField(_("GBM代码"), max_length=8, blank=True)

    class Meta:
        verbose_name = _("职业分类")
        verbose_name_plural = _("职业分类")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def major_code(self) -> str:
        return self.code.split("-")[0]

    def ancestor_codes(self) -> list[str]:
        """['4', '4-04', '4-04-05', '4-04-05-05'] for a 细类."""
        parts = self.code.split("-")
        return ["-".join(parts[: i + 1]) for i in range(len(parts))]


class AuditEventQuerySet(ScopedQuerySet):
    """City admins read the whole trail, district admins their district's; station staff none of it."""

    station_path = None
    district_path = "district"


class AuditEvent(models.Model):
    """Who did what to which object, when and from where; written by services in the same transaction."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="audit_events",
    )
    actor_name = models.CharField(_("操作人名称"), max_length=150, blank=True)
    action = models.CharField(_("操作"), max_length=64, db_index=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, blank=True)
    object_id = models.CharField(_("对象ID"), max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    summary = models.CharField(_("摘要"), max_length=500, blank=True)
    changes = models.JSONField(_("变更内容"), default=dict, blank=True)
    district = models.ForeignKey(
        "stations.District", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    station = models.ForeignKey("stations.Station", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    client_ip = models.GenericIPAddressField(_("客户端地址"), null=True, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计事件")
        verbose_name_plural = _("审计事件")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_repr}"


class QueuedTask(models.Model):
    """A Celery call recorded with the write that needs it, deleted once the broker has it (core/queue.py)."""

    task = models.CharField(_("任务"), max_length=200)
    kwargs = models.JSONField(_("参数"), default=dict)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True, db_index=True)
    attempts = models.PositiveSmallIntegerField(_("发布失败次数"), default=0)
    last_error = models.CharField(_("最近错误"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("待发布任务")
        verbose_name_plural = _("待发布任务")

    def __str__(self) -> str:
        return f"{self.task} #{self.pk}"


class ImportJobBase(models.Model):
    """Abstract base of an Excel upload imported by a Celery task (`core.imports.SheetImport.run`): its state,
    encrypted upload and error report live in the database, counters are polled for progress.

    jobseekers.ImportJob (archives, postings) and training's ProgramImportJob inherit it."""

    class Mode(models.TextChoices):
        PARTIAL = "partial", gettext_noop("导入正确的行，错误行出报告")
        ALL_OR_NOTHING = "all_or_nothing", gettext_noop("全部正确才导入（有错则全部不导入）")

    class Status(models.TextChoices):
        PENDING = "pending", gettext_noop("排队中")
        RUNNING = "running", gettext_noop("处理中")
        DONE = "done", gettext_noop("已完成")
        FAILED = "failed", gettext_noop("失败")

    class Phase(models.TextChoices):
        READ = "read", gettext_noop("读取文件")
        VALIDATE = "validate", gettext_noop("校验")
        WRITE = "write", gettext_noop("写入")

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    file_name = models.CharField(_("文件名"), max_length=200)
    source = models.BinaryField(_("文件内容（加密）"), editable=False, default=bytes)  # cleared once processed
    mode = models.CharField(_("导入方式"), max_length=16, choices=translated(Mode), default=Mode.PARTIAL)
    status = models.CharField(_("状态"), max_length=16, choices=translated(Status), default=Status.PENDING)
    phase = models.CharField(_("阶段"), max_length=16, choices=translated(Phase), blank=True)
    total_rows = models.PositiveIntegerField(_("总行数"), default=0)
    processed_rows = models.PositiveIntegerField(_("已校验"), default=0)
    imported_rows = models.PositiveIntegerField(_("已导入"), default=0)
    failed_rows = models.PositiveIntegerField(_("错误行"), default=0)
    duplicate_rows = models.PositiveIntegerField(_("重复行"), default=0)
    example_rows = models.PositiveIntegerField(_("示例行（未导入）"), default=0)
    errors = models.JSONField(_("错误明细"), default=list, blank=True)  # [{"row", "reason", ...}]
    report = models.BinaryField(_("错误报告（加密）"), editable=False, default=bytes)
    message = models.CharField(_("结果说明"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    # Set by every progress write: a running job whose heartbeat is old lost its worker (core.imports.sweep).
    updated_at = models.DateTimeField(_("最近进展"), default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.file_name}（{self.get_status_display()}）"

    def set_source(self, content: bytes) -> None:
        self.source = encrypt(base64.b64encode(content).decode()).encode()

    def get_source(self) -> bytes:
        return base64.b64decode(decrypt(bytes(self.source).decode())) if self.source else b""

    def set_report(self, content: bytes) -> None:
        self.report = encrypt(base64.b64encode(content).decode()).encode() if content else b""

    def get_report(self) -> bytes:
        return base64.b64decode(decrypt(bytes(self.report).decode())) if self.report else b""

    @property
    def can_retry(self) -> bool:
        """Failed for a system reason (lost worker, error) with the upload still kept."""
        return self.status == self.Status.FAILED and bool(self.source)

    @property
    def progress_label(self) -> str:
        if self.status == self.Status.RUNNING and self.phase:
            return f"{self.get_phase_display()}中"
        return self.get_status_display()

    @property
    def percent(self) -> int:
        return int(self.processed_rows * 100 / self.total_rows) if self.total_rows else 0

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED}
