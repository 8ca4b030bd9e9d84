from django.contrib import admin

from .models import Area, District, Grid, Station, StationHours, StationMembership, Street


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "lat", "lng"]


@admin.register(Street)
class StreetAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "is_admin", "district", "mca_code"]
    list_filter = ["district", "kind", "is_admin"]
    search_fields = ["code", "name"]


class MembershipInline(admin.TabularInline):
    model = StationMembership
    extra = 0
    filter_horizontal = ["grids"]
    autocomplete_fields = ["user"]


class HoursInline(admin.TabularInline):
    model = StationHours
    extra = 0


@admin.register(Station)
class StationAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "street", "host_type", "status", "opened_on"]
    list_filter = ["status", "host_type", "street__district"]
    search_fields = ["code", "name"]
    list_select_related = ["street"]
    inlines = [HoursInline, MembershipInline]


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["name", "street", "code"]
    list_filter = ["street__district"]


@admin.register(Grid)
class GridAdmin(admin.ModelAdmin):
    list_display = ["name", "street", "area", "code"]
    list_filter = ["street__district"]
