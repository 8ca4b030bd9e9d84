"""Dashboard figures of the training app (protocol: core/figures.py): referrals by where they stand, in scope.

No list on this branch shows referrals filtered by status (the staff referral list, /training/referrals/, is
being built separately), so these tiles are not links yet (`url_name=""`); `params` is the `status` filter the
tiles will open once it lands. A referral counts at its archive's station.
"""

from django.utils.translation import gettext_noop

from core.figures import Figure, Trend

from .models import Referral

GROUP = gettext_noop("职业培训")
LIST = ""  # the referral list, when it exists: "training:referral_list"
STATION = "archive__station"


def _status(value):
    return lambda: Referral.objects.filter(status=value)


FIGURES = [
    Figure("training.referral.active", gettext_noop("培训推荐（未退出）"), GROUP, LIST,
           rows=lambda: Referral.objects.exclude(status=Referral.Status.DROPPED),
           station_path=STATION, breakdown=True),
    *[Figure(f"training.referral.{value}", label, GROUP, LIST, rows=_status(value), params={"status": value},
             station_path=STATION)
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
