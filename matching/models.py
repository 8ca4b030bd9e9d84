"""Matching (就业供需匹配): pushes and placements, the SMS outbox, stored nightly recommendations,
career guidance (职业指导) and employment-insurance registration help (就业参保登记)."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import TimeStampedModel
from core.scoping import ScopedQuerySet
from jobseekers.models import ArchiveOwnedQuerySet


class PushRecord(TimeStampedModel):
    """岗位推送: one posting pushed to one jobseeker, and what came of it."""

    class Channel(models.TextChoices):
        DOOR = "door", _("上门")
        PHONE = "phone", _("电话")
        SMS = "sms", _("短信")
        WECHAT = "wechat", _("微信")

    class Outcome(models.TextChoices):
        PENDING = "", _("待反馈")
        INTERESTED = "interested", _("有意向")
        INTERVIEW = "interview", _("已面试")
        HIRED = "hired", _("已录用")
        DECLINED = "declined", _("不感兴趣")

    archive = models.ForeignKey("jobseekers.JobseekerArchive", verbose_name=_("求职者"), on_delete=models.CASCADE,
                                related_name="pushes")
    posting = models.ForeignKey("jobs.JobPosting", verbose_name=_("岗位"), on_delete=models.PROTECT,
                                related_name="pushes")
    channel = models.CharField(_("推送方式"), max_length=8, choices=Channel.choices)
    pushed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("推送人"), on_delete=models.SET_NULL,
                                  null=True, blank=True, related_name="+")
    pushed_at = models.DateTimeField(_("推送时间"), default=timezone.now)
    pushed_on = models.DateField(_("推送日期"), default=timezone.localdate)
    score = models.FloatField(_("匹配得分"), null=True, blank=True)
    explanation = models.CharField(_("匹配说明"), max_length=300, blank=True)
    outcome = models.CharField(_("反馈结果"), max_length=12, choices=Outcome.choices, blank=True, default="")
    outcome_date = models.DateField(_("反馈日期"), null=True, blank=True)
    outcome_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    note = models.CharField(_("备注"), max_length=200, blank=True)

    objects = ArchiveOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("岗位推送")
        verbose_name_plural = _("岗位推送")
        ordering = ["-pushed_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["archive", "posting"], condition=Q(outcome="hired"),
                                    name="push_one_hire_per_archive_posting",
                                    violation_error_message=_("该求职者已被此岗位录用，不能重复登记。")),
            models.CheckConstraint(condition=Q(outcome_date__isnull=True) | Q(outcome_date__gte=F("pushed_on")),
                                   name="push_outcome_not_before_push",
                                   violation_error_message=_("反馈日期不能早于推送日期。")),
            models.CheckConstraint(condition=Q(outcome="") | Q(outcome_date__isnull=False),
                                   name="push_outcome_has_date",
                                   violation_error_message=_("请填写反馈日期。")),
        ]
        indexes = [models.Index(fields=["archive", "outcome"], name="push_archive_outcome")]

    def __str__(self) -> str:
        return f"{self.posting_id} → {self.archive_id}（{self.get_channel_display()}）"


class SmsOutboxQuerySet(ScopedQuerySet):
    """Scoped by the message's station (the archive's station for pushes; the appointment's for consulting)."""

    station_path = "station"

    def due(self, now=None):
        now = now or timezone.now()
        return self.filter(status=SmsOutbox.Status.PENDING, next_attempt_at__lte=now)


class SmsOutbox(TimeStampedModel):
    """An SMS waiting to be sent (or sent, or given up on): never deleted, so nothing is lost."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待发送")
        SENT = "sent", _("已发送")
        UNSENT = "unsent", _("未发送（未配置短信通道）")
        FAILED = "failed", _("发送失败")

    archive = models.ForeignKey("jobseekers.JobseekerArchive", on_delete=models.CASCADE, null=True, blank=True,
                                related_name="+")
    station = models.ForeignKey("stations.Station", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                help_text="短信所属站点（决定谁能看到）")
    push = models.ForeignKey(PushRecord, on_delete=models.SET_NULL, null=True, blank=True, related_name="sms")
    phone_encrypted = models.TextField(_("手机号（加密）"), editable=False)
    body = models.CharField(_("短信内容"), max_length=300)
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.PENDING, db_index=True)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    last_error = models.CharField(_("最近错误"), max_length=300, blank=True)
    next_attempt_at = models.DateTimeField(_("下次尝试"), default=timezone.now)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    gateway_ref = models.CharField(_("短信网关回执号"), max_length=64, blank=True)

    objects = SmsOutboxQuerySet.as_manager()

    class Meta:
        verbose_name = _("短信发件箱")
        verbose_name_plural = _("短信发件箱")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"短信 #{self.pk}（{self.get_status_display()}）"


class BatchRun(models.Model):
    """One run of the nightly recommendation refresh; progress is committed chunk by chunk."""

    class Status(models.TextChoices):
        RUNNING = "running", pgettext_lazy("batch run status", "运行中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    started_at = models.DateTimeField(_("开始时间"), default=timezone.now)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("最近进度"), default=timezone.now)
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.RUNNING)
    total = models.PositiveIntegerField(_("档案总数"), default=0)
    processed = models.PositiveIntegerField(_("已处理"), default=0)
    last_archive_id = models.BigIntegerField(_("断点（档案ID）"), default=0)
    chunk_size = models.PositiveIntegerField(_("每批数量"), default=500)
    fallbacks = models.PositiveIntegerField(_("全量排序档案数"), default=0)
    error = models.TextField(_("错误"), blank=True)

    class Meta:
        verbose_name = _("夜间匹配批次")
        verbose_name_plural = _("夜间匹配批次")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"批次 #{self.pk}（{self.get_status_display()}）"

    @property
    def percent(self) -> int:
        return int(100 * self.processed / self.total) if self.total else 100

    @property
    def rate(self) -> float:
        end = self.finished_at or self.heartbeat_at
        secs = (end - self.started_at).total_seconds()
        return round(self.processed / secs, 1) if secs > 0 else 0.0


class StoredRecommendation(models.Model):
    """One of an active jobseeker's top recommendations, refreshed nightly; first_seen_at marks new ones."""

    # A derived table the nightly batch rewrites by the million: no index beyond what reads need (the
    # unique (archive, posting) constraint serves look-ups by archive) and no foreign-key checks in the
    # database (each would lock the archive and posting rows); deletes still cascade through the ORM,
    # reads join the archive and posting, and the next run rebuilds whatever a raw delete left behind.
    archive = models.ForeignKey("jobseekers.JobseekerArchive", on_delete=models.CASCADE, related_name="+",
                                db_index=False, db_constraint=False)
    posting = models.ForeignKey("jobs.JobPosting", on_delete=models.CASCADE, related_name="+", db_constraint=False)
    score = models.FloatField(_("得分"))
    rank = models.PositiveSmallIntegerField(_("名次"))
    first_seen_at = models.DateTimeField(_("首次出现"), default=timezone.now)
    refreshed_at = models.DateTimeField(_("刷新时间"), default=timezone.now)
    run = models.ForeignKey(BatchRun, on_delete=models.DO_NOTHING, null=True, blank=True, related_name="+",
                            db_constraint=False, db_index=False)

    objects = ArchiveOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("已存推荐")
        verbose_name_plural = _("已存推荐")
        ordering = ["archive", "rank"]
        constraints = [models.UniqueConstraint(fields=["archive", "posting"], name="storedrec_archive_posting")]
        indexes = [models.Index(fields=["first_seen_at", "score"], name="storedrec_new")]

    def __str__(self) -> str:
        return f"{self.archive_id} #{self.rank} {self.posting_id}"


