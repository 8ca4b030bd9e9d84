"""Geography (district → street/town → 片区 → grid) and stations with their hours and staff memberships.

CONTRACT (others rely on these names): District, Street (no coordinates in the reference data),
Area(street, name), Grid(street, area, name), Station(code, name, street, area, address, lat, lng, phone,
status, opened_on, host_type, floor_area, facilities, services, service_flow, status_since, suspended_on;
objects.visible_to(user) / operating() / public()), StationHours(station, weekday 0=Mon, opens, closes),
StationMembership(user, station, role, is_active, grids). Writes go through stations/services.py.
"""

import datetime

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from core.choices import translated
from core.geo import OUTSIDE_SHANGHAI, in_shanghai
from core.models import TimeStampedModel
from core.scoping import ScopedQuerySet
from core.validators import validate_phone


class District(models.Model):
    """One of Shanghai's 16 districts (GB/T 2260 code)."""

    code = models.CharField(_("区划代码"), max_length=6, unique=True)
    name = models.CharField(_("名称"), max_length=20, unique=True)
    short_name = models.CharField(_("简称"), max_length=10, blank=True)
    lat = models.FloatField(_("纬度（WGS-84）"), null=True, blank=True)
    lng = models.FloatField(_("经度（WGS-84）"), null=True, blank=True)

    class Meta:
        verbose_name = _("区")
        verbose_name_plural = _("区")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Street(models.Model):
    """A street/town (街镇) or a similar unit; keyed by its NBS code, with the MCA code beside it."""

    class Kind(models.TextChoices):
        STREET = "街道", gettext_noop("街道")
        TOWN = "镇", gettext_noop("镇")
        TOWNSHIP = "乡", gettext_noop("乡")
        SIMILAR = "类似乡级单位", gettext_noop("类似乡级单位")

    code = models.CharField(_("统计用区划代码"), max_length=9, unique=True)
    code_12 = models.CharField(_("12位代码"), max_length=12, blank=True)
    mca_code = models.CharField(_("民政部代码"), max_length=9, blank=True)
    mca_name = models.CharField(_("民政部名称"), max_length=30, blank=True)
    name = models.CharField(_("名称"), max_length=30)
    kind = models.CharField(_("类别"), max_length=8, choices=translated(Kind))
    is_admin = models.BooleanField(_("乡级行政区"), default=True)
    district = models.ForeignKey(District, verbose_name=_("所属区"), on_delete=models.PROTECT, related_name="streets")
    lat = models.FloatField(_("纬度（WGS-84）"), null=True, blank=True)
    lng = models.FloatField(_("经度（WGS-84）"), null=True, blank=True)

    class Meta:
        verbose_name = _("街镇")
        verbose_name_plural = _("街镇")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["district", "name"], name="street_name_unique_in_district",
                                    violation_error_message=_("同一区内街镇名称不能重复。")),
        ]

    def __str__(self) -> str:
        return self.name


class GeoQuerySet(ScopedQuerySet):
    """片区/grids: admins see their district's (city all); staff those of their stations' streets."""

    station_path = "street__stations"
    district_path = "street__district"
    staff_distinct = True


class Area(TimeStampedModel):
    """片区: a 15-minute community life-circle basic unit inside a street/town."""

    street = models.ForeignKey(Street, verbose_name=_("所属街镇"), on_delete=models.PROTECT, related_name="areas")
    name = models.CharField(_("片区名称"), max_length=50)
    code = models.CharField(_("片区编码"), max_length=32, blank=True)
    lat = models.FloatField(_("中心纬度（WGS-84）"), null=True, blank=True)
    lng = models.FloatField(_("中心经度（WGS-84）"), null=True, blank=True)

    objects = GeoQuerySet.as_manager()

    class Meta:
        verbose_name = _("片区")
        verbose_name_plural = _("片区")
        ordering = ["street__code", "name"]
        constraints = [
            models.UniqueConstraint(fields=["street", "name"], name="area_name_unique_in_street",
                                    violation_error_message=_("该街镇下已有同名片区。")),
        ]

    def __str__(self) -> str:
        return f"{self.street.name}·{self.name}"

    def clean(self) -> None:
        if (self.lat is None) != (self.lng is None):
            raise ValidationError(_("中心点经纬度须同时填写。"))
        if self.lat is not None and not in_shanghai(self.lat, self.lng):
            raise ValidationError({"lat": OUTSIDE_SHANGHAI})


