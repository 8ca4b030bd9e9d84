"""Dashboard figures of the training app (protocol: core/figures.py): referrals by where they stand, in scope.

Each tile opens the staff referral list (/training/referrals/) with the same filter (`status`, or `active` for
the ones not dropped); a referral counts at its archive's station, as that list scopes it.
"""

from django.utils.translation import gettext_noop

from core.figures import Figure, Trend

from .models import Referral

GROUP = gettext_noop("职业培训")
LIST = "training:referral_list"
STATION = "archive__station"
PLACES = {"station": "station", "street": "station_street", "district": "station_district"}


def _status(value):
    return lambda: Referral.objects.filter(status=value)


FIGURES = [
    Figure("training.referral.active", gettext_noop("培训推荐（未退出）"), GROUP, LIST,
           rows=lambda: Referral.objects.exclude(status=Referral.Status.DROPPED), params={"active": "true"},
           station_path=STATION, place_params=PLACES, breakdown=True),
    *[Figure(f"training.referral.{value}", label, GROUP, LIST, rows=_status(value), params={"status": value},
             station_path=STATION, place_params=PLACES)
      for value, label in ((Referral.Status.ENROLLED, gettext_noop("培训·已报名")),
                           (Referral.Status.COMPLETED, gettext_noop("培训·已结业（待取证）")),
                           (Referral.Status.CERTIFIED, gettext_noop("培训·已取证")))],
]

TRENDS = [
    Trend("training.referred", gettext_noop("培训推荐"), rows=Referral.objects.all, month_field="created_at",
          station_path=STATION),
    Trend("training.completed", gettext_noop("培训结业"), rows=lambda: Referral.objects.filter(completed_on__isnull=False),
          month_field="completed_on", station_path=STATION),
]
