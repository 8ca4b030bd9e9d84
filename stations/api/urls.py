from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import (
    AreaViewSet,
    DistrictViewSet,
    GridViewSet,
    NearestStationsView,
    StationViewSet,
    StreetViewSet,
)

router = SimpleRouter()
router.register("stations", StationViewSet, basename="station")
router.register("areas", AreaViewSet, basename="area")
router.register("grids", GridViewSet, basename="grid")
router.register("districts", DistrictViewSet, basename="district")
router.register("streets", StreetViewSet, basename="street")

urlpatterns = [
    path("public/stations/nearest/", NearestStationsView.as_view(), name="station-nearest"),
    *router.urls,
]
