"""Vocabularies shared by several apps (archives, postings, matching, assistance)."""

from django.db import models


class KeyGroup(models.TextChoices):
    """重点群体: used as archive tags and as a posting's friendly-to tags."""

    GRADUATE = "graduate", "高校毕业生"
    DIFFICULTY = "difficulty", "就业困难人员"
    LONG_TERM_UNEMPLOYED = "long_unemployed", "长期失业人员"
    AGE_4050 = "4050", "4050人员"
    VETERAN = "veteran", "退役军人"
    DISABLED = "disabled", "残疾人"
    ZERO_EMPLOYMENT_FAMILY = "zero_family", "零就业家庭成员"
    MINIMUM_LIVING = "dibao", "低保家庭成员"


class HoursType(models.TextChoices):
    FULL_TIME = "full_time", "全职"
    PART_TIME = "part_time", "兼职"
    FLEXIBLE = "flexible", "灵活就业"


class SalaryUnit(models.TextChoices):
    MONTH = "month", "元/月"
    DAY = "day", "元/天"
    HOUR = "hour", "元/小时"


# Converting pay to a monthly figure for comparison (21.75 working days a month, 8 hours a day).
MONTHLY_FACTOR = {SalaryUnit.MONTH: 1.0, SalaryUnit.DAY: 21.75, SalaryUnit.HOUR: 21.75 * 8}
