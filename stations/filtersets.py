"""One FilterSet per model, shared by the pages, the Excel export and the API."""

import django_filters
from django.db.models import Q

from core.forms import PortalFilterForm

from .models import Area, District, Grid, Station, Street


class StationFilterSet(django_filters.FilterSet):
    district = django_filters.ModelChoiceFilter(label="区", field_name="street__district",
                                                queryset=District.objects.all())
    street = django_filters.ModelChoiceFilter(label="街镇", queryset=Street.objects.select_related("district"))
    status = django_filters.ChoiceFilter(label="状态", choices=Station.Status.choices)
    host_type = django_filters.ChoiceFilter(label="依托设施", choices=Station.HostType.choices)
    q = django_filters.CharFilter(label="名称/编码", method="filter_q")

    class Meta:
        form = PortalFilterForm
        model = Station
        fields = ["district", "street", "status", "host_type", "q"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(code__icontains=value)) if value else queryset


class AreaFilterSet(django_filters.FilterSet):
    district = django_filters.ModelChoiceFilter(label="区", field_name="street__district",
                                                queryset=District.objects.all())
    street = django_filters.ModelChoiceFilter(label="街镇", queryset=Street.objects.all())

    class Meta:
        form = PortalFilterForm
        model = Area
        fields = ["district", "street"]


class GridFilterSet(django_filters.FilterSet):
    district = django_filters.ModelChoiceFilter(label="区", field_name="street__district",
                                                queryset=District.objects.all())
    street = django_filters.ModelChoiceFilter(label="街镇", queryset=Street.objects.all())
    area = django_filters.ModelChoiceFilter(label="片区", queryset=Area.objects.all())

    class Meta:
        form = PortalFilterForm
        model = Grid
        fields = ["district", "street", "area"]
