"""Jobseeker archives (就业服务档案) and their employment-status timeline.

CONTRACT (other apps rely on these names; add fields freely, do not rename or remove):
JobseekerArchive: station, name, id_number_hash, id_number_encrypted, birth_date, sex,
phone_encrypted, street, area, grid, lat, lng, education, skills,
certificates (reverse of Certificate.archive: structured rows, no longer a text field),
desired_occupations (M2M core.Occupation), desired_salary (yuan/month), desired_hours (HoursType),
max_commute_minutes, key_groups (list of KeyGroup values), helper, is_open, current_status;
objects.visible_to(user), objects.active().
StatusEntry: archive, status, effective_date, source, note, recorded_by.
Certificate: archive, name, occupation_code, level (SkillLevel), number, issuer, issued_on.

Added by the archives issue: hukou, graduation data, work history, consent (date, scope), version
(optimistic locking), next_survey_due; Visit, ResurveyRule, FollowUpTask, ImportJob.
Writes go through jobseekers/services.py; ID numbers and phones only ever stored encrypted.
"""

import datetime as dt

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy, gettext_noop
from django.utils.translation import gettext_lazy as _

from core.choices import HoursType, KeyGroup, translated
from core.crypto import decrypt
from core.geo import OUTSIDE_SHANGHAI, in_shanghai
from core.masking import mask_id_number, mask_phone
from core.models import ImportJobBase, TimeStampedModel
from core.scoping import ScopedQuerySet


class EmploymentStatus(models.TextChoices):
    EMPLOYED = "employed", gettext_noop("已就业")
    UNEMPLOYED = "unemployed", gettext_noop("失业")
    FLEXIBLE = "flexible", gettext_noop("灵活就业")
    SELF_EMPLOYED = "self_employed", gettext_noop("自主创业")
    TRAINING = "training", gettext_noop("培训中")
    IN_SCHOOL = "in_school", gettext_noop("在校")
    NOT_SEEKING = "not_seeking", gettext_noop("暂不求职")


class Education(models.TextChoices):
    PRIMARY = "primary", gettext_noop("小学及以下")
    JUNIOR = "junior", gettext_noop("初中")
    SENIOR = "senior", gettext_noop("高中/中专/技校")
    COLLEGE = "college", gettext_noop("大专")
    BACHELOR = "bachelor", gettext_noop("本科")
    MASTER = "master", gettext_noop("硕士及以上")


# Statuses of a person still looking for work: matching targets only open archives in one of these.
# 已就业, 自主创业 and 暂不求职 are not offered jobs (a station re-surveys them instead).
LOOKING_STATUSES = (EmploymentStatus.UNEMPLOYED, EmploymentStatus.FLEXIBLE, EmploymentStatus.TRAINING,
                    EmploymentStatus.IN_SCHOOL)


class ArchiveQuerySet(ScopedQuerySet):
    def active(self):
        return self.filter(is_open=True)

    def looking(self):
        """Open archives whose current status says the person is looking for work (matching's targets)."""
        return self.filter(is_open=True, current_status__in=LOOKING_STATUSES)

    def overdue(self, today: dt.date):
        return self.filter(is_open=True, next_survey_due__lt=today)

    def due_for_survey(self, today: dt.date):
        return self.filter(is_open=True, next_survey_due__lte=today)


class SkillLevel(models.TextChoices):
    """职业技能等级 (国家职业技能标准), or a 专项职业能力 certificate (training's programs use them too)."""

    LEVEL5 = "5", gettext_lazy("五级/初级工")
    LEVEL4 = "4", gettext_lazy("四级/中级工")
    LEVEL3 = "3", gettext_lazy("三级/高级工")
    LEVEL2 = "2", gettext_lazy("二级/技师")
    LEVEL1 = "1", gettext_lazy("一级/高级技师")
    SPECIAL = "special", gettext_lazy("专项职业能力")


# the word a certificate's name uses for its level ("电工四级", "养老护理员（五级/初级工）")
LEVEL_WORDS = {"5": "五级", "4": "四级", "3": "三级", "2": "二级", "1": "一级", "special": "专项"}


class Hukou(models.TextChoices):
    LOCAL = "local", gettext_noop("本市户籍")
    NON_LOCAL = "non_local", gettext_noop("外省市户籍")