class Grid(TimeStampedModel):
    """网格: the smallest unit staff work down to; belongs to a street and usually a 片区."""

    street = models.ForeignKey(Street, verbose_name=_("所属街镇"), on_delete=models.PROTECT, related_name="grids")
    area = models.ForeignKey(Area, verbose_name=_("所属片区"), on_delete=models.PROTECT, null=True, blank=True,
                             related_name="grids")
    name = models.CharField(_("网格名称"), max_length=50)
    code = models.CharField(_("网格编码"), max_length=32, blank=True)

    objects = GeoQuerySet.as_manager()

    class Meta:
        verbose_name = _("网格")
        verbose_name_plural = _("网格")
        ordering = ["street__code", "name"]
        constraints = [
            models.UniqueConstraint(fields=["street", "name"], name="grid_name_unique_in_street",
                                    violation_error_message=_("该街镇下已有同名网格。")),
        ]

    def __str__(self) -> str:
        return f"{self.street.name}·{self.name}"

    def clean(self) -> None:
        if self.area_id and self.street_id and self.area.street_id != self.street_id:
            raise ValidationError({"area": _("所选片区不属于该街镇。")})


class StationQuerySet(ScopedQuerySet):
    station_path = "pk"
    district_path = "street__district"

    def operating(self):
        return self.filter(status=Station.Status.OPERATING)

    def public(self):
        """Stations residents may see: operating or in pilot service."""
        return self.filter(status__in=Station.PUBLIC_STATUSES)


