"""Jobseeker archives (就业服务档案) and their employment-status timeline.

CONTRACT (other apps rely on these names; add fields freely, do not rename or remove):
JobseekerArchive: station, name, id_number_hash, id_number_encrypted, birth_date, sex,
phone_encrypted, street, area, grid, lat, lng, education, skills, certificates,
desired_occupations (M2M core.Occupation), desired_salary (yuan/month), desired_hours (HoursType),
max_commute_minutes, key_groups (list of KeyGroup values), helper, is_open, current_status;
objects.visible_to(user), objects.active().
StatusEntry: archive, status, effective_date, source, note, recorded_by.
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models

from core.choices import HoursType, KeyGroup
from core.models import TimeStampedModel
from core.scoping import ScopedQuerySet


class EmploymentStatus(models.TextChoices):
    EMPLOYED = "employed", "已就业"
    UNEMPLOYED = "unemployed", "失业"
    FLEXIBLE = "flexible", "灵活就业"
    SELF_EMPLOYED = "self_employed", "自主创业"
    TRAINING = "training", "培训中"
    IN_SCHOOL = "in_school", "在校"
    NOT_SEEKING = "not_seeking", "暂不求职"


class Education(models.TextChoices):
    PRIMARY = "primary", "小学及以下"
    JUNIOR = "junior", "初中"
    SENIOR = "senior", "高中/中专/技校"
    COLLEGE = "college", "大专"
    BACHELOR = "bachelor", "本科"
    MASTER = "master", "硕士及以上"


class ArchiveQuerySet(ScopedQuerySet):
    station_path = "station"
    district_path = "station__street__district"

    def active(self):
        return self.filter(is_open=True)


class JobseekerArchive(TimeStampedModel):
    """就业服务档案: one per resident city-wide (by ID number), kept by one station."""

    class Sex(models.TextChoices):
        MALE = "M", "男"
        FEMALE = "F", "女"

    station = models.ForeignKey("stations.Station", verbose_name="建档站点", on_delete=models.PROTECT,
                                related_name="archives")
    name = models.CharField("姓名", max_length=50)
    id_number_encrypted = models.TextField("身份证号（加密）", editable=False)
    id_number_hash = models.CharField("身份证号索引", max_length=64, unique=True, editable=False,
                                      error_messages={"unique": "该身份证号已建档。"})
    id_number_last4 = models.CharField("身份证号后四位", max_length=4, db_index=True, editable=False)
    birth_date = models.DateField("出生日期", editable=False)
    sex = models.CharField("性别", max_length=1, choices=Sex.choices, editable=False)
    phone_encrypted = models.TextField("手机号（加密）", blank=True, editable=False)
    street = models.ForeignKey("stations.Street", verbose_name="居住街镇", on_delete=models.PROTECT,
                               null=True, blank=True, related_name="+")
    area = models.ForeignKey("stations.Area", verbose_name="片区", on_delete=models.SET_NULL,
                             null=True, blank=True, related_name="+")
    grid = models.ForeignKey("stations.Grid", verbose_name="网格", on_delete=models.SET_NULL,
                             null=True, blank=True, related_name="+")
    address = models.CharField("居住地址", max_length=200, blank=True)
    lat = models.FloatField("纬度（WGS-84）", null=True, blank=True)
    lng = models.FloatField("经度（WGS-84）", null=True, blank=True)
    education = models.CharField("学历", max_length=16, choices=Education.choices, blank=True)
    skills = models.TextField("技能", blank=True)
    certificates = models.TextField("证书", blank=True)
    desired_occupations = models.ManyToManyField("core.Occupation", verbose_name="意向职业", blank=True,
                                                 related_name="+")
    desired_salary = models.PositiveIntegerField("期望月薪（元）", null=True, blank=True)
    desired_hours = models.CharField("期望工时", max_length=16, choices=HoursType.choices,
                                     default=HoursType.FULL_TIME)
    max_commute_minutes = models.PositiveSmallIntegerField("最长通勤（分钟）", default=30)
    key_groups = ArrayField(models.CharField(max_length=20, choices=KeyGroup.choices), verbose_name="重点群体",
                            default=list, blank=True)
    helper = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="帮办员", on_delete=models.SET_NULL,
                               null=True, blank=True, related_name="helped_archives")
    is_open = models.BooleanField("在册", default=True, db_index=True)
    closed_reason = models.CharField("关闭原因", max_length=200, blank=True)
    current_status = models.CharField("当前就业状态", max_length=16, choices=EmploymentStatus.choices,
                                      default=EmploymentStatus.UNEMPLOYED, db_index=True)

    objects = ArchiveQuerySet.as_manager()

    class Meta:
        verbose_name = "求职者档案"
        verbose_name_plural = "求职者档案"
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return f"{self.name}（{self.id_number_last4}）"


class StatusEntryQuerySet(ScopedQuerySet):
    station_path = "archive__station"
    district_path = "archive__station__street__district"


class StatusEntry(models.Model):
    """One dated entry of the employment-status timeline; entries are never overwritten."""

    class Source(models.TextChoices):
        VISIT = "visit", "走访"
        PHONE = "phone", "电话"
        SELF_REPORT = "self_report", "本人申报"
        PLACEMENT = "placement", "推荐就业"
        IMPORT = "import", "批量导入"
        REGISTRATION = "registration", "建档登记"

    archive = models.ForeignKey(JobseekerArchive, on_delete=models.CASCADE, related_name="status_entries")
    status = models.CharField("就业状态", max_length=16, choices=EmploymentStatus.choices)
    effective_date = models.DateField("生效日期")
    source = models.CharField("来源", max_length=16, choices=Source.choices)
    note = models.CharField("备注", max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    objects = StatusEntryQuerySet.as_manager()

    class Meta:
        verbose_name = "就业状态记录"
        verbose_name_plural = "就业状态记录"
        ordering = ["-effective_date", "-id"]

    def __str__(self) -> str:
        return f"{self.effective_date} {self.get_status_display()}"
