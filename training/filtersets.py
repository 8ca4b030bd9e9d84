"""One FilterSet per list, shared by the page and the API: the referral list (/training/referrals/ and
/api/training-referrals/)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

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

    class Meta:
        model = Referral
        form = PortalFilterForm
        fields = ["program", "status", "station"]
