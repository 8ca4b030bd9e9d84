"""One FilterSet per list, shared by the page and the API: the referral list (/training/referrals/ and
/api/training-referrals/)."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.filters import IntegerFilter
from core.forms import PortalFilterForm
from stations.models import Station

from .models import Program, Referral


def _programs(request):
    """The programs the user's referrals go to (a station refers its people to other stations' programs too)."""
    if request is None:
        return Program.objects.none()
    return Program.objects.filter(pk__in=Referral.objects.visible_to(request.user).values("program_id")).order_by(
        "-start_date", "-id")


def _stations(request):
    return Station.objects.visible_to(request.user).order_by("code") if request else Station.objects.none()


class ReferralFilterSet(django_filters.FilterSet):
    program = django_filters.ModelChoiceFilter(label=_("培训项目"), queryset=_programs, empty_label=_("全部"))
    status = django_filters.ChoiceFilter(label=_("状态"), choices=Referral.Status.choices, empty_label=_("全部"))
    station = django_filters.ModelChoiceFilter(label=_("站点"), field_name="archive__station", queryset=_stations,
                                               empty_label=_("全部"))
    # from links (the dashboard's tiles and cells): hidden on the page, named in the API
    active = django_filters.BooleanFilter(label=_("未退出"), method="filter_active", widget=forms.HiddenInput)
    station_street = IntegerFilter(label=_("站点所在街镇ID"), field_name="archive__station__street_id", min_value=1,
                                   widget=forms.HiddenInput)
    station_district = IntegerFilter(label=_("站点所在区ID"), field_name="archive__station__street__district_id",
                                     min_value=1, widget=forms.HiddenInput)

    class Meta:
        model = Referral
        form = PortalFilterForm
        fields = ["program", "status", "station", "active", "station_street", "station_district"]

    def filter_active(self, queryset, name, value):
        """`active=true`: the referrals not dropped (what the dashboard's 培训推荐 tile counts)."""
        dropped = Q(status=Referral.Status.DROPPED)
        return queryset.exclude(dropped) if value else queryset.filter(dropped)
