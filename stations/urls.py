from django.urls import path

from . import views

app_name = "stations"

urlpatterns = [
    path("", views.StationListView.as_view(), name="station_list"),
    path("export.xlsx", views.StationExportView.as_view(), name="station_export"),
    path("new/", views.StationCreateView.as_view(), name="station_create"),
    path("name-suggestion/", views.NameSuggestionView.as_view(), name="name_suggestion"),
    path("<int:pk>/", views.StationDetailView.as_view(), name="station_detail"),
    path("<int:pk>/edit/", views.StationUpdateView.as_view(), name="station_update"),
    path("<int:pk>/staff/add/", views.MembershipAddView.as_view(), name="membership_add"),
    path("staff/<int:pk>/edit/", views.MembershipUpdateView.as_view(), name="membership_update"),
    path("staff/<int:pk>/remove/", views.MembershipRemoveView.as_view(), name="membership_remove"),
    path("transfers/", views.TransferListView.as_view(), name="transfer_list"),
    path("transfers/<int:pk>/<str:decision>/", views.TransferDecideView.as_view(), name="transfer_decide"),
    path("areas/", views.AreaListView.as_view(), name="area_list"),
    path("areas/new/", views.AreaFormView.as_view(), name="area_create"),
    path("areas/<int:pk>/edit/", views.AreaFormView.as_view(), name="area_update"),
    path("grids/", views.GridListView.as_view(), name="grid_list"),
    path("grids/new/", views.GridFormView.as_view(), name="grid_create"),
    path("grids/<int:pk>/edit/", views.GridFormView.as_view(), name="grid_update"),
    path("coverage/", views.CoverageView.as_view(), name="coverage"),
    path("finder/", views.finder, name="finder"),
    path("<int:pk>/public/", views.public_station, name="public_station"),
]