class ConsentScope(models.TextChoices):
    SERVICE = "service", gettext_noop("仅用于本站就业服务")
    CITY = "city", gettext_noop("全市公共就业服务共享")
    CITY_AND_PUSH = "city_push", gettext_noop("全市共享，并同意接收岗位推送")


class JobseekerArchive(TimeStampedModel):
    """就业服务档案: one per resident city-wide (by ID number), kept by one station."""

    class Sex(models.TextChoices):
        MALE = "M", gettext_noop("男")
        FEMALE = "F", gettext_noop("女")

    station = models.ForeignKey("stations.Station", verbose_name=_("建档站点"), on_delete=models.PROTECT,
                                related_name="archives")
    name = models.CharField(_("姓名"), max_length=50)
    id_number_encrypted = models.TextField(_("身份证号（加密）"), editable=False)
    id_number_hash = models.CharField(_("身份证号索引"), max_length=64, unique=True, editable=False,
                                      error_messages={"unique": _("该身份证号已建档。")})
    id_number_last4 = models.CharField(_("身份证号后四位"), max_length=4, db_index=True, editable=False)
    birth_date = models.DateField(_("出生日期"), editable=False)
    sex = models.CharField(_("性别"), max_length=1, choices=translated(Sex), editable=False)
    phone_encrypted = models.TextField(_("手机号（加密）"), blank=True, editable=False)
    street = models.ForeignKey("stations.Street", verbose_name=_("居住街镇"), on_delete=models.PROTECT,
                               null=True, blank=True, related_name="+")
    area = models.ForeignKey("stations.Area", verbose_name=_("片区"), on_delete=models.SET_NULL,
                             null=True, blank=True, related_name="+")
    grid = models.ForeignKey("stations.Grid", verbose_name=_("网格"), on_delete=models.SET_NULL,
                             null=True, blank=True, related_name="+")
    address = models.CharField(_("居住地址"), max_length=200, blank=True)
    lat = models.FloatField(_("纬度（WGS-84）"), null=True, blank=True)
    lng = models.FloatField(_("经度（WGS-84）"), null=True, blank=True)
    education = models.CharField(_("学历"), max_length=16, choices=translated(Education), blank=True)
    skills = models.TextField(_("技能"), blank=True)
    desired_occupations = models.ManyToManyField("core.Occupation", verbose_name=_("意向职业"), blank=True,
                                                 related_name="+")
    desired_salary = models.PositiveIntegerField(_("期望月薪（元）"), null=True, blank=True)
    desired_hours = models.CharField(_("期望工时"), max_length=16, choices=translated(HoursType),
                                     default=HoursType.FULL_TIME)
    max_commute_minutes = models.PositiveSmallIntegerField(_("最长通勤（分钟）"), default=30)
    key_groups = ArrayField(models.CharField(max_length=20, choices=translated(KeyGroup)), verbose_name=_("重点群体"),
                            default=list, blank=True)
    helper = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("帮办员"), on_delete=models.SET_NULL,
                               null=True, blank=True, related_name="helped_archives")
    is_open = models.BooleanField(_("在册"), default=True, db_index=True)
    closed_reason = models.CharField(_("关闭原因"), max_length=200, blank=True)
    current_status = models.CharField(_("当前就业状态"), max_length=16, choices=translated(EmploymentStatus),
                                      default=EmploymentStatus.UNEMPLOYED, db_index=True)
    hukou = models.CharField(_("户籍"), max_length=16, choices=translated(Hukou), default=Hukou.LOCAL)
    graduation_year = models.PositiveSmallIntegerField(_("毕业年份"), null=True, blank=True)
    school = models.CharField(_("毕业院校"), max_length=100, blank=True)
    work_history = models.TextField(_("工作经历"), blank=True)
    consent_date = models.DateField(_("同意处理个人信息日期"), null=True, blank=True)
    consent_scope = models.CharField(_("同意范围"), max_length=16, choices=translated(ConsentScope), blank=True)
    next_survey_due = models.DateField(_("下次排摸日期"), null=True, blank=True, db_index=True)
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)

    objects = ArchiveQuerySet.as_manager()

    class Meta:
        verbose_name = _("求职者档案")
        verbose_name_plural = _("求职者档案")
        ordering = ["-updated_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(is_open=True) | ~models.Q(closed_reason=""),
                                   name="archive_closed_has_reason",
                                   violation_error_message=_("关闭档案须填写关闭原因。")),
            # with the composite foreign keys (area_id, street_id) and (grid_id, street_id) of migration
            # 0005: a 片区/grid is always one of the archive's street
            models.CheckConstraint(condition=(models.Q(area__isnull=True) & models.Q(grid__isnull=True))
                                   | models.Q(street__isnull=False),
                                   name="archive_area_grid_need_street",
                                   violation_error_message=_("选择片区或网格前请先选择居住街镇。")),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.id_number_last4}）"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("jobseekers:archive_detail", args=[self.pk])

    def clean(self) -> None:
        errors = {}
        if not self.consent_date:
            errors["consent_date"] = _("请先取得本人同意并填写同意日期，才能保存档案。")
        elif self.consent_date > dt.date.today():
            errors["consent_date"] = _("同意日期不能晚于今天。")
        if not self.consent_scope:
            errors["consent_scope"] = _("请选择本人同意的信息使用范围。")
        if self.area_id and self.street_id and self.area.street_id != self.street_id:
            errors["area"] = _("所选片区不属于居住街镇。")
        if self.grid_id and self.street_id and self.grid.street_id != self.street_id:
            errors["grid"] = _("所选网格不属于居住街镇。")
        if (self.lat is None) != (self.lng is None):
            errors["lat"] = _("经纬度须同时填写。")
        elif self.lat is not None and not in_shanghai(self.lat, self.lng):
            errors["lat"] = OUTSIDE_SHANGHAI
        if self.graduation_year and not 1950 <= self.graduation_year <= dt.date.today().year + 1:
            errors["graduation_year"] = _("毕业年份不合理，请核对。")
        if not self.is_open and not self.closed_reason.strip():
            errors["closed_reason"] = _("关闭档案须填写关闭原因。")
        if errors:
            raise ValidationError(errors)

    @property
    def id_number(self) -> str:
        """The full ID number: only for an audited reveal or an allowed full export."""
        return decrypt(self.id_number_encrypted)

    @property
    def phone(self) -> str:
        return decrypt(self.phone_encrypted)

    @property
    def id_number_masked(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)

    @property
    def is_looking(self) -> bool:
        return self.is_open and self.current_status in LOOKING_STATUSES

    @property
    def is_key_group(self) -> bool:
        return bool(self.key_groups)

    def key_group_labels(self) -> list[str]:
        return [KeyGroup(k).label for k in self.key_groups if k in KeyGroup.values]


