"""Reads about stations shared by the finder, job search, lead routing and the coverage page."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.db.models import (
    Avg,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    Prefetch,
    Q,
    Value,
)
from django.db.models.functions import ASin, Cos, Power, Radians, Sin, Sqrt
from django.utils import timezone
from django.utils.translation import gettext

from core.geo import EARTH_RADIUS_M, WalkModel, bounding_box, haversine_sql, walk_model, walking_minutes
from core.plugins import panels
from core.scoping import scope_of

from .models import Area, District, Station, StationMembership, Street


@dataclass
class NearStation:
    station: Station
    distance_m: float

    @property
    def walk_minutes(self) -> int:
        return walking_minutes(self.distance_m)

    @property
    def distance_text(self) -> str:
        if self.distance_m < 1000:
            return gettext("%(m).0f 米") % {"m": self.distance_m}
        return gettext("%(km).1f 公里") % {"km": self.distance_m / 1000}

    @property
    def open_now(self) -> bool:
        return self.station.is_open_at(timezone.localtime())

    @property
    def today_hours(self):
        """Today's StationHours (None: closed today), from the prefetched hours."""
        return self.station.hours_by_weekday().get(timezone.localtime().weekday())


def stations_nearest(*, lat: float, lng: float, limit: int = 5, within_m: float | None = None,
                     queryset=None) -> list[NearStation]:
    """Operating stations nearest a point, nearest first (straight-line distance; walking time via core.geo).

    A `within_m` radius is cut first by a bounding box on the (lat, lng) index, then exactly in SQL.
    """
    qs = (queryset if queryset is not None else Station.objects.operating()).filter(
        lat__isnull=False, lng__isnull=False
    )
    if within_m is not None:
        lat_min, lat_max, lng_min, lng_max = bounding_box(lat, lng, within_m)
        qs = qs.filter(lat__range=(lat_min, lat_max), lng__range=(lng_min, lng_max))
    distance_sql = haversine_sql("stations_station.lat", "stations_station.lng")
    qs = qs.extra(  # noqa: S610 - parameters are bound, the SQL is a constant
        select={"distance_m": distance_sql},
        select_params=[lat, lat, lng],
        where=[f"{distance_sql} <= %s"] if within_m is not None else None,
        params=[lat, lat, lng, within_m] if within_m is not None else None,
        order_by=["distance_m"],
    ).select_related("street__district")[:limit]
    return [NearStation(s, s.distance_m) for s in qs]


def station_nearest(*, lat: float, lng: float) -> Station | None:
    found = stations_nearest(lat=lat, lng=lng, limit=1)
    return found[0].station if found else None


# --- lists -----------------------------------------------------------------------------------------

def station_list(*, user):
    """Stations the user may see, with what the list page, export and API show (no N+1)."""
    return (Station.objects.visible_to(user)
            .select_related("street__district", "area")
            .prefetch_related("hours")
            .annotate(staff_count=Count("memberships", filter=Q(memberships__is_active=True), distinct=True))
            .order_by("street__code", "code"))


def station_detail_queryset(*, user):
    memberships = StationMembership.objects.select_related("user__profile").prefetch_related("grids").order_by(
        "role", "user__username")
    return (Station.objects.visible_to(user).select_related("street__district", "area")
            .prefetch_related("hours", Prefetch("memberships", queryset=memberships)))


def public_stations():
    return Station.objects.public().select_related("street__district").prefetch_related("hours")


# --- the finder: where "pick a street" puts the resident --------------------------------------------

class StreetPoint(tuple):
    """A street's point as a plain (lat, lng) pair, which also says what it was taken from (`basis`)."""

    basis: str  # "street" (its own), "stations" (centroid of its located stations) or "district"

    def __new__(cls, lat: float, lng: float, basis: str):
        point = super().__new__(cls, (lat, lng))
        point.basis = basis
        return point

    @property
    def lat(self) -> float:
        return self[0]

    @property
    def lng(self) -> float:
        return self[1]


def street_point(street: Street | None) -> StreetPoint | None:
    """Where "I am in street X" puts a resident: the one rule for the finder, job search, postings and archives.

    A resident of a street is somewhere inside it, so the best guess is its middle: the street's own reference
    coordinate when it has one, else the centroid of the stations located in it (stations are spread over a
    street; picking one of them, e.g. the first operating station, would put everyone at that station's door
    and change with the station list's order), else its district's reference point. None without any of these.
    """
    if street is None:
        return None
    if street.lat is not None and street.lng is not None:
        return StreetPoint(street.lat, street.lng, "street")
    centre = (Station.objects.filter(street=street, lat__isnull=False, lng__isnull=False)
              .aggregate(lat=Avg("lat"), lng=Avg("lng")))
    if centre["lat"] is not None:
        return StreetPoint(centre["lat"], centre["lng"], "stations")
    district = street.district
    if district.lat is not None and district.lng is not None:
        return StreetPoint(district.lat, district.lng, "district")
    return None


