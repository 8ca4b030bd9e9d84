"""Employers and job postings (就业岗位筹集).

CONTRACT (other apps rely on these names; add fields freely, do not rename or remove):
Employer: name, kind, credit_code, station (collecting station), street, address, lat, lng, verified.
JobPosting: employer, station, title, occupation (FK core.Occupation, a 细类 or coarser), description,
requirements, salary_min, salary_max, salary_unit (SalaryUnit), headcount, filled_count,
hours_type (HoursType), street, address, lat, lng, benefits, is_public_service, friendly_to
(list of KeyGroup values), source, status (Status), published_at, expires_on;
objects.visible_to(user), objects.published().
"""

from django.contrib.postgres.fields import ArrayField
from django.db import models

from core.choices import HoursType, KeyGroup, SalaryUnit
from core.models import TimeStampedModel
from core.scoping import ScopedQuerySet


class EmployerQuerySet(ScopedQuerySet):
    station_path = "station"
    district_path = "station__street__district"


class Employer(TimeStampedModel):
    """An employer collected by a station."""

    class Kind(models.TextChoices):
        ENTERPRISE = "enterprise", "企业"
        INDIVIDUAL = "individual", "个体工商户"
        HOUSEKEEPING = "housekeeping", "家政企业"
        PLATFORM = "platform", "平台企业"
        PUBLIC_INSTITUTION = "public_institution", "事业单位"
        COMMUNITY = "community", "社区公益性用人单位"

    name = models.CharField("单位名称", max_length=100)
    kind = models.CharField("单位类型", max_length=24, choices=Kind.choices, default=Kind.ENTERPRISE)
    credit_code = models.CharField("统一社会信用代码", max_length=18, null=True, blank=True, unique=True,
                                   error_messages={"unique": "该统一社会信用代码已登记。"})
    contact_name = models.CharField("联系人", max_length=50, blank=True)
    contact_phone = models.CharField("联系电话", max_length=20, blank=True)
    station = models.ForeignKey("stations.Station", verbose_name="筹集站点", on_delete=models.PROTECT,
                                related_name="employers")
    street = models.ForeignKey("stations.Street", verbose_name="所在街镇", on_delete=models.PROTECT,
                               null=True, blank=True, related_name="+")
    address = models.CharField("地址", max_length=200, blank=True)
    lat = models.FloatField("纬度（WGS-84）", null=True, blank=True)
    lng = models.FloatField("经度（WGS-84）", null=True, blank=True)
    verified = models.BooleanField("已核实", default=False)

    objects = EmployerQuerySet.as_manager()

    class Meta:
        verbose_name = "用人单位"
        verbose_name_plural = "用人单位"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PostingQuerySet(ScopedQuerySet):
    station_path = "station"
    district_path = "station__street__district"

    def published(self):
        return self.filter(status=JobPosting.Status.PUBLISHED)


class JobPosting(TimeStampedModel):
    """A job posting; its status moves draft → pending review → published → filled/expired/withdrawn."""

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        PENDING = "pending", "待审核"
        PUBLISHED = "published", "已发布"
        FILLED = "filled", "已招满"
        EXPIRED = "expired", "已过期"
        WITHDRAWN = "withdrawn", "已撤回"

    class Source(models.TextChoices):
        STAFF = "staff", "站点筹集"
        EMPLOYER = "employer", "单位自主提交"
        IMPORT = "import", "批量导入"

    employer = models.ForeignKey(Employer, verbose_name="用人单位", on_delete=models.PROTECT, related_name="postings")
    station = models.ForeignKey("stations.Station", verbose_name="负责站点", on_delete=models.PROTECT,
                                related_name="postings")
    title = models.CharField("岗位名称", max_length=100)
    occupation = models.ForeignKey("core.Occupation", verbose_name="职业", on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    description = models.TextField("岗位描述", blank=True)
    requirements = models.TextField("任职要求", blank=True)
    salary_min = models.PositiveIntegerField("最低薪资", null=True, blank=True)
    salary_max = models.PositiveIntegerField("最高薪资", null=True, blank=True)
    salary_unit = models.CharField("薪资单位", max_length=8, choices=SalaryUnit.choices, default=SalaryUnit.MONTH)
    headcount = models.PositiveIntegerField("招聘人数", default=1)
    filled_count = models.PositiveIntegerField("已录用人数", default=0)
    hours_type = models.CharField("工时类型", max_length=16, choices=HoursType.choices, default=HoursType.FULL_TIME)
    street = models.ForeignKey("stations.Street", verbose_name="工作地点街镇", on_delete=models.PROTECT,
                               null=True, blank=True, related_name="+")
    address = models.CharField("工作地点", max_length=200, blank=True)
    lat = models.FloatField("纬度（WGS-84）", null=True, blank=True)
    lng = models.FloatField("经度（WGS-84）", null=True, blank=True)
    benefits = models.CharField("福利待遇", max_length=200, blank=True)
    is_public_service = models.BooleanField("公益性岗位", default=False)
    friendly_to = ArrayField(models.CharField(max_length=20, choices=KeyGroup.choices), verbose_name="友好人群",
                             default=list, blank=True)
    source = models.CharField("来源", max_length=16, choices=Source.choices, default=Source.STAFF)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    expires_on = models.DateField("截止日期", null=True, blank=True)

    objects = PostingQuerySet.as_manager()

    class Meta:
        verbose_name = "岗位"
        verbose_name_plural = "岗位"
        ordering = ["-published_at", "-id"]

    def __str__(self) -> str:
        return f"{self.title} · {self.employer}"