SYSTEM_SOURCE_MESSAGE = gettext_lazy("来源“推荐就业”“批量导入”“建档登记”由系统在录用、导入和建档时记录，不能手工选择；"
                                     "请选择走访、电话或本人申报。")


class ArchiveOwnedQuerySet(ScopedQuerySet):
    """Rows owned by an archive (status entries, visits, tasks, pushes, SMS): scoped by the archive's station."""

    station_path = "archive__station"


class StatusEntry(models.Model):
    """One dated entry of the employment-status timeline; entries are never overwritten."""

    class Source(models.TextChoices):
        VISIT = "visit", gettext_noop("走访")
        PHONE = "phone", gettext_noop("电话")
        SELF_REPORT = "self_report", gettext_noop("本人申报")
        PLACEMENT = "placement", gettext_noop("推荐就业")
        IMPORT = "import", gettext_noop("批量导入")
        REGISTRATION = "registration", gettext_noop("建档登记")

        @classmethod
        def manual(cls) -> list[str]:
            """Sources a person may choose; placement, import and registration are written only by the
            code paths that own them (matching's hire, the Excel import, archive creation)."""
            return [cls.VISIT, cls.PHONE, cls.SELF_REPORT]

    archive = models.ForeignKey(JobseekerArchive, on_delete=models.CASCADE, related_name="status_entries")
    status = models.CharField(_("就业状态"), max_length=16, choices=translated(EmploymentStatus))
    effective_date = models.DateField(_("生效日期"))
    source = models.CharField(_("来源"), max_length=16, choices=translated(Source))
    note = models.CharField(_("备注"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    objects = ArchiveOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("就业状态记录")
        verbose_name_plural = _("就业状态记录")
        ordering = ["-effective_date", "-id"]

    def __str__(self) -> str:
        return f"{self.effective_date} {self.get_status_display()}"


class Certificate(TimeStampedModel):
    """A certificate the jobseeker holds (职业资格/技能等级/专项能力证书): typed by staff, imported, or recorded
    by training when a referral is certified (training keeps the link, `Referral.certificate`)."""

    archive = models.ForeignKey(JobseekerArchive, verbose_name=_("档案"), on_delete=models.CASCADE,
                                related_name="certificates")
    # text: a migrated free-text piece is kept whole, however long (forms limit new names)
    name = models.TextField(_("证书名称"))
    occupation_code = models.CharField(_("职业代码"), max_length=16, blank=True)
    level = models.CharField(_("等级"), max_length=8, choices=SkillLevel.choices, blank=True)
    number = models.CharField(_("证书编号"), max_length=64, blank=True)
    issuer = models.CharField(_("发证机构"), max_length=100, blank=True)
    issued_on = models.DateField(_("发证日期"), null=True, blank=True)

    objects = ArchiveOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("证书")
        verbose_name_plural = _("证书")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = {}
        if not (self.name or "").strip():
            errors["name"] = _("请填写证书名称。")
        if self.issued_on and self.issued_on > timezone.localdate():
            errors["issued_on"] = _("发证日期不能晚于今天。")
        if errors:
            raise ValidationError(errors)

    @property
    def label(self):
        """The name, with the level when the name does not already say it (matching's explanation, audit
        summaries); lazy, so it renders in the reader's language (audit: Chinese)."""
        if not self.level or LEVEL_WORDS.get(self.level, "") in self.name:
            return self.name
        return format_lazy("{}（{}）", self.name, SkillLevel(self.level).label)


class Visit(models.Model):
    """走访记录: one contact with the jobseeker; sets the archive's next survey date."""

    class Method(models.TextChoices):
        DOOR = "door", gettext_noop("上门走访")
        PHONE = "phone", gettext_noop("电话联系")
        STATION = "station", gettext_noop("来站服务")
        ONLINE = "online", gettext_noop("线上联系")

    class Need(models.TextChoices):
        JOB = "job", gettext_noop("求职就业")
        TRAINING = "training", gettext_noop("技能培训")
        POLICY = "policy", gettext_noop("政策咨询")
        STARTUP = "startup", gettext_noop("创业指导")

    archive = models.ForeignKey(JobseekerArchive, on_delete=models.CASCADE, related_name="visits")
    visit_date = models.DateField(_("走访日期"))
    method = models.CharField(_("方式"), max_length=16, choices=translated(Method))
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("走访人员"), on_delete=models.SET_NULL,
                              null=True, blank=True, related_name="+")
    findings = models.TextField(_("走访情况"))
    needs = ArrayField(models.CharField(max_length=16, choices=translated(Need)), verbose_name=_("服务需求"),
                       default=list, blank=True)
    status_observed = models.CharField(_("本次了解的就业状态"), max_length=16, choices=translated(EmploymentStatus),
                                       blank=True)
    next_follow_up = models.DateField(_("下次跟进日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    objects = ArchiveOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("走访记录")
        verbose_name_plural = _("走访记录")
        ordering = ["-visit_date", "-id"]

    def __str__(self) -> str:
        return f"{self.visit_date} {self.get_method_display()}"

    def clean(self) -> None:
        if self.visit_date and self.visit_date > dt.date.today():
            raise ValidationError({"visit_date": _("走访日期不能晚于今天。")})
        if self.visit_date and self.next_follow_up and self.next_follow_up <= self.visit_date:
            raise ValidationError({"next_follow_up": _("下次跟进日期须晚于走访日期。")})

    def need_labels(self) -> list[str]:
        return [self.Need(n).label for n in self.needs if n in self.Need.values]


# Used when the city admin has not configured a rule: (key group?, status) → days until the next survey.
DEFAULT_INTERVAL_DAYS = 90
DEFAULT_RULES: dict[tuple[bool, str], int] = {
    (True, EmploymentStatus.UNEMPLOYED): 30, (False, EmploymentStatus.UNEMPLOYED): 60,
    (True, EmploymentStatus.EMPLOYED): 180, (False, EmploymentStatus.EMPLOYED): 180,
    (True, EmploymentStatus.FLEXIBLE): 60, (False, EmploymentStatus.FLEXIBLE): 90,
    (True, EmploymentStatus.SELF_EMPLOYED): 90, (False, EmploymentStatus.SELF_EMPLOYED): 180,
    (True, EmploymentStatus.TRAINING): 60, (False, EmploymentStatus.TRAINING): 90,
    (True, EmploymentStatus.IN_SCHOOL): 90, (False, EmploymentStatus.IN_SCHOOL): 180,
    (True, EmploymentStatus.NOT_SEEKING): 90, (False, EmploymentStatus.NOT_SEEKING): 180,
}


class ResurveyRule(models.Model):
    """定期排摸规则: how many days after a survey the next one is due, per key-group flag and status."""

    is_key_group = models.BooleanField(_("重点群体"))
    status = models.CharField(_("就业状态"), max_length=16, choices=translated(EmploymentStatus))
    interval_days = models.PositiveSmallIntegerField(_("排摸间隔（天）"))
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("排摸规则")
        verbose_name_plural = _("排摸规则")
        ordering = ["-is_key_group", "status"]
        constraints = [
            models.UniqueConstraint(fields=["is_key_group", "status"], name="resurvey_rule_unique",
                                    violation_error_message=_("该人群和就业状态的规则已存在。")),
            models.CheckConstraint(condition=models.Q(interval_days__gte=7, interval_days__lte=366),
                                   name="resurvey_interval_range",
                                   violation_error_message=_("排摸间隔须在7至366天之间。")),
        ]

    def __str__(self) -> str:
        who = "重点群体" if self.is_key_group else "其他人员"
        return f"{who}·{self.get_status_display()}：每{self.interval_days}天"


class FollowUpTaskQuerySet(ArchiveOwnedQuerySet):
    def open(self):
        return self.filter(status=FollowUpTask.Status.OPEN)


class FollowUpTask(models.Model):
    """回访任务 created by the daily beat job for an archive whose survey falls due; one per due date."""

    class Status(models.TextChoices):
        OPEN = "open", gettext_noop("待回访")
        DONE = "done", gettext_noop("已完成")
        CANCELLED = "cancelled", gettext_noop("已取消")

    archive = models.ForeignKey(JobseekerArchive, on_delete=models.CASCADE, related_name="followups")
    due_date = models.DateField(_("应回访日期"))
    status = models.CharField(_("状态"), max_length=16, choices=translated(Status), default=Status.OPEN, db_index=True)
    visit = models.ForeignKey(Visit, verbose_name=_("完成走访"), on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="closed_tasks")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    closed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    objects = FollowUpTaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("回访任务")
        verbose_name_plural = _("回访任务")
        ordering = ["due_date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["archive", "due_date"], name="followup_once_per_cycle",
                                    violation_error_message=_("该档案本轮回访任务已存在。")),
        ]

    def __str__(self) -> str:
        return f"{self.archive} {self.due_date} {self.get_status_display()}"


class ImportJob(ImportJobBase):
    """One Excel upload being imported by a Celery task; counters are polled for progress (the fields, the
    encrypted upload and error report, and the progress properties: `core.models.ImportJobBase`).

    Both imports use it (archives here, postings in jobs.imports: `kind`), so both keep their state, upload
    and error report in the database and share the stale-job sweeper: a Redis outage or a lost worker
    leaves neither stuck. The error report (.xlsx with every original column of the failed rows) is kept
    until the retention sweep, like a kept upload; `errors` holds the rows masked."""

    class Kind(models.TextChoices):
        ARCHIVES = "archives", "求职者档案"
        POSTINGS = "postings", "岗位"

    station = models.ForeignKey("stations.Station", verbose_name=_("导入站点"), on_delete=models.CASCADE,
                                related_name="+")
    kind = models.CharField(_("导入内容"), max_length=16, choices=translated(Kind), default=Kind.ARCHIVES)

    objects = ScopedQuerySet.as_manager()

    class Meta(ImportJobBase.Meta):
        verbose_name = _("导入批次")
        verbose_name_plural = _("导入批次")