class Station(TimeStampedModel):
    """A community employment service station (社区就业服务站)."""

    class Status(models.TextChoices):
        PLANNED = "planned", gettext_noop("筹建中")
        PILOT = "pilot", gettext_noop("试运行")
        OPERATING = "operating", gettext_noop("运行中")
        SUSPENDED = "suspended", gettext_noop("暂停服务")

    class HostType(models.TextChoices):
        PARTY_CENTER = "party_center", gettext_noop("党群服务中心")
        COMMUNITY_FACILITY = "community_facility", gettext_noop("社区综合服务设施")
        EMPLOYMENT_PLATFORM = "employment_platform", gettext_noop("基层公共就业服务平台")
        SOCIAL_WORK = "social_work", gettext_noop("社工站")
        OTHER = "other", gettext_noop("其他")

    class Facility(models.TextChoices):
        SERVICE_DESK = "service_desk", gettext_noop("服务台")
        SELF_SERVICE = "self_service", gettext_noop("自助服务终端")
        INTERVIEW_ROOM = "interview_room", gettext_noop("面试洽谈室")
        NOTICE_BOARD = "notice_board", gettext_noop("岗位信息公告栏")
        SCREEN = "screen", gettext_noop("信息发布屏")
        TRAINING_ROOM = "training_room", gettext_noop("培训教室")
        WAITING_AREA = "waiting_area", gettext_noop("等候休息区")
        ACCESSIBLE = "accessible", gettext_noop("无障碍设施")

    class Service(models.TextChoices):
        JOB_INFO = "job_info", gettext_noop("岗位信息发布与推荐")
        CAREER_GUIDANCE = "career_guidance", gettext_noop("职业指导")
        REGISTRATION = "registration", gettext_noop("失业登记与就业参保登记")
        POLICY = "policy", gettext_noop("政策咨询与补贴申领")
        TRAINING = "training", gettext_noop("技能培训推荐")
        ASSISTANCE = "assistance", gettext_noop("就业困难人员援助")
        STARTUP = "startup", gettext_noop("创业指导")
        GRADUATES = "graduates", gettext_noop("高校毕业生服务")

    class ServiceFlow(models.TextChoices):
        STANDARD = "standard", gettext_noop("标准流程：接待登记→需求摸排→精准推荐→跟踪回访")
        SIMPLIFIED = "simplified", gettext_noop("简易流程：咨询接待→转介办理")
        ASSISTANCE = "assistance", gettext_noop("援助流程：认定帮扶→一对一服务→跟踪回访")

    PUBLIC_STATUSES = (Status.OPERATING, Status.PILOT)

    code = models.CharField(_("站点编码"), max_length=32, unique=True,
                            error_messages={"unique": _("站点编码已被使用，请换一个。")})
    name = models.CharField(_("站点名称"), max_length=100)
    street = models.ForeignKey(Street, verbose_name=_("所属街镇"), on_delete=models.PROTECT, related_name="stations")
    address = models.CharField(_("地址"), max_length=200, blank=True)
    lat = models.FloatField(_("纬度（WGS-84）"), null=True, blank=True)
    lng = models.FloatField(_("经度（WGS-84）"), null=True, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True, validators=[validate_phone])
    status = models.CharField(_("状态"), max_length=16, choices=translated(Status), default=Status.PLANNED, db_index=True)
    opened_on = models.DateField(_("启用日期"), null=True, blank=True)
    host_type = models.CharField(_("依托设施类型"), max_length=24, choices=translated(HostType),
                                 default=HostType.PARTY_CENTER)
    area = models.ForeignKey(Area, verbose_name=_("所在片区"), on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="stations")
    floor_area = models.DecimalField(_("面积（平方米）"), max_digits=7, decimal_places=1, null=True, blank=True,
                                     validators=[MinValueValidator(0)])
    facilities = ArrayField(models.CharField(max_length=24, choices=translated(Facility)), verbose_name=_("设施清单"),
                            default=list, blank=True)
    services = ArrayField(models.CharField(max_length=24, choices=translated(Service)), verbose_name=_("服务项目"),
                          default=list, blank=True)
    service_flow = models.CharField(_("服务流程"), max_length=16, choices=translated(ServiceFlow),
                                    default=ServiceFlow.STANDARD)
    status_since = models.DateField(_("当前状态起始日期"), null=True, blank=True)
    suspended_on = models.DateField(_("暂停日期"), null=True, blank=True)

    version = models.PositiveIntegerField("版本", default=1, editable=False)
    objects = StationQuerySet.as_manager()

    class Meta:
        verbose_name = _("服务站点")
        verbose_name_plural = _("服务站点")
        ordering = ["street__code", "code"]
        indexes = [
            models.Index(fields=["lat", "lng"], name="station_lat_lng"),
            models.Index(fields=["lat", "lng"], name="station_public_lat_lng",
                         condition=Q(status__in=["operating", "pilot"])),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(floor_area__isnull=True) | Q(floor_area__gte=0),
                                   name="station_floor_area_positive", violation_error_message=_("面积不能为负数。")),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if (self.lat is None) != (self.lng is None):
            raise ValidationError(_("经纬度须同时填写。"))
        if self.lat is not None and not in_shanghai(self.lat, self.lng):
            raise ValidationError({"lat": OUTSIDE_SHANGHAI})
        if self.area_id and self.street_id and self.area.street_id != self.street_id:
            raise ValidationError({"area": _("所选片区不属于该街镇。")})
        if self.opened_on and self.suspended_on and self.suspended_on < self.opened_on:
            raise ValidationError({"suspended_on": _("暂停日期不能早于启用日期。")})

    @property
    def district_id(self) -> int:
        return self.street.district_id

    @property
    def is_public(self) -> bool:
        return self.status in self.PUBLIC_STATUSES

    def facility_labels(self) -> list[str]:
        return [self.Facility(f).label for f in self.facilities if f in self.Facility.values]

    def service_labels(self) -> list[str]:
        return [self.Service(f).label for f in self.services if f in self.Service.values]

    def hours_by_weekday(self) -> dict[int, "StationHours"]:
        """Uses the prefetched `hours` when present (selectors prefetch them)."""
        return {h.weekday: h for h in self.hours.all()}

    def week_schedule(self) -> list[tuple[str, "StationHours | None"]]:
        by_day = self.hours_by_weekday()
        return [(label, by_day.get(value)) for value, label in StationHours.Weekday.choices]

    def is_open_at(self, moment: datetime.datetime) -> bool:
        """Open at a local (Asia/Shanghai) moment, by the weekly hours."""
        for h in self.hours.all():
            if h.weekday == moment.weekday() and h.opens <= moment.time() < h.closes:
                return True
        return False


