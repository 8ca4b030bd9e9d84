"""Reads about stations shared by the finder, job search and lead routing."""

from __future__ import annotations

from dataclasses import dataclass

from core.geo import bounding_box, haversine_sql, walking_minutes

from .models import Station


@dataclass
class NearStation:
    station: Station
    distance_m: float

    @property
    def walk_minutes(self) -> int:
        return walking_minutes(self.distance_m)


def stations_nearest(*, lat: float, lng: float, limit: int = 5, within_m: float | None = None,
                     queryset=None) -> list[NearStation]:
    """Operating stations nearest a point, nearest first (straight-line distance; walking time via core.geo)."""
    qs = (queryset if queryset is not None else Station.objects.operating()).filter(
        lat__isnull=False, lng__isnull=False
    )
    if within_m is not None:
        lat_min, lat_max, lng_min, lng_max = bounding_box(lat, lng, within_m)
        qs = qs.filter(lat__range=(lat_min, lat_max), lng__range=(lng_min, lng_max))
    qs = qs.extra(  # noqa: S610 - parameters are bound, the SQL is a constant
        select={"distance_m": haversine_sql("stations_station.lat", "stations_station.lng")},
        select_params=[lat, lat, lng],
        order_by=["distance_m"],
    ).select_related("street__district")[: limit * 3 if within_m else limit]
    result = [NearStation(s, s.distance_m) for s in qs]
    if within_m is not None:
        result = [r for r in result if r.distance_m <= within_m]
    return result[:limit]


def station_nearest(*, lat: float, lng: float) -> Station | None:
    found = stations_nearest(lat=lat, lng=lng, limit=1)
    return found[0].station if found else None
