"""Reads of assistance: policies, entitlements (the 应享尽享 worklist), cases, helpers' caseloads."""

from __future__ import annotations

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404

from core.choices import KeyGroup
from jobseekers.models import FollowUpTask, JobseekerArchive

from .models import Case, Entitlement, Policy


def policy_list(*, user, public: bool = False):
    qs = Policy.objects.select_related("current_version").order_by("code")
    return qs.public() if public else qs


def policy_get(*, pk: int) -> Policy:
    return get_object_or_404(Policy.objects.select_related("current_version"), pk=pk)


def worklist(*, user, policy: int | None = None, key_group: str | None = None, station: int | None = None,
             helper: int | None = None, street: int | None = None, district: int | None = None):
    """Unclaimed entitlements in the user's scope, the longest waiting first."""
    # closed archives' rows are lapsed by the engine (at once and nightly): no join on archives to filter them
    qs = (Entitlement.objects.visible_to(user).filter(state=Entitlement.State.ELIGIBLE)
          .select_related("archive__station", "archive__helper", "policy")
          .only("id", "first_eligible_on", "state", "archive_id", "policy_id", "station_id",
                "archive__id", "archive__name", "archive__id_number_encrypted", "archive__phone_encrypted",
                "archive__key_groups", "archive__station_id", "archive__helper_id", "archive__station__name",
                "archive__helper__username", "policy__name", "policy__verification_status")
          .order_by("first_eligible_on", "id"))
    if policy:
        qs = qs.filter(policy_id=policy)
    if key_group:
        qs = qs.filter(archive__key_groups__contains=[key_group])
    if station:
        qs = qs.filter(station_id=station)
    if helper:
        qs = qs.filter(archive__helper_id=helper)
    if street:
        qs = qs.filter(station__street_id=street)
    if district:
        qs = qs.filter(station__street__district_id=district)
    return qs


def worklist_count(*, user) -> int:
    return Entitlement.objects.visible_to(user).filter(state=Entitlement.State.ELIGIBLE).count()


def case_queryset(*, user):
    return (Case.objects.visible_to(user)
            .select_related("archive__station", "policy", "submitted_by", "decided_by", "version"))


def archives_with_open_case(*, archive_ids, kind: str) -> set[int]:
    """Which of these archives already have an open case of `kind` (at most one per archive × policy)."""
    return set(Case.objects.filter(archive_id__in=[a for a in archive_ids if a], kind=kind, is_open=True)
               .values_list("archive_id", flat=True))


def case_get(*, user, pk: int) -> Case:
    return get_object_or_404(case_queryset(user=user).prefetch_related("transitions__actor", "documents"), pk=pk)


def unassigned_key_group(*, user):
    """Open key-group archives without a helper (every one needs one)."""
    return (JobseekerArchive.objects.visible_to(user).active().exclude(key_groups=[]).filter(helper__isnull=True)
            .select_related("station").order_by("station__name", "created_at"))


def caseload(*, user, helper, today):
    """A helper's archives with their open cases, unclaimed entitlements and overdue follow-ups."""
    archives = (JobseekerArchive.objects.visible_to(user).active().filter(helper=helper)
                .select_related("station")
                .annotate(open_cases=Count("assistance_cases", filter=Q(assistance_cases__is_open=True), distinct=True),
                          unclaimed=Count("entitlements", filter=Q(entitlements__state=Entitlement.State.ELIGIBLE),
                                          distinct=True),
                          overdue=Count("followups", filter=Q(followups__status=FollowUpTask.Status.OPEN,
                                                              followups__due_date__lt=today), distinct=True))
                .order_by("-overdue", "-unclaimed", "name"))
    return archives


KEY_GROUP_CHOICES = KeyGroup.choices
