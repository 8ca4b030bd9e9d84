"""Panels: "可享政策" on the archive page (registered in apps.py), the worklist count on the staff home
page, the engine's last run on the admins' home page."""

from __future__ import annotations

from django.utils import timezone

from core.scoping import scope_of

from . import engine, selectors
from .models import Case, EngineRun


def archive_main_panels(*, request, archive) -> list[dict]:
    """The archive page's "可享政策" panel (core.plugins `archive_main` kind)."""
    panel = archive_panel(request, archive)
    return [panel] if panel else []


def archive_panel(request, archive):
    """Each policy the person qualifies for, and each one missed by exactly one condition, explained."""
    if not scope_of(request.user).is_internal:
        return None
    _facts, results = engine.evaluate_archive(archive.pk, ref=timezone.localdate())
    open_cases = {c.policy_id: c for c in Case.objects.filter(archive=archive, is_open=True)}
    qualifies = [(p, r, open_cases.get(p.pk)) for p, r in results if r.ok]
    near = [(p, r) for p, r in results if r.near_miss]
    return {"template": "assistance/_archive_panel.html", "context": {
        "archive": archive, "qualifies": qualifies, "near": near,
        "can_draft": scope_of(request.user).is_staff_member,
    }}


def staff_panels(request):
    return [{"template": "assistance/_panel_staff.html",
             "context": {"unclaimed": selectors.worklist_count(user=request.user)}}]


def admin_panels(request):
    return [{"template": "assistance/_panel_admin.html", "context": {
        "run": EngineRun.objects.order_by("-started_at").first(),
        "unclaimed": selectors.worklist_count(user=request.user),
        "to_review": Case.objects.visible_to(request.user).filter(
            state__in=[Case.State.SUBMITTED, Case.State.UNDER_REVIEW]).count(),
    }}]
