"""Geography (district → street/town) and stations with their staff memberships.

The station registry issue extends Station (hours, facilities, 片区/grids, staff roles);
the foundation holds what roles and scoping need.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from core.geo import in_shanghai
from core.models import TimeStampedModel
from core.scoping import ScopedQuerySet


class District(models.Model):
    """One of Shanghai's 16 districts (GB/T 2260 code)."""

    code = models.CharField("区划代码", max_length=6, unique=True)
    name = models.CharField("名称", max_length=20, unique=True)
    short_name = models.CharField("简称", max_length=10, blank=True)
    lat = models.FloatField("纬度（WGS-84）", null=True, blank=True)
    lng = models.FloatField("经度（WGS-84）", null=True, blank=True)

    class Meta:
        verbose_name = "区"
        verbose_name_plural = "区"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Street(models.Model):
    """A street/town (街镇) or a similar unit; keyed by its NBS code, with the MCA code beside it."""

    class Kind(models.TextChoices):
        STREET = "街道", "街道"
        TOWN = "镇", "镇"
        TOWNSHIP = "乡", "乡"
        SIMILAR = "类似乡级单位", "类似乡级单位"

    code = models.CharField("统计用区划代码", max_length=9, unique=True)
    code_12 = models.CharField("12位代码", max_length=12, blank=True)
    mca_code = models.CharField("民政部代码", max_length=9, blank=True)
    mca_name = models.CharField("民政部名称", max_length=30, blank=True)
    name = models.CharField("名称", max_length=30)
    kind = models.CharField("类别", max_length=8, choices=Kind.choices)
    is_admin = models.BooleanField("乡级行政区", default=True)
    district = models.ForeignKey(District, verbose_name="所属区", on_delete=models.PROTECT, related_name="streets")
    lat = models.FloatField("纬度（WGS-84）", null=True, blank=True)
    lng = models.FloatField("经度（WGS-84）", null=True, blank=True)

    class Meta:
        verbose_name = "街镇"
        verbose_name_plural = "街镇"
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["district", "name"], name="street_name_unique_in_district",
                                    violation_error_message="同一区内街镇名称不能重复。"),
        ]

    def __str__(self) -> str:
        return self.name


class Area(TimeStampedModel):
    """片区: a 15-minute community life-circle basic unit inside a street/town."""

    street = models.ForeignKey(Street, verbose_name="所属街镇", on_delete=models.PROTECT, related_name="areas")
    name = models.CharField("片区名称", max_length=50)
    code = models.CharField("片区编码", max_length=32, blank=True)
    lat = models.FloatField("中心纬度（WGS-84）", null=True, blank=True)
    lng = models.FloatField("中心经度（WGS-84）", null=True, blank=True)

    class Meta:
        verbose_name = "片区"
        verbose_name_plural = "片区"
        ordering = ["street__code", "name"]
        constraints = [
            models.UniqueConstraint(fields=["street", "name"], name="area_name_unique_in_street",
                                    violation_error_message="该街镇下已有同名片区。"),
        ]

    def __str__(self) -> str:
        return f"{self.street.name}·{self.name}"


class Grid(TimeStampedModel):
    """网格: the smallest unit staff work down to; belongs to a street and usually a 片区."""

    street = models.ForeignKey(Street, verbose_name="所属街镇", on_delete=models.PROTECT, related_name="grids")
    area = models.ForeignKey(Area, verbose_name="所属片区", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="grids")
    name = models.CharField("网格名称", max_length=50)
    code = models.CharField("网格编码", max_length=32, blank=True)

    class Meta:
        verbose_name = "网格"
        verbose_name_plural = "网格"
        ordering = ["street__code", "name"]
        constraints = [
            models.UniqueConstraint(fields=["street", "name"], name="grid_name_unique_in_street",
                                    violation_error_message="该街镇下已有同名网格。"),
        ]

    def __str__(self) -> str:
        return f"{self.street.name}·{self.name}"

    def clean(self) -> None:
        if self.area_id and self.street_id and self.area.street_id != self.street_id:
            raise ValidationError({"area": "所选片区不属于该街镇。"})


class StationQuerySet(ScopedQuerySet):
    station_path = "pk"
    district_path = "street__district"

    def operating(self):
        return self.filter(status=Station.Status.OPERATING)


class Station(TimeStampedModel):
    """A community employment service station (社区就业服务站)."""

    class Status(models.TextChoices):
        PLANNED = "planned", "筹建中"
        PILOT = "pilot", "试运行"
        OPERATING = "operating", "运行中"
        SUSPENDED = "suspended", "暂停服务"

    code = models.CharField("站点编码", max_length=32, unique=True,
                            error_messages={"unique": "站点编码已被使用，请换一个。"})
    name = models.CharField("站点名称", max_length=100)
    street = models.ForeignKey(Street, verbose_name="所属街镇", on_delete=models.PROTECT, related_name="stations")
    address = models.CharField("地址", max_length=200, blank=True)
    lat = models.FloatField("纬度（WGS-84）", null=True, blank=True)
    lng = models.FloatField("经度（WGS-84）", null=True, blank=True)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.PLANNED, db_index=True)
    opened_on = models.DateField("启用日期", null=True, blank=True)

    objects = StationQuerySet.as_manager()

    class Meta:
        verbose_name = "服务站点"
        verbose_name_plural = "服务站点"
        ordering = ["street__code", "code"]
        indexes = [models.Index(fields=["lat", "lng"], name="station_lat_lng")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if (self.lat is None) != (self.lng is None):
            raise ValidationError("经纬度须同时填写。")
        if self.lat is not None and not in_shanghai(self.lat, self.lng):
            raise ValidationError({"lat": "坐标不在上海市范围内，请核对经纬度（WGS-84）。"})

    @property
    def district_id(self) -> int:
        return self.street.district_id


class StationMembership(TimeStampedModel):
    """A login's membership of a station, with the role they hold there."""

    class StaffRole(models.TextChoices):
        HEAD = "head", "站长"
        SPECIALIST = "specialist", "就业服务专员"
        GRID = "grid", "网格员"
        VOLUNTEER = "volunteer", "志愿者"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="station_memberships")
    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField("岗位", max_length=16, choices=StaffRole.choices, default=StaffRole.SPECIALIST)
    is_active = models.BooleanField("在岗", default=True)

    class Meta:
        verbose_name = "站点人员"
        verbose_name_plural = "站点人员"
        constraints = [
            models.UniqueConstraint(fields=["user", "station"], name="membership_unique",
                                    violation_error_message="该人员已在本站点，不能重复添加。"),
        ]

    def __str__(self) -> str:
        return f"{self.station} · {self.user.get_username()}（{self.get_role_display()}）"
