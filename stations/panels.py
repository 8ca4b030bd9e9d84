"""Home-page panels: staff see their stations; admins the station figures and their street coverage."""

from django.db.models import Count, Q

from core.scoping import scope_of

from .models import Station, Street


def staff_summary_panels(request) -> list[dict]:
    stations = Station.objects.visible_to(request.user).select_related("street__district")
    return [{"template": "stations/_panel_my_stations.html", "context": {"stations": stations}}]


def admin_figures_panels(request) -> list[dict]:
    stations = Station.objects.visible_to(request.user)
    return [{"template": "stations/_panel_station_figures.html", "context": {
        "station_count": stations.count(), "operating_count": stations.operating().count(),
    }}]


def admin_panels(request) -> list[dict]:
    scope = scope_of(request.user)
    streets = Street.objects.filter(is_admin=True)
    if scope.is_district:
        streets = streets.filter(district_id=scope.district_id)
    counts = streets.annotate(
        n=Count("stations", filter=Q(stations__status=Station.Status.OPERATING))
    ).aggregate(total=Count("pk"), without=Count("pk", filter=Q(n=0)))
    return [{"template": "stations/_panel_coverage.html", "context": counts}]
