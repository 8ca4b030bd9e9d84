"""Summary tables the dashboard reads instead of raw rows: one value per figure and station, and monthly series."""

from django.db import models


class SummaryRun(models.Model):
    """The latest refresh and the latest rebuild of the summary tables; the later one is the "as of" time."""

    class Kind(models.TextChoices):
        REFRESH = "refresh", "定时刷新"
        REBUILD = "rebuild", "全量重建"

    kind = models.CharField("方式", max_length=16, choices=Kind.choices)
    started_at = models.DateTimeField("开始时间")
    finished_at = models.DateTimeField("完成时间")
    duration_ms = models.PositiveIntegerField("耗时（毫秒）")

    class Meta:
        verbose_name = "统计刷新"
        verbose_name_plural = "统计刷新"
        ordering = ["-finished_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.finished_at:%Y-%m-%d %H:%M}"


class FigureValue(models.Model):
    """A figure's current value for one station (the figure's rows owned by that station)."""

    key = models.CharField("指标", max_length=80)
    station = models.ForeignKey("stations.Station", on_delete=models.CASCADE, related_name="+")
    value = models.BigIntegerField("数值")

    class Meta:
        verbose_name = "指标当前值"
        verbose_name_plural = "指标当前值"
        constraints = [models.UniqueConstraint(fields=["key", "station"], name="figure_value_once")]
        indexes = [models.Index(fields=["station", "key"], name="figure_value_station")]

    def __str__(self) -> str:
        return f"{self.key} {self.station_id}: {self.value}"


class FigureMonth(models.Model):
    """A trend's count for one station and calendar month (`month` is the month's first day)."""

    key = models.CharField("指标", max_length=80)
    station = models.ForeignKey("stations.Station", on_delete=models.CASCADE, related_name="+")
    month = models.DateField("月份")
    value = models.BigIntegerField("数值")

    class Meta:
        verbose_name = "指标月度值"
        verbose_name_plural = "指标月度值"
        constraints = [models.UniqueConstraint(fields=["key", "station", "month"], name="figure_month_once")]
        indexes = [models.Index(fields=["station", "key", "month"], name="figure_month_station")]

    def __str__(self) -> str:
        return f"{self.key} {self.station_id} {self.month:%Y-%m}: {self.value}"
