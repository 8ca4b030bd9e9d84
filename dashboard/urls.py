from django.urls import path

from . import views

app_name = "dashboard"

urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("map.geojson", views.MapGeoJsonView.as_view(), name="map_geojson"),
    path("export.xlsx", views.DashboardExportView.as_view(), name="export"),
]
