"""Dashboard figures of the matching app (protocol: core/figures.py): the funnel's stages (matching/funnel.py),
each opening the push list filtered by `stage`."""

from django.utils.translation import gettext_noop

from core.figures import Figure, Trend

from .funnel import STAGES, stage_q
from .models import PushRecord


def _stage(key):
    return lambda: PushRecord.objects.filter(stage_q(key))


FIGURES = [
    Figure(f"matching.{key}", label, gettext_noop("推送与就业"), "matching:push_list", rows=_stage(key),
           place_params={"station": "station", "street": "station_street", "district": "district"},
           params={} if key == "pushed" else {"stage": key}, station_path="archive__station",
           breakdown=key in {"pushed", "hired"})
    for key, label, _outcomes in STAGES
]

TRENDS = [
    Trend("matching.pushed", gettext_noop("推送"), rows=PushRecord.objects.all, month_field="pushed_on",
          station_path="archive__station"),
    Trend("matching.hired", gettext_noop("录用"), rows=lambda: PushRecord.objects.filter(stage_q("hired")),
          month_field="outcome_date", station_path="archive__station"),
]
