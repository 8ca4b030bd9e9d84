"""Dashboard figures of the stations app (protocol: core/figures.py)."""

from django.db.models import Count, Q
from django.utils.translation import gettext_noop

from core.figures import Figure
from core.scoping import scope_of

from .models import Station, Street


def streets_without_station(user) -> int:
    """街镇 (administrative units) in the user's scope with no operating station: the coverage page's count."""
    scope = scope_of(user)
    streets = Street.objects.all()
    if scope.is_district:
        streets = streets.filter(district_id=scope.district_id)
    elif not scope.is_city:
        return 0
    streets = streets.annotate(operating=Count("stations", filter=Q(stations__status=Station.Status.OPERATING)))
    return streets.filter(is_admin=True, operating=0).count()


FIGURES = [
    Figure("stations.operating", gettext_noop("运行中的站点"), gettext_noop("站点与覆盖"), "stations:station_list",
           rows=Station.objects.operating, params={"status": Station.Status.OPERATING}, station_path="id", breakdown=True,
           place_params={"street": "street", "district": "district"}),
    Figure("stations.streets_without", gettext_noop("无运行站点的街镇"), gettext_noop("站点与覆盖"), "stations:coverage",
           value=streets_without_station, live=True, levels=("district", "city"),
           place_params={"district": "district"}),
]
