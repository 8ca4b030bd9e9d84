"""Startup guidance (创业指导服务): experts, their 坐诊 sessions, bookable slots, appointments.

No double booking is decided by the database, never by a check in Python (cal.com and django-appointment
check overlaps in application code and have open double-booking bugs):
* `Appointment`: an exclusion constraint (btree_gist) on expert × [start, end) over active appointments, and
  a partial unique constraint, one active appointment per slot. A losing concurrent insert gets an
  IntegrityError that the booking service turns into "已被预约" with the expert's next free slots.
* `Session`: an exclusion constraint on expert × weekday × time of day × validity dates over active
  sessions, so one expert's recurring rules never overlap.
* `Slot`: unique (session, start), so the beat task that generates slots can run twice.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import ArrayField, DateRangeField, DateTimeRangeField, RangeOperators
from django.db import models
from django.db.models import F, Func, Q, Value
from django.utils.translation import gettext_lazy as _

from core.crypto import decrypt
from core.masking import mask_phone
from core.models import TimeStampedModel
from core.scoping import ScopedQuerySet


class TsTzRange(Func):
    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


class DateRange(Func):
    function = "DATERANGE"
    output_field = DateRangeField()


class TimeOfDayRange(Func):
    """[start, end) of a time of day, as a tsrange on a fixed date (PostgreSQL has no time range type)."""

    template = "TSRANGE(DATE '2000-01-01' + %(expressions)s::time, '[)')"
    arg_joiner = "::time, DATE '2000-01-01' + "
    output_field = DateTimeRangeField()


class ExpertQuerySet(ScopedQuerySet):
    """Experts are managed by a district (district and city admins); an expert login sees their own record."""

    station_path = None
    district_path = "district"
    expert_path = "pk"

    def active(self):
        return self.filter(is_active=True).defer("photo")


class Expert(TimeStampedModel):
    """A startup-guidance expert (创业指导专家): public profile, fields of expertise, optional own login."""

    name = models.CharField("姓名", max_length=40)
    fields = ArrayField(models.CharField(max_length=16), verbose_name="擅长领域", default=list, blank=True,
                        help_text="如 餐饮、电商、财税、法律、融资")
    bio = models.TextField("简介", blank=True)
    affiliation = models.CharField("所属机构", max_length=100, blank=True)
    photo = models.BinaryField("照片", null=True, blank=True, editable=False)
    photo_content_type = models.CharField("照片类型", max_length=20, blank=True, editable=False)
    district = models.ForeignKey("stations.District", verbose_name="管理区", on_delete=models.PROTECT,
                                 related_name="consulting_experts")
    is_active = models.BooleanField("在岗", default=True)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name="专家账号", on_delete=models.SET_NULL,
                                null=True, blank=True, related_name="consulting_expert")

    objects = ExpertQuerySet.as_manager()

    class Meta:
        verbose_name = _("创业指导专家")
        verbose_name_plural = _("创业指导专家")
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["is_active", "name"])]

    def __str__(self) -> str:
        return self.name


class SessionQuerySet(ScopedQuerySet):
    station_path = "station"
    expert_path = "expert"

    def active(self):
        return self.filter(status=Session.Status.ACTIVE)


class Session(TimeStampedModel):
    """A recurring 坐诊 rule: every `weekday` from `start_time` to `end_time`, cut into `slot_minutes` slots."""

    class Kind(models.TextChoices):
        ONSITE = "onsite", _("站点坐诊")
        PHONE = "phone", _("电话咨询")
        ONLINE = "online", _("线上咨询")

    class Status(models.TextChoices):
        ACTIVE = "active", _("有效")
        CANCELLED = "cancelled", _("已取消")

    class Weekday(models.IntegerChoices):
        MON = 0, _("星期一")
        TUE = 1, _("星期二")
        WED = 2, _("星期三")
        THU = 3, _("星期四")
        FRI = 4, _("星期五")
        SAT = 5, _("星期六")
        SUN = 6, _("星期日")

    expert = models.ForeignKey(Expert, verbose_name="专家", on_delete=models.PROTECT, related_name="sessions")
    station = models.ForeignKey("stations.Station", verbose_name="服务站", on_delete=models.PROTECT,
                                related_name="consulting_sessions",
                                help_text="坐诊的站点；电话/线上咨询时为组织的站点")
    kind = models.CharField("方式", max_length=8, choices=Kind.choices, default=Kind.ONSITE)
    weekday = models.PositiveSmallIntegerField("星期", choices=Weekday.choices)
    start_time = models.TimeField("开始时间")
    end_time = models.TimeField("结束时间")
    slot_minutes = models.PositiveSmallIntegerField("每段分钟数", default=30)
    valid_from = models.DateField("起始日期")
    valid_until = models.DateField("截止日期", null=True, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.ACTIVE)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")

    objects = SessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("坐诊安排")
        verbose_name_plural = _("坐诊安排")
        ordering = ["weekday", "start_time", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(end_time__gt=F("start_time")), name="consulting_session_time_order",
                                   violation_error_message="结束时间必须晚于开始时间。"),
            models.CheckConstraint(condition=Q(slot_minutes__gte=10, slot_minutes__lte=240),
                                   name="consulting_session_slot_minutes",
                                   violation_error_message="每段时长须在 10 到 240 分钟之间。"),
            models.CheckConstraint(condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("valid_from")),
                                   name="consulting_session_dates_order",
                                   violation_error_message="截止日期不能早于起始日期。"),
            ExclusionConstraint(
                name="consulting_session_no_overlap",
                expressions=[
                    ("expert", RangeOperators.EQUAL),
                    ("weekday", RangeOperators.EQUAL),
                    (TimeOfDayRange("start_time", "end_time"), RangeOperators.OVERLAPS),
                    (DateRange("valid_from", "valid_until", Value("[]")), RangeOperators.OVERLAPS),
                ],
                condition=Q(status="active"),
                violation_error_message="该专家在这一时段已有其他坐诊安排（时间重叠），请调整星期、时间或日期。",
            ),
        ]

    def __str__(self) -> str:
        return (f"{self.expert} · {self.get_weekday_display()} "
                f"{self.start_time:%H:%M}–{self.end_time:%H:%M}（{self.get_kind_display()}）")


class SlotQuerySet(ScopedQuerySet):
    station_path = "station"
    expert_path = "expert"

    def open(self):
        return self.filter(status=Slot.Status.OPEN)


class Slot(models.Model):
    """One bookable period of a session (generated from its rule; expert and station copied for the constraints)."""

    class Status(models.TextChoices):
        OPEN = "open", _("可预约")
        CANCELLED = "cancelled", _("已取消")

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="slots")
    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="slots")
    station = models.ForeignKey("stations.Station", on_delete=models.PROTECT, related_name="+")
    start = models.DateTimeField("开始")
    end = models.DateTimeField("结束")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.OPEN)

    objects = SlotQuerySet.as_manager()

    class Meta:
        verbose_name = _("预约时段")
        verbose_name_plural = _("预约时段")
        ordering = ["start", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "start"], name="consulting_slot_unique_start"),
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="consulting_slot_time_order"),
        ]
        indexes = [models.Index(fields=["expert", "start"]), models.Index(fields=["station", "start"])]

    def __str__(self) -> str:
        return f"{self.expert_id and self.expert} {self.start:%Y-%m-%d %H:%M}"


class AppointmentQuerySet(ScopedQuerySet):
    station_path = "station"
    expert_path = "expert"

    def active(self):
        return self.exclude(status=Appointment.Status.CANCELLED)


class Appointment(TimeStampedModel):
    """A resident's booking of one slot; the phone is stored encrypted, with a keyed hash for look-ups."""

    class Status(models.TextChoices):
        BOOKED = "booked", _("已预约")
        CANCELLED = "cancelled", _("已取消")
        ATTENDED = "attended", _("已到场")
        NO_SHOW = "no_show", _("未到场")

    class Channel(models.TextChoices):
        PUBLIC = "public", _("居民自助预约")
        STAFF = "staff", _("工作人员代约")

    slot = models.ForeignKey(Slot, on_delete=models.PROTECT, related_name="appointments")
    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="appointments")
    station = models.ForeignKey("stations.Station", on_delete=models.PROTECT, related_name="+")
    start = models.DateTimeField("开始")
    end = models.DateTimeField("结束")
    archive = models.ForeignKey("jobseekers.JobseekerArchive", verbose_name="就业服务档案", on_delete=models.SET_NULL,
                                null=True, blank=True, related_name="consulting_appointments")
    name = models.CharField("姓名", max_length=40)
    phone_encrypted = models.TextField("手机号（加密）", editable=False)
    phone_hash = models.CharField("手机号（散列）", max_length=64, editable=False, db_index=True)
    topic = models.CharField("咨询主题", max_length=200)
    consent = models.BooleanField("同意用于预约联系", default=False)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.BOOKED)
    channel = models.CharField("预约方式", max_length=8, choices=Channel.choices, default=Channel.PUBLIC)
    cancel_nonce = models.UUIDField("取消凭据", editable=False, null=True)
    cancelled_at = models.DateTimeField("取消时间", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("咨询预约")
        verbose_name_plural = _("咨询预约")
        ordering = ["start", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(consent=True), name="consulting_appointment_consent",
                                   violation_error_message="须同意将手机号用于预约联系。"),
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="consulting_appointment_time_order"),
            models.UniqueConstraint(fields=["slot"], condition=~Q(status="cancelled"),
                                    name="consulting_one_active_appointment_per_slot",
                                    violation_error_message="该时段已被预约。"),
            ExclusionConstraint(
                name="consulting_appointment_no_overlap",
                expressions=[("expert", RangeOperators.EQUAL),
                             (TsTzRange("start", "end", Value("[)")), RangeOperators.OVERLAPS)],
                condition=~Q(status="cancelled"),
                violation_error_message="该专家在这一时段已被预约。",
            ),
        ]
        indexes = [models.Index(fields=["expert", "start"]), models.Index(fields=["station", "start"])]

    def __str__(self) -> str:
        return f"{self.name} · {self.expert_id and self.expert} {self.start:%Y-%m-%d %H:%M}"

    @property
    def phone(self) -> str:
        return decrypt(self.phone_encrypted)

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)

    @property
    def is_active(self) -> bool:
        return self.status != self.Status.CANCELLED


