"""Vocabularies shared by several apps (archives, postings, matching, assistance).

The labels stay plain Chinese strings (gettext_noop only marks them for the catalogue): imports match
spreadsheet cells against them, and exports and matching explanations join them into Chinese text
(`"、".join(KeyGroup.labels)` would fail on lazy translations). What is shown to people, in forms,
filters and model fields' choices, comes from `translated()`: the same choices, labels translated lazily.
"""

from django.db import models
from django.utils.translation import gettext_lazy, gettext_noop


class KeyGroup(models.TextChoices):
    """重点群体: used as archive tags and as a posting's friendly-to tags."""

    GRADUATE = "graduate", gettext_noop("高校毕业生")
    DIFFICULTY = "difficulty", gettext_noop("就业困难人员")
    LONG_TERM_UNEMPLOYED = "long_unemployed", gettext_noop("长期失业人员")
    AGE_4050 = "4050", gettext_noop("4050人员")
    VETERAN = "veteran", gettext_noop("退役军人")
    DISABLED = "disabled", gettext_noop("残疾人")
    ZERO_EMPLOYMENT_FAMILY = "zero_family", gettext_noop("零就业家庭成员")
    MINIMUM_LIVING = "dibao", gettext_noop("低保家庭成员")


class HoursType(models.TextChoices):
    FULL_TIME = "full_time", gettext_noop("全职")
    PART_TIME = "part_time", gettext_noop("兼职")
    FLEXIBLE = "flexible", gettext_noop("灵活就业")


class SalaryUnit(models.TextChoices):
    MONTH = "month", gettext_noop("元/月")
    DAY = "day", gettext_noop("元/天")
    HOUR = "hour", gettext_noop("元/小时")


def translated(choices: type[models.Choices]) -> list[tuple[str, str]]:
    """The (value, label) pairs of `choices`, each label translated into the active language when shown."""
    return [(value, gettext_lazy(label)) for value, label in choices.choices]


# Converting pay to a monthly figure for comparison (21.75 working days a month, 8 hours a day).
MONTHLY_FACTOR = {SalaryUnit.MONTH: 1.0, SalaryUnit.DAY: 21.75, SalaryUnit.HOUR: 21.75 * 8}
