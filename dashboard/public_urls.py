"""Public statistics (no login), mounted at the site root by config/urls.py's `public_urls` plug-in."""

from django.urls import path

from . import views

urlpatterns = [
    path("statistics/", views.statistics_index, name="statistics_index"),
    path("statistics/<str:code>/", views.statistics_district, name="statistics_district"),
    path("statistics/<str:code>/export.xlsx", views.statistics_export, name="statistics_export"),
]