# --- coverage -----------------------------------------------------------------------------------------

def _outer(name: str) -> ExpressionWrapper:
    return ExpressionWrapper(OuterRef(name), output_field=FloatField())


def _distance_expr(outer_lat: str, outer_lng: str):
    """Haversine (metres) between a station row and the outer query's point, as ORM expressions."""
    lat1, lat2 = Radians(F("lat")), Radians(_outer(outer_lat))
    half_dlat = (lat1 - lat2) / Value(2.0)
    half_dlng = (Radians(F("lng")) - Radians(_outer(outer_lng))) / Value(2.0)
    a = Power(Sin(half_dlat), 2) + Cos(lat1) * Cos(lat2) * Power(Sin(half_dlng), 2)
    return Value(2 * EARTH_RADIUS_M) * ASin(Sqrt(a))


def operating_station_within(radius_m: float, *, outer_lat: str = "lat", outer_lng: str = "lng") -> Exists:
    """EXISTS an operating station within `radius_m` of the outer row: bounding box (index), then haversine."""
    dlat = math.degrees(radius_m / EARTH_RADIUS_M)
    stations = (Station.objects.operating()
                .filter(lat__isnull=False, lng__isnull=False)
                .filter(lat__gte=_outer(outer_lat) - Value(dlat), lat__lte=_outer(outer_lat) + Value(dlat))
                .alias(dlng=Value(dlat) / Cos(Radians(_outer(outer_lat))))
                .filter(lng__gte=_outer(outer_lng) - F("dlng"), lng__lte=_outer(outer_lng) + F("dlng"))
                .alias(distance=_distance_expr(outer_lat, outer_lng))
                .filter(distance__lte=radius_m))
    return Exists(stations)


@dataclass
class ArchiveCoverage:
    total: int
    located: int
    covered: int

    @property
    def share(self) -> float | None:
        return self.covered / self.located if self.located else None

    @property
    def percent(self) -> str:
        return "—" if self.share is None else f"{self.share * 100:.1f}%"

    @property
    def unlocated(self) -> int:
        """Archives left out of the share: without coordinates, where they live within a street is unknown."""
        return self.total - self.located


@dataclass
class Coverage:
    walk: WalkModel
    minutes: int
    radius_m: float
    streets: list = field(default_factory=list)
    similar_units: list = field(default_factory=list)
    streets_without: int = 0
    areas_without: list = field(default_factory=list)
    district: District | None = None
    # figures other apps add (`coverage_panels` in <app>/panels.py), e.g. the archives' 15-minute share
    panels: list = field(default_factory=list)


def archive_coverage(*, archives, radius_m: float) -> ArchiveCoverage:
    """Counts archives and those living within `radius_m` of an operating station, in one SQL query."""
    located = Q(lat__isnull=False, lng__isnull=False)
    with transaction.atomic(), connection.cursor() as cursor:
        # One index probe per archive is cheap; PostgreSQL's JIT compile of the haversine is not
        # (bench/stations_coverage.py: 100k archives 1.1 s with JIT, 0.5 s without).
        cursor.execute("SET LOCAL jit = off")
        row = archives.annotate(near=operating_station_within(radius_m)).aggregate(
            total=Count("pk"),
            located=Count("pk", filter=located),
            covered=Count("pk", filter=located & Q(near=True)),
        )
    return ArchiveCoverage(**row)


def coverage_for(*, user, district: District | None = None) -> Coverage:
    """Street/town coverage by operating stations and 片区 without a station; other apps add their
    figures as panels (jobseekers: the archives' 15-minute share)."""
    scope = scope_of(user)
    streets = Street.objects.select_related("district")
    areas = Area.objects.select_related("street__district")
    if scope.is_district:
        district = District.objects.get(pk=scope.district_id)
    if district is not None:
        streets = streets.filter(district=district)
        areas = areas.filter(street__district=district)
    streets = list(
        streets.annotate(
            operating=Count("stations", filter=Q(stations__status=Station.Status.OPERATING), distinct=True),
            other=Count("stations", filter=~Q(stations__status=Station.Status.OPERATING), distinct=True),
        )
    )
    # streets/towns with no operating station first, then by code
    streets.sort(key=lambda s: (s.operating > 0, s.district.code, s.code))
    admin_units = [s for s in streets if s.is_admin]
    minutes = settings.WALK_CIRCLE_MINUTES
    model = walk_model()
    radius = model.radius_m(minutes)
    return Coverage(
        walk=model, minutes=minutes, radius_m=radius,
        streets=admin_units,
        similar_units=[s for s in streets if not s.is_admin],
        streets_without=sum(1 for s in admin_units if s.operating == 0),
        areas_without=list(areas.annotate(n=Count("stations", filter=Q(stations__status=Station.Status.OPERATING)))
                           .filter(n=0).order_by("street__code", "name")),
        district=district,
        panels=panels("coverage", user=user, district=district, minutes=minutes, radius_m=radius),
    )
