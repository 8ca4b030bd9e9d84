"""Home-page panels: admins see their street coverage at a glance."""

from django.db.models import Count, Q

from core.scoping import scope_of

from .models import Station, Street


def admin_panels(request) -> list[dict]:
    scope = scope_of(request.user)
    streets = Street.objects.filter(is_admin=True)
    if scope.is_district:
        streets = streets.filter(district_id=scope.district_id)
    counts = streets.annotate(
        n=Count("stations", filter=Q(stations__status=Station.Status.OPERATING))
    ).aggregate(total=Count("pk"), without=Count("pk", filter=Q(n=0)))
    return [{"template": "stations/_panel_coverage.html", "context": counts}]
