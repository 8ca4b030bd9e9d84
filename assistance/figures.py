"""Dashboard figures of the assistance app (protocol: core/figures.py): cases by state and subsidies paid open
the case list filtered by `state`; unclaimed entitlements open the 应享尽享 worklist (each narrowed to a station,
its street or its district from a breakdown cell or a district board)."""

from django.utils.translation import gettext_noop

from core.figures import Figure, Trend

from .models import Case, Entitlement

PLACES = {"station": "station", "street": "station_street", "district": "station_district"}  # the list's filters


def _state(value):
    return lambda: Case.objects.filter(state=value)


FIGURES = [
    *[Figure(f"assistance.case.{value}", label, gettext_noop("帮扶申领（按状态）"), "assistance:case_list", rows=_state(value),
             params={"state": value}, station_path="archive__station", breakdown=value == Case.State.PAID,
             place_params=PLACES)
      for value, label in Case.State.choices],
    Figure("assistance.paid_amount", gettext_noop("已发放补贴金额（元）"), gettext_noop("帮扶申领（按状态）"), "assistance:case_list",
           rows=_state(Case.State.PAID), params={"state": Case.State.PAID}, station_path="archive__station",
           sum_field="amount_paid", place_params=PLACES),
    Figure("assistance.unclaimed", gettext_noop("应享未享（待办）"), gettext_noop("应享尽享"), "assistance:worklist",
           rows=lambda: Entitlement.objects.filter(state=Entitlement.State.ELIGIBLE), breakdown=True,
           place_params=PLACES),
]

TRENDS = [
    Trend("assistance.paid", gettext_noop("补贴发放"), rows=lambda: Case.objects.filter(state=Case.State.PAID),
          month_field="paid_on", station_path="archive__station"),
]
