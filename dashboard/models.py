"""Summary tables the dashboard reads instead of raw rows: one value per figure and station, and monthly series."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from core.choices import translated


class SummaryRun(models.Model):
    """The latest refresh and the latest rebuild of the summary tables; the later one is the "as of" time."""

    class Kind(models.TextChoices):
        REFRESH = "refresh", gettext_noop("定时刷新")
        REBUILD = "rebuild", gettext_noop("全量重建")

    kind = models.CharField(_("方式"), max_length=16, choices=translated(Kind))
    started_at = models.DateTimeField(_("开始时间"))
    finished_at = models.DateTimeField(_("完成时间"))
    duration_ms = models.PositiveIntegerField(_("耗时（毫秒）"))

    class Meta:
        verbose_name = _("统计刷新")
        verbose_name_plural = _("统计刷新")
        ordering = ["-finished_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.finished_at:%Y-%m-%d %H:%M}"


class FigureValue(models.Model):
    """A figure's current value for one station (the figure's rows owned by that station)."""

    key = models.CharField(_("指标"), max_length=80)
    station = models.ForeignKey("stations.Station", on_delete=models.CASCADE, related_name="+")
    value = models.BigIntegerField(_("数值"))

    class Meta:
        verbose_name = _("指标当前值")
        verbose_name_plural = _("指标当前值")
        constraints = [models.UniqueConstraint(fields=["key", "station"], name="figure_value_once")]
        indexes = [models.Index(fields=["station", "key"], name="figure_value_station")]

    def __str__(self) -> str:
        return f"{self.key} {self.station_id}: {self.value}"


class FigureMonth(models.Model):
    """A trend's count for one station and calendar month (`month` is the month's first day)."""

    key = models.CharField(_("指标"), max_length=80)
    station = models.ForeignKey("stations.Station", on_delete=models.CASCADE, related_name="+")
    month = models.DateField(_("月份"))
    value = models.BigIntegerField(_("数值"))

    class Meta:
        verbose_name = _("指标月度值")
        verbose_name_plural = _("指标月度值")
        constraints = [models.UniqueConstraint(fields=["key", "station", "month"], name="figure_month_once")]
        indexes = [models.Index(fields=["station", "key", "month"], name="figure_month_station")]

    def __str__(self) -> str:
        return f"{self.key} {self.station_id} {self.month:%Y-%m}: {self.value}"
