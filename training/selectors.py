"""Reads: the public catalog, staff lists, an archive's training, the "建议培训" worklist, demand vs supply."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Max, OuterRef, Q, Subquery, Sum
from django.db.models.expressions import RawSQL
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext

from core.geo import bounding_box, haversine_sql, walk_radius_m, walking_minutes
from core.models import Occupation
from jobs.models import JobPosting
from jobs.search import query_terms
from jobseekers.models import JobseekerArchive
from matching.models import StoredRecommendation
from stations.models import Street
from stations.selectors import street_point

from .filtersets import ReferralFilterSet
from .models import Program, ProgramImportJob, Provider, Referral, WaitlistEntry

CATALOG_PAGE = 20
COUNT_CAP = 1000
SOON_DAYS = 30
# A jobseeker whose best stored recommendation scores below this is offered training ("建议培训").
SUGGEST_BELOW_SCORE = 50
DISTANCE_SQL = haversine_sql("training_program.lat", "training_program.lng")


@dataclass
class CatalogPage:
    programs: list[Program]
    total: int  # at most COUNT_CAP + 1
    origin: object  # StreetPoint or None

    @property
    def capped(self) -> bool:
        return self.total > COUNT_CAP


def _distance(lat: float, lng: float) -> RawSQL:
    """Haversine metres from the program to a point: a constant SQL text, the point bound as parameters."""
    return RawSQL(DISTANCE_SQL, (lat, lat, lng))  # noqa: S611


def catalog_search(*, data: dict, limit: int = CATALOG_PAGE, today: dt.date | None = None) -> CatalogPage:
    """The public catalog: planned, enrolling and running programs, by keyword, occupation, district/street,
    starting soon, and within walking minutes of a street with distance order. `data` is a CatalogForm's
    cleaned_data."""
    today = today or timezone.localdate()
    qs = Program.objects.public().filter(end_date__gte=today)
    terms, _truncated = query_terms(data.get("q"))
    for term in terms:  # exact substring of title + occupation + provider, one column (see Program.search_text)
        qs = qs.filter(search_text__contains=term)
    # Occupations and streets are resolved to ids first, so each filter is an index look-up on the program
    # row rather than a join scanned for every program (bench/training.py).
    if data.get("occupation"):
        qs = qs.filter(occupation_id__in=list(Occupation.objects.filter(
            code__startswith=data["occupation"].strip()).values_list("pk", flat=True)))
    if data.get("district"):
        qs = qs.filter(street_id__in=list(Street.objects.filter(district=data["district"]).values_list("pk", flat=True)))
    if data.get("street"):
        qs = qs.filter(street=data["street"])
    if data.get("soon"):
        qs = qs.filter(start_date__gte=today, start_date__lte=today + dt.timedelta(days=SOON_DAYS))
    origin = street_point(data.get("near_street")) if data.get("near_street") else None
    order = ["start_date", "id"]
    if origin is not None:
        qs = qs.annotate(distance_m=_distance(origin.lat, origin.lng))
        if data.get("within"):
            radius = walk_radius_m(data["within"])
            lat_min, lat_max, lng_min, lng_max = bounding_box(origin.lat, origin.lng, radius)
            qs = qs.filter(lat__range=(lat_min, lat_max), lng__range=(lng_min, lng_max), distance_m__lte=radius)
        if data.get("sort") == "distance":
            qs = qs.filter(lat__isnull=False)
            order = ["distance_m", "start_date", "id"]
    total = qs.order_by()[:COUNT_CAP + 1].count()  # "1000+" beyond the cap: a count never scans the city
    programs = list(qs.select_related("occupation", "provider", "street__district").order_by(*order)[:limit])
    for p in programs:
        p.walk_minutes = walking_minutes(p.distance_m) if getattr(p, "distance_m", None) is not None else None
    return CatalogPage(programs=programs, total=total, origin=origin)


def program_public_get(pk: int) -> Program | None:
    return (Program.objects.public().select_related("occupation", "provider", "street__district", "station")
            .filter(pk=pk).first())


def verification_text(program: Program) -> str:
    """The provider's designation as the public pages state it."""
    provider = program.provider
    today = timezone.localdate()
    if provider.designated_on(today):
        return gettext("定点培训机构（资格有效至 %(d)s）") % {"d": provider.designated_until.isoformat()}
    return gettext("非定点培训机构或定点资格已过期：培训费可能不能申请补贴，请先向服务站咨询。")


def program_list(*, user):
    return (Program.objects.visible_to(user).select_related("provider", "station", "occupation")
            .order_by("-start_date", "-id"))


def provider_list(*, user):
    return Provider.objects.visible_to(user).select_related("station").annotate(program_count=Count("programs"))


def referral_list(*, user, data, request=None):
    """The referrals of the user's archives (station: its own; district: the district's; city: all), filtered
    by program, state and station (a FilterSet: `.qs`, `.form`), newest first."""
    queryset = (Referral.objects.visible_to(user)
                .select_related("archive__station", "program__provider", "program__station", "referred_by")
                .order_by("-created_at", "-id"))
    return ReferralFilterSet(data, queryset=queryset, request=request)


def program_import_get(*, user, pk: int) -> ProgramImportJob:
    """A program import in the user's scope (its provider's station), else 404."""
    return get_object_or_404(ProgramImportJob.objects.visible_to(user).select_related("provider", "station"), pk=pk)


def program_imports_recent(*, user, limit: int = 10) -> list[ProgramImportJob]:
    return list(ProgramImportJob.objects.visible_to(user).select_related("provider", "created_by")
                .defer("source", "report", "errors").order_by("-created_at")[:limit])


