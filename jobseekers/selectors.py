"""Reads: scoped archive lists, the worklist, the occupation search."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.shortcuts import get_object_or_404

from core.models import AuditEvent, Occupation

from . import events
from .filtersets import ArchiveFilterSet
from .models import Certificate, FollowUpTask, ImportJob, JobseekerArchive, StatusEntry


def archive_queryset(*, user):
    return (JobseekerArchive.objects.visible_to(user)
            .select_related("station", "street", "grid", "helper__profile"))


def archive_list(*, user, data, request=None) -> ArchiveFilterSet:
    """The filtered, scoped archive list (a FilterSet: `.qs`, `.form`)."""
    return ArchiveFilterSet(data, queryset=archive_queryset(user=user), request=request)


def status_entry_effect(*, archive: JobseekerArchive, entry: StatusEntry) -> tuple[bool, str]:
    """(whether `entry` is now the current status, a sentence saying so or why not). The current status is
    the entry with the latest effective date (the later recording wins a tie), so a back-dated entry older
    than the current one goes into the history without changing the header."""
    current = archive.status_entries.order_by("-effective_date", "-id").first()
    if current is None or current.pk == entry.pk:
        return True, f"就业状态已记录，当前就业状态为“{entry.get_status_display()}”。"
    return False, (f"已记录 {entry.effective_date:%Y-%m-%d} 起的“{entry.get_status_display()}”，但当前就业状态仍为"
                   f"“{current.get_status_display()}”：当前状态以生效日期最晚的记录为准，已有 "
                   f"{current.effective_date:%Y-%m-%d} 起的“{current.get_status_display()}”。")


def archive_get(*, user, pk: int) -> JobseekerArchive:
    return get_object_or_404(archive_queryset(user=user).select_related("station__street", "area")
                             .prefetch_related("desired_occupations"), pk=pk)


def certificate_list(*, archive: JobseekerArchive) -> list[Certificate]:
    """An archive's certificates in entry order, each with `occupation_name` (its code's 细类, or "")."""
    rows = list(archive.certificates.all())
    codes = {c.occupation_code for c in rows if c.occupation_code}
    names = dict(Occupation.objects.filter(code__in=codes).values_list("code", "name")) if codes else {}
    for c in rows:
        c.occupation_name = names.get(c.occupation_code, "")
    return rows


def certificate_get(*, user, archive_pk: int, pk: int) -> Certificate:
    """One certificate of an archive the user can see (404 otherwise: another station's, or not this archive's)."""
    return get_object_or_404(Certificate.objects.visible_to(user).select_related("archive"), archive_id=archive_pk,
                             pk=pk)


def worklist_for(*, user, today: dt.date):
    """Open follow-up tasks of the user's scope; the oldest (most overdue) first."""
    return (FollowUpTask.objects.visible_to(user).open()
            .select_related("archive__station", "archive__helper", "archive__grid")
            .order_by("due_date", "id"))


def import_job_get(*, user, pk: int) -> ImportJob:
    return get_object_or_404(ImportJob.objects.visible_to(user).filter(kind=ImportJob.Kind.ARCHIVES)
                             .select_related("station"), pk=pk)


def import_jobs_recent(*, user, limit: int = 10):
    return list(ImportJob.objects.visible_to(user).filter(kind=ImportJob.Kind.ARCHIVES)
                .select_related("station", "created_by").defer("source", "errors")
                .order_by("-created_at")[:limit])


def occupation_search(*, q: str, limit: int = 20) -> list[dict]:
    """细类 occupations whose name contains `q` or whose code starts with it."""
    q = (q or "").strip()
    if not q:
        return []
    rows = (Occupation.objects.filter(level=Occupation.Level.OCCUPATION)
            .filter(Q(name__icontains=q) | Q(code__startswith=q))
            .select_related("parent__parent__parent").order_by("code")[:limit])
    return [{"id": o.pk, "code": o.code, "name": o.name,
             "path": " › ".join(p.name for p in (o.parent.parent.parent, o.parent.parent, o.parent) if p)}
            for o in rows]


def full_export_volume(*, user, since: dt.datetime, threshold: int) -> list[dict]:
    """Who exported more than `threshold` rows with full ID numbers since `since`, from the audit trail the
    user may read (district admins: their district's events), largest first."""
    totals: dict[str, dict] = {}
    rows = (AuditEvent.objects.visible_to(user)
            .filter(action=events.JOBSEEKER_EXPORT_FULL, created_at__gte=since)
            .values_list("actor_name", "changes"))
    for actor_name, changes in rows:
        entry = totals.setdefault(actor_name, {"actor": actor_name, "rows": 0, "exports": 0})
        entry["rows"] += int((changes or {}).get("rows", 0))
        entry["exports"] += 1
    return sorted((e for e in totals.values() if e["rows"] > threshold), key=lambda e: -e["rows"])