class GuidanceSession(TimeStampedModel):
    """职业指导: one career-guidance session with a jobseeker."""

    class Kind(models.TextChoices):
        CAREER = "career", _("职业规划")
        INTERVIEW = "interview", _("求职面试辅导")
        POLICY = "policy", _("政策咨询")
        PSYCH = "psych", _("心理疏导")
        TRAINING = "training", _("培训建议")

    archive = models.ForeignKey("jobseekers.JobseekerArchive", verbose_name=_("求职者"), on_delete=models.CASCADE,
                                related_name="guidance_sessions")
    held_on = models.DateField(_("指导日期"))
    kind = models.CharField(_("指导类型"), max_length=12, choices=Kind.choices, default=Kind.CAREER)
    topics = models.CharField(_("指导内容"), max_length=200)
    advice = models.TextField(_("建议"), blank=True)
    follow_up_on = models.DateField(_("回访日期"), null=True, blank=True)
    counsellor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("指导人"), on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")

    objects = ArchiveOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("职业指导")
        verbose_name_plural = _("职业指导")
        ordering = ["-held_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(follow_up_on__isnull=True) | Q(follow_up_on__gte=F("held_on")),
                                   name="guidance_follow_up_after_session",
                                   violation_error_message=_("回访日期不能早于指导日期。")),
        ]

    def __str__(self) -> str:
        return f"{self.held_on} {self.get_kind_display()}"


class InsuranceHelp(TimeStampedModel):
    """就业参保登记 help for one archive: a documents checklist and where the registration stands."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("未开始")
        COLLECTING = "collecting", _("材料准备中")
        SUBMITTED = "submitted", _("已提交")
        REGISTERED = "registered", _("已参保登记")
        NOT_APPLICABLE = "not_applicable", _("无需办理")

    class Item(models.TextChoices):
        ID_CARD = "id_card", _("身份证原件")
        CONTRACT = "contract", _("劳动合同")
        EMPLOYER_INFO = "employer_info", _("用人单位信息（统一社会信用代码）")
        BANK = "bank", _("社保卡/银行账户")

    archive = models.OneToOneField("jobseekers.JobseekerArchive", verbose_name=_("求职者"), on_delete=models.CASCADE,
                                   related_name="insurance_help")
    status = models.CharField(_("办理状态"), max_length=16, choices=Status.choices, default=Status.NOT_STARTED)
    checklist = ArrayField(models.CharField(max_length=16, choices=Item.choices), verbose_name=_("已备材料"),
                           default=list, blank=True)
    employer_name = models.CharField(_("参保单位"), max_length=100, blank=True)
    registered_on = models.DateField(_("登记日期"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")

    version = models.PositiveIntegerField("版本", default=1, editable=False)
    objects = ArchiveOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("就业参保登记")
        verbose_name_plural = _("就业参保登记")
        constraints = [
            models.CheckConstraint(condition=~Q(status="registered") | Q(registered_on__isnull=False),
                                   name="insurance_registered_has_date",
                                   violation_error_message=_("已参保登记时请填写登记日期。")),
        ]

    def __str__(self) -> str:
        return f"{self.archive_id} {self.get_status_display()}"

    @property
    def missing_items(self) -> list[str]:
        # Plain strings in the active language: services join them into a message ("、".join).
        return [str(label) for value, label in self.Item.choices if value not in self.checklist]


PushChannel = PushRecord.Channel  # named for the OpenAPI enum (SPECTACULAR_SETTINGS ENUM_NAME_OVERRIDES)