def program_referrals(*, program: Program, user):
    """The referrals to a program that the user may see (their archives)."""
    return (Referral.objects.visible_to(user).filter(program=program)
            .select_related("archive", "referred_by").order_by("status", "-id"))


def program_waitlist(*, program: Program, user):
    return (WaitlistEntry.objects.visible_to(user).filter(program=program)
            .select_related("archive").order_by("created_at", "id"))


def best_score_subquery():
    return Subquery(StoredRecommendation.objects.filter(archive=OuterRef("pk")).order_by()
                    .values("archive").annotate(best=Max("score")).values("best")[:1])


def programs_suggested(*, archive: JobseekerArchive, limit: int = 5, today: dt.date | None = None) -> list[Program]:
    """Programs in the archive's desired occupations, open or about to be, nearest first when it is located."""
    today = today or timezone.localdate()
    codes = [o.code for o in archive.desired_occupations.all()]
    if not codes:
        return []
    qs = (Program.objects.filter(status__in=[Program.Status.PLANNED, Program.Status.ENROLLING],
                                 end_date__gte=today, occupation__code__in=codes)
          .exclude(referrals__archive=archive).select_related("occupation", "provider"))
    point = (archive.lat, archive.lng) if archive.lat is not None else None
    if point is None and archive.street_id:
        sp = street_point(archive.street)
        point = (sp.lat, sp.lng) if sp else None
    if point is not None:
        qs = qs.annotate(distance_m=_distance(point[0], point[1])).order_by(
            "distance_m", "start_date")
    else:
        qs = qs.order_by("start_date", "id")
    programs = list(qs[:limit])
    for p in programs:
        p.walk_minutes = walking_minutes(p.distance_m) if getattr(p, "distance_m", None) is not None else None
    return programs


def archive_training(*, archive: JobseekerArchive, user) -> dict:
    """An archive's referrals, waitlist entries, certificates and, when its matches are poor, suggestions."""
    best = StoredRecommendation.objects.filter(archive=archive).aggregate(best=Max("score"))["best"]
    poor = archive.is_looking and (best is None or best < SUGGEST_BELOW_SCORE)
    return {
        "referrals": list(Referral.objects.filter(archive=archive).select_related("program").order_by("-id")),
        "waitlist": list(WaitlistEntry.objects.filter(archive=archive).select_related("program").order_by("-id")),
        # the archive's certificates are jobseekers' rows, shown in the archive page's own 证书 card
        "best_score": best, "poor_match": poor,
        "suggested": programs_suggested(archive=archive) if poor else [],
        "refer_programs": Program.objects.filter(
            status__in=[Program.Status.PLANNED, Program.Status.ENROLLING, Program.Status.RUNNING]
        ).order_by("start_date")[:100],
    }


def suggest_training_worklist(*, user, limit: int = 50):
    """建议培训: open archives of people looking for work, with desired occupations, whose best stored
    recommendation is below SUGGEST_BELOW_SCORE (or who have none), and no active referral yet."""
    today = timezone.localdate()
    programs = Program.objects.filter(status__in=[Program.Status.PLANNED, Program.Status.ENROLLING],
                                      end_date__gte=today)
    qs = (JobseekerArchive.objects.visible_to(user).looking()
          .filter(desired_occupations__isnull=False)
          .annotate(best_score=best_score_subquery())
          .filter(Q(best_score__isnull=True) | Q(best_score__lt=SUGGEST_BELOW_SCORE))
          .exclude(training_referrals__status__in=[Referral.Status.REFERRED, *Referral.HOLDS_SEAT])
          .filter(desired_occupations__code__in=programs.values("occupation__code"))
          .distinct().select_related("station").order_by("best_score", "id"))
    archives = list(qs[:limit])
    for a in archives:
        a.suggested = programs_suggested(archive=a, limit=3, today=today)
    return archives


@dataclass
class GapRow:
    code: str
    name: str
    headcount: int
    jobseekers: int
    places: int

    @property
    def gap(self) -> int:
        """Jobs without a jobseeker wanting them (negative: more jobseekers than jobs)."""
        return self.headcount - self.jobseekers

    @property
    def training_gap(self) -> int:
        """Jobseekers wanting an occupation beyond its jobs, minus the training places that could move them."""
        return max(0, self.gap - self.places)


def demand_supply(*, user, district) -> list[GapRow]:
    """Per 细类 occupation in a district: published headcount, jobseekers wanting it, training places."""
    today = timezone.localdate()
    rows: dict[str, dict] = {}

    def cell(code, name):
        return rows.setdefault(code, {"name": name, "headcount": 0, "jobseekers": 0, "places": 0})

    for r in (JobPosting.objects.published().filter(district=district, occupation__isnull=False)
              .values("occupation__code", "occupation__name").annotate(n=Sum("headcount"))):
        cell(r["occupation__code"], r["occupation__name"])["headcount"] = r["n"] or 0
    archives = JobseekerArchive.objects.visible_to(user).looking().filter(station__street__district=district)
    for r in (archives.values("desired_occupations__code", "desired_occupations__name")
              .filter(desired_occupations__isnull=False).annotate(n=Count("id", distinct=True))):
        cell(r["desired_occupations__code"], r["desired_occupations__name"])["jobseekers"] = r["n"]
    for r in (Program.objects.public().filter(end_date__gte=today, station__street__district=district)
              .values("occupation__code", "occupation__name").annotate(n=Sum("capacity"))):
        cell(r["occupation__code"], r["occupation__name"])["places"] = r["n"] or 0
    out = [GapRow(code, **v) for code, v in rows.items()]
    out.sort(key=lambda g: (-g.gap, g.code))
    return out
