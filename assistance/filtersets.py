"""FilterSets shared by the pages and the API (one definition of each list's filters)."""

from __future__ import annotations

import datetime as dt

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.choices import translated
from core.filters import IntegerFilter
from core.forms import PortalFilterForm

from .models import Case, Policy


class CaseFilterSet(django_filters.FilterSet):
    """援助案件: the case list page and `/api/assistance/cases/` filter with this one set."""

    kind = django_filters.ChoiceFilter(label=_("类型"), choices=translated(Case.Kind), empty_label=_("全部"))
    state = django_filters.ChoiceFilter(label=_("状态"), choices=translated(Case.State), empty_label=_("全部"))
    policy = django_filters.ModelChoiceFilter(label=_("政策"), queryset=Policy.objects.all(), empty_label=_("全部"))
    # the place filters come from links (dashboard cells, lists): hidden on the page, named in the API
    station = IntegerFilter(label=_("站点ID"), field_name="archive__station_id", min_value=1,
                            widget=forms.HiddenInput)
    station_street = IntegerFilter(label=_("站点所在街镇ID"), field_name="archive__station__street_id", min_value=1,
                                   widget=forms.HiddenInput)
    station_district = IntegerFilter(label=_("站点所在区ID"), field_name="archive__station__street__district_id",
                                     min_value=1, widget=forms.HiddenInput)
    waiting_days = IntegerFilter(label=_("等待天数 ≥"), method="filter_waiting_days", min_value=0, max_value=3650)

    class Meta:
        model = Case
        form = PortalFilterForm
        fields = ["kind", "state", "policy", "station", "station_street", "station_district", "waiting_days"]

    def filter_waiting_days(self, queryset, name, value):
        """Cases whose current state was entered at least `value` days ago."""
        return queryset.filter(state_changed_at__lte=timezone.now() - dt.timedelta(days=value))
