"""FilterSets of consulting: one definition of the appointment list's filters, for its page and the dashboard."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from core.choices import translated
from core.filters import IntegerFilter
from core.forms import PortalFilterForm

from .models import Appointment


class AppointmentFilterSet(django_filters.FilterSet):
    """预约列表: status and day on the page; the place filters come from links (dashboard cells) and stay hidden."""

    day = django_filters.DateFilter(label=_("日期"), field_name="start", lookup_expr="date",
                                    widget=forms.DateInput(attrs={"type": "date"}))
    status = django_filters.ChoiceFilter(label=_("状态"), choices=translated(Appointment.Status),
                                         empty_label=_("全部状态"))
    station = IntegerFilter(field_name="station_id", min_value=1, widget=forms.HiddenInput)
    station_street = IntegerFilter(field_name="station__street_id", min_value=1, widget=forms.HiddenInput)
    station_district = IntegerFilter(field_name="station__street__district_id", min_value=1,
                                     widget=forms.HiddenInput)

    class Meta:
        model = Appointment
        form = PortalFilterForm
        fields = ["day", "status", "station", "station_street", "station_district"]
