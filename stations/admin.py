"""Streets and districts are reference data; the registry (stations, their hours and staff, 片区, grids) is
read-only here: it is written on the portal's pages, through stations/services.py, which check scope and audit."""

from django.contrib import admin

from core.admin import ReadOnlyAdminMixin

from .models import Area, District, Grid, Station, StationHours, StationMembership, Street


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "lat", "lng"]


@admin.register(Street)
class StreetAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "is_admin", "district", "mca_code"]
    list_filter = ["district", "kind", "is_admin"]
    search_fields = ["code", "name"]


class MembershipInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = StationMembership
    extra = 0
    filter_horizontal = ["grids"]
    autocomplete_fields = ["user"]


class HoursInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = StationHours
    extra = 0


@admin.register(Station)
class StationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "street", "host_type", "status", "opened_on"]
    list_filter = ["status", "host_type", "street__district"]
    search_fields = ["code", "name"]
    list_select_related = ["street"]
    inlines = [HoursInline, MembershipInline]


@admin.register(Area)
class AreaAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["name", "street", "code"]
    list_filter = ["street__district"]


@admin.register(Grid)
class GridAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["name", "street", "area", "code"]
    list_filter = ["street__district"]
