"""Home pages per role, About, the audit trail and the health check."""

from __future__ import annotations

import django_filters
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.generic import ListView, TemplateView

from .forms import PortalFilterForm
from .geo import walk_model
from .models import AuditEvent
from .permissions import AdminRequiredMixin
from .plugins import panels
from .scoping import scope_of


def home(request):
    """The home page per role; its figures and worklists are the apps' panels (core/plugins.py)."""
    scope = scope_of(request.user)
    if scope.is_staff_member:
        return render(request, "core/home_staff.html", {
            "summary": panels("staff_summary", request=request),
            "panels": panels("staff", request=request),
        })
    if scope.is_admin:
        return render(request, "core/home_admin.html", {
            "district": request.user.profile.district if scope.is_district else None,
            "figures": panels("admin_figures", request=request),
            "panels": panels("admin", request=request),
        })
    return render(request, "core/home_public.html")


class AboutView(TemplateView):
    template_name = "core/about.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(walk=walk_model(), circle=settings.WALK_CIRCLE_MINUTES, **kwargs)


class AuditEventFilterSet(django_filters.FilterSet):
    actor = django_filters.ModelChoiceFilter(label=_("操作人"), queryset=get_user_model().objects.all())
    content_type = django_filters.ModelChoiceFilter(
        label=_("对象类型"), queryset=ContentType.objects.filter(app_label__in=settings.LOCAL_APPS)
    )
    object_id = django_filters.CharFilter(label=_("对象ID"))
    action = django_filters.CharFilter(label=_("操作"), lookup_expr="icontains")

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