class AppointmentNotice(models.Model):
    """One SMS per (appointment, kind): a confirmation or reminder task run twice sends nothing twice."""

    class Kind(models.TextChoices):
        CONFIRMATION = "confirmation", _("预约确认")
        REMINDER = "reminder", _("前一天提醒")
        CANCELLED = "cancelled", _("取消通知")

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField("类型", max_length=12, choices=Kind.choices)
    outbox = models.ForeignKey("matching.SmsOutbox", on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("预约短信")
        verbose_name_plural = _("预约短信")
        constraints = [models.UniqueConstraint(fields=["appointment", "kind"], name="consulting_notice_once")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.appointment_id}"


BookingChannel = Appointment.Channel  # named for the OpenAPI enum (SPECTACULAR_SETTINGS ENUM_NAME_OVERRIDES)


class RecordQuerySet(ScopedQuerySet):
    station_path = "station"
    expert_path = "expert"


class ConsultationRecord(TimeStampedModel):
    """What was discussed and advised at one consultation, linked to the jobseeker's archive when there is one."""

    appointment = models.OneToOneField(Appointment, on_delete=models.PROTECT, related_name="record")
    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="records")
    station = models.ForeignKey("stations.Station", on_delete=models.PROTECT, related_name="+")
    archive = models.ForeignKey("jobseekers.JobseekerArchive", verbose_name="就业服务档案", on_delete=models.SET_NULL,
                                null=True, blank=True, related_name="consultation_records")
    topics = ArrayField(models.CharField(max_length=16), verbose_name="咨询议题", default=list, blank=True)
    advice = models.TextField("指导意见")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")

    objects = RecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("咨询记录")
        verbose_name_plural = _("咨询记录")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"咨询记录 #{self.pk}"