class StationHours(models.Model):
    """Opening hours of a station on one weekday (one interval; no row = closed that day)."""

    class Weekday(models.IntegerChoices):
        MON = 0, _("周一")
        TUE = 1, _("周二")
        WED = 2, _("周三")
        THU = 3, _("周四")
        FRI = 4, _("周五")
        SAT = 5, _("周六")
        SUN = 6, _("周日")

    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField(_("星期"), choices=translated(Weekday))
    opens = models.TimeField(_("开门时间"))
    closes = models.TimeField(_("关门时间"))

    class Meta:
        verbose_name = _("开放时间")
        verbose_name_plural = _("开放时间")
        ordering = ["station", "weekday"]
        constraints = [
            models.UniqueConstraint(fields=["station", "weekday"], name="station_hours_one_per_day",
                                    violation_error_message=_("同一天只能填写一段开放时间。")),
            models.CheckConstraint(condition=Q(closes__gt=F("opens")), name="station_hours_close_after_open",
                                   violation_error_message=_("关门时间必须晚于开门时间。")),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"

    def clean(self) -> None:
        if self.opens is not None and self.closes is not None and self.closes <= self.opens:
            raise ValidationError({"closes": f"{self.get_weekday_display()}的关门时间必须晚于开门时间。"})


class StationMembership(TimeStampedModel):
    """A login's membership of a station, with the role they hold there."""

    class StaffRole(models.TextChoices):
        HEAD = "head", gettext_noop("站长")
        SPECIALIST = "specialist", gettext_noop("就业服务专员")
        GRID = "grid", gettext_noop("网格员")
        VOLUNTEER = "volunteer", gettext_noop("志愿者")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="station_memberships")
    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("岗位"), max_length=16, choices=translated(StaffRole), default=StaffRole.SPECIALIST)
    is_active = models.BooleanField(_("在岗"), default=True)
    grids = models.ManyToManyField(Grid, verbose_name=_("负责网格"), blank=True, related_name="memberships")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("站点人员")
        verbose_name_plural = _("站点人员")
        constraints = [
            models.UniqueConstraint(fields=["user", "station"], name="membership_unique",
                                    violation_error_message=_("该人员已在本站点，不能重复添加。")),
        ]

    def __str__(self) -> str:
        return f"{self.station} · {self.user.get_username()}（{self.get_role_display()}）"


class StaffTransfer(TimeStampedModel):
    """A district admin's request to enlist a staff member who works in another district: it takes
    effect only when an admin of that district (or a city admin) confirms it (issue 12 item 13)."""

    class Status(models.TextChoices):
        PENDING = "pending", "待确认"
        CONFIRMED = "confirmed", "已确认"
        DECLINED = "declined", "已拒绝"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    to_station = models.ForeignKey(Station, verbose_name="调入站点", on_delete=models.CASCADE, related_name="+")
    role = models.CharField("岗位", max_length=16, choices=StationMembership.StaffRole.choices)
    from_district = models.ForeignKey(District, verbose_name="调出区", on_delete=models.CASCADE, related_name="+")
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)

    class Meta:
        verbose_name = _("人员调动申请")
        verbose_name_plural = _("人员调动申请")
        constraints = [
            models.UniqueConstraint(fields=["user", "to_station"], condition=models.Q(status="pending"),
                                    name="transfer_one_pending",
                                    violation_error_message="已有待确认的调动申请。"),
        ]

    def __str__(self) -> str:
        return f"{self.user.get_username()} → {self.to_station}（{self.get_status_display()}）"
