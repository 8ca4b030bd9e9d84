"""Distances and the walking-time estimate, in one place so a routing engine can replace it later."""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_noop

EARTH_RADIUS_M = 6_371_000.0

# WGS-84 bounds of Shanghai (with a small margin), used to refuse points elsewhere.
SHANGHAI_BOUNDS = {"lat_min": 30.66, "lat_max": 31.90, "lng_min": 120.85, "lng_max": 122.12}
OUTSIDE_SHANGHAI = gettext_noop("坐标不在上海市范围内，请核对经纬度（WGS-84）。")  # what a form says of such a point


def in_shanghai(lat: float, lng: float) -> bool:
    b = SHANGHAI_BOUNDS
    return b["lat_min"] <= lat <= b["lat_max"] and b["lng_min"] <= lng <= b["lng_max"]


def haversine_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


@dataclass(frozen=True)
class WalkModel:
    detour_factor: float
    speed_kmh: float

    @property
    def metres_per_minute(self) -> float:
        return self.speed_kmh * 1000 / 60

    def minutes(self, straight_line_m: float) -> float:
        return straight_line_m * self.detour_factor / self.metres_per_minute

    def radius_m(self, minutes: float) -> float:
        """Straight-line radius reachable in `minutes` of walking."""
        return minutes * self.metres_per_minute / self.detour_factor


def walk_model() -> WalkModel:
    return WalkModel(detour_factor=settings.WALK_DETOUR_FACTOR, speed_kmh=settings.WALK_SPEED_KMH)


def walking_minutes(straight_line_m: float) -> int:
    """Estimated walking minutes for a straight-line distance (rounded up, at least 1)."""
    return max(1, math.ceil(walk_model().minutes(straight_line_m)))


def walk_radius_m(minutes: float | None = None) -> float:
    return walk_model().radius_m(minutes if minutes is not None else settings.WALK_CIRCLE_MINUTES)


def bounding_box(lat: float, lng: float, radius_m: float) -> tuple[float, float, float, float]:
    """(lat_min, lat_max, lng_min, lng_max) enclosing a circle: lets a btree on (lat, lng) cut the scan."""
    dlat = math.degrees(radius_m / EARTH_RADIUS_M)
    dlng = math.degrees(radius_m / (EARTH_RADIUS_M * math.cos(math.radians(lat))))
    return lat - dlat, lat + dlat, lng - dlng, lng + dlng


# SQL expression (PostgreSQL) for the haversine distance in metres between columns and a point.
HAVERSINE_SQL = (
    "(2 * 6371000 * asin(sqrt(power(sin(radians({lat} - %s) / 2), 2) + "
    "cos(radians(%s)) * cos(radians({lat})) * power(sin(radians({lng} - %s) / 2), 2))))"
)


def haversine_sql(lat_col: str, lng_col: str) -> str:
    """Returns SQL with three %s params: (lat, lat, lng)."""
    return HAVERSINE_SQL.format(lat=lat_col, lng=lng_col)
