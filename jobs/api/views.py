"""Public read-only job search (/api/jobs/) and scoped staff endpoints (/api/employers/, /api/postings/)."""

from __future__ import annotations

from django.http import Http404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from core.api.permissions import IsInternalUser

from .. import services
from ..filtersets import EmployerFilterSet, PostingFilterSet
from ..models import Employer, JobPosting, Lead
from ..selectors import posting_search
from .serializers import (
    EmployerSerializer,
    LeadSerializer,
    PostingSerializer,
    PublicJobDetailSerializer,
    PublicJobPageSerializer,
    PublicJobSerializer,
    ReasonSerializer,
)

DETAIL_FIELDS = ("id", "title", "employer__name", "description", "requirements", "salary_min", "salary_max",
                 "salary_unit", "hours_type", "headcount", "address", "lat", "lng", "benefits", "is_public_service",
                 "friendly_to", "published_at", "expires_on")


def public_row(row: dict) -> dict:
    """The PublicJobSerializer shape, built directly (a DRF serializer per row costs more than the query)."""
    data = {"id": row["id"], "title": row["title"], "employer": row["employer__name"], "salary_min": row["salary_min"],
            "salary_max": row["salary_max"], "salary_unit": row["unit_label"], "hours_type": row["hours_label"],
            "district": row["district__name"], "street": row["street__name"],
            "is_public_service": row["is_public_service"], "friendly_to": row["friendly_labels"],
            "headcount": row["headcount"], "published_at": row["published_at"].isoformat().replace("+00:00", "Z"),
            "summary": row["summary"]}
    if "distance_m" in row:  # None for a posting without coordinates
        data["distance_m"] = round(row["distance_m"], 1) if row["distance_m"] is not None else None
        data["walk_minutes"] = row.get("walk_minutes")
    return data


class PublicJobViewSet(viewsets.GenericViewSet):
    """Published postings only: keyword (any Chinese substring), filters, near me, keyset paging via `cursor`."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    queryset = JobPosting.objects.none()
    filter_backends = [DjangoFilterBackend]
    filterset_class = PostingFilterSet
    serializer_class = PublicJobSerializer
    pagination_class = None

    @extend_schema(responses=PublicJobPageSerializer)
    def list(self, request):
        page = posting_search(data=request.query_params)
        if page.errors:
            raise serializers.ValidationError({name: list(messages) for name, messages in page.errors.items()})
        next_url = None
        if page.next_cursor:
            params = request.query_params.copy()
            params["cursor"] = page.next_cursor
            next_url = request.build_absolute_uri(f"{request.path}?{params.urlencode()}")
        return Response({
            "count": page.count, "count_capped": page.count_capped, "count_estimated": page.count_estimated, "page": page.page, "sort": page.sort,
            "next": next_url, "query_truncated": page.truncated,
            "results": [public_row(row) for row in page.rows],
        })

    @extend_schema(responses=PublicJobDetailSerializer)
    def retrieve(self, request, pk=None):
        try:
            row = JobPosting.objects.published().filter(pk=int(pk)).values(*DETAIL_FIELDS).first()
        except ValueError:
            row = None
        if row is None:
            raise Http404
        return Response(PublicJobDetailSerializer(row).data)


class EmployerViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                      mixins.UpdateModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsInternalUser]
    serializer_class = EmployerSerializer
    filterset_class = EmployerFilterSet

    def get_queryset(self):
        return Employer.objects.visible_to(self.request.user).select_related("station")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("version", None)
        station = data.pop("station")
        serializer.instance = services.employer_create(actor=self.request.user, station=station, **data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("station", None)
        serializer.instance = services.employer_update(actor=self.request.user, employer=serializer.instance,
                                                       expected_version=data.pop("version"), **data)


class PostingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                     mixins.UpdateModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsInternalUser]
    serializer_class = PostingSerializer
    filterset_class = PostingFilterSet

    def get_queryset(self):
        return JobPosting.objects.visible_to(self.request.user).select_related("employer", "station")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("version", None)
        employer = data.pop("employer")
        serializer.instance = services.posting_create(actor=self.request.user, employer=employer, **data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        if "employer" in data and data["employer"].pk != serializer.instance.employer_id:
            raise serializers.ValidationError({"employer": ["岗位的用人单位不能更改。"]})
        data.pop("employer", None)
        serializer.instance = services.posting_update(actor=self.request.user, posting=serializer.instance,
                                                      expected_version=data.pop("version"), **data)

    def _transition(self, request, fn, **extra):
        posting = self.get_object()
        posting = fn(actor=request.user, posting=posting, **extra)
        return Response(PostingSerializer(posting).data)

    @extend_schema(request=None, responses=PostingSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._transition(request, services.posting_submit)

    @extend_schema(request=None, responses=PostingSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        return self._transition(request, services.posting_publish)

    @extend_schema(request=ReasonSerializer, responses=PostingSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        reason = ReasonSerializer(data=request.data)
        reason.is_valid(raise_exception=True)
        return self._transition(request, services.posting_withdraw, reason=reason.validated_data.get("reason", ""))

    @extend_schema(request=None, responses=PostingSerializer)
    @action(detail=True, methods=["post"])
    def fill(self, request, pk=None):
        return self._transition(request, services.posting_fill)

    @extend_schema(request=None, responses=PostingSerializer)
    @action(detail=True, methods=["post"])
    def expire(self, request, pk=None):
        return self._transition(request, services.posting_expire)


class LeadViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsInternalUser]
    serializer_class = LeadSerializer

    def get_queryset(self):
        return Lead.objects.visible_to(self.request.user).select_related("posting")