class FollowUpQuerySet(ScopedQuerySet):
    station_path = "record__station"
    expert_path = "record__expert"

    def open(self):
        return self.filter(done_at__isnull=True)


class FollowUpAction(models.Model):
    """A follow-up agreed at a consultation, due on a date; open ones join the station's worklist (panels.py)."""

    record = models.ForeignKey(ConsultationRecord, on_delete=models.CASCADE, related_name="actions")
    description = models.CharField("跟进事项", max_length=200)
    due_date = models.DateField("完成期限")
    done_at = models.DateTimeField("完成时间", null=True, blank=True)

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        verbose_name = _("跟进事项")
        verbose_name_plural = _("跟进事项")
        ordering = ["due_date", "pk"]
        indexes = [models.Index(fields=["due_date"], condition=Q(done_at__isnull=True), name="consulting_open_due")]

    def __str__(self) -> str:
        return self.description


class AttachmentQuerySet(ScopedQuerySet):
    station_path = "record__station"
    expert_path = "record__expert"


class RecordAttachment(models.Model):
    """A PDF, JPEG or PNG (decided by its content), encrypted at rest; served only through a scope-checking view."""

    record = models.ForeignKey(ConsultationRecord, on_delete=models.CASCADE, related_name="attachments")
    name = models.CharField("文件名", max_length=120)
    content_type = models.CharField("类型", max_length=20)
    size = models.PositiveIntegerField("大小（字节）")
    data_encrypted = models.TextField(editable=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("咨询附件")
        verbose_name_plural = _("咨询附件")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.name
