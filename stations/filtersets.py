"""One FilterSet per model, shared by the pages, the Excel export and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.choices import translated
from core.forms import PortalFilterForm

from .models import Area, District, Grid, Station, Street


class StationFilterSet(django_filters.FilterSet):
    district = django_filters.ModelChoiceFilter(label=_("区"), field_name="street__district",
                                                queryset=District.objects.all())
    street = django_filters.ModelChoiceFilter(label=_("街镇"), queryset=Street.objects.select_related("district"))
    status = django_filters.ChoiceFilter(label=_("状态"), choices=translated(Station.Status))
    host_type = django_filters.ChoiceFilter(label=_("依托设施"), choices=translated(Station.HostType))
    q = django_filters.CharFilter(label=_("名称/编码"), method="filter_q")

    class Meta:
        form = PortalFilterForm
        model = Station
        fields = ["district", "street", "status", "host_type", "q"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(code__icontains=value)) if value else queryset


class AreaFilterSet(django_filters.FilterSet):
    district = django_filters.ModelChoiceFilter(label=_("区"), field_name="street__district",
                                                queryset=District.objects.all())
    street = django_filters.ModelChoiceFilter(label=_("街镇"), queryset=Street.objects.all())

    class Meta:
        form = PortalFilterForm
        model = Area
        fields = ["district", "street"]


class GridFilterSet(django_filters.FilterSet):
    district = django_filters.ModelChoiceFilter(label=_("区"), field_name="street__district",
                                                queryset=District.objects.all())
    street = django_filters.ModelChoiceFilter(label=_("街镇"), queryset=Street.objects.all())
    area = django_filters.ModelChoiceFilter(label=_("片区"), queryset=Area.objects.all())

    class Meta:
        form = PortalFilterForm
        model = Grid
        fields = ["district", "street", "area"]
