"""Home pages per role, About, the audit trail and the health check."""

from __future__ import annotations

from importlib import import_module

import django_filters
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.generic import ListView, TemplateView

from stations.models import Station

from .forms import PortalFilterForm
from .geo import walk_model
from .models import AuditEvent
from .permissions import AdminRequiredMixin
from .scoping import scope_of


def home_panels(request, kind: str) -> list[dict]:
    """Panels other apps add to a home page: `<app>/panels.py` defines `staff_panels(request)` and/or
    `admin_panels(request)`, each returning [{"template": ..., "context": {...}}, ...]."""
    panels = []
    for app in settings.PORTAL_APPS:
        try:
            module = import_module(f"{app}.panels")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app}.panels":
                raise
            continue
        builder = getattr(module, f"{kind}_panels", None)
        if builder is not None:
            panels.extend(builder(request))
    return panels


def home(request):
    scope = scope_of(request.user)
    if scope.is_staff_member:
        stations = Station.objects.visible_to(request.user).select_related("street__district")
        return render(request, "core/home_staff.html",
                      {"stations": stations, "panels": home_panels(request, "staff")})
    if scope.is_admin:
        stations = Station.objects.visible_to(request.user)
        context = {
            "station_count": stations.count(),
            "operating_count": stations.operating().count(),
            "district": getattr(request.user.profile, "district", None) if scope.is_district else None,
            "panels": home_panels(request, "admin"),
        }
        return render(request, "core/home_admin.html", context)
    return render(request, "core/home_public.html")


class AboutView(TemplateView):
    template_name = "core/about.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(walk=walk_model(), circle=settings.WALK_CIRCLE_MINUTES, **kwargs)


class AuditEventFilterSet(django_filters.FilterSet):
    actor = django_filters.ModelChoiceFilter(label="操作人", queryset=get_user_model().objects.all())
    content_type = django_filters.ModelChoiceFilter(
        label="对象类型", queryset=ContentType.objects.filter(app_label__in=settings.PORTAL_APPS)
    )
    object_id = django_filters.CharFilter(label="对象ID")
    action = django_filters.CharFilter(label="操作", lookup_expr="icontains")

    class Meta:
        form = PortalFilterForm
        model = AuditEvent
        fields = ["actor", "content_type", "object_id", "action"]


class AuditEventListView(AdminRequiredMixin, ListView):
    template_name = "core/auditevent_list.html"
    paginate_by = 50

    def get_queryset(self):
        qs = AuditEvent.objects.visible_to(self.request.user).select_related("content_type")
        self.filterset = AuditEventFilterSet(self.request.GET, queryset=qs)
        return self.filterset.qs if self.filterset.is_valid() else qs.none()

    def get_context_data(self, **kwargs):
        return super().get_context_data(filter=self.filterset, **kwargs)


def healthz(request):
    """200 with the state of the database and Redis, 503 when either is down."""
    state = {}
    try:
        with connection.cursor() as cur:
            cur.execute("SELECT 1")
            cur.fetchone()
        state["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - health check reports any failure
        state["database"] = f"error: {exc.__class__.__name__}"
    try:
        import redis

        client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
        client.ping()
        state["redis"] = "ok"
    except Exception as exc:  # noqa: BLE001
        state["redis"] = f"error: {exc.__class__.__name__}"
    ok = all(v == "ok" for v in state.values())
    state["status"] = "ok" if ok else "unavailable"
    return JsonResponse(state, status=200 if ok else 503)
