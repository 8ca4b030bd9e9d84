"""Scoped staff endpoints (/api/training-providers/, -programs/, -referrals/, -certificates/) and the public
catalog (/api/training-catalog/, anonymous and throttled)."""

from __future__ import annotations

from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle

from core.api.permissions import IsInternalUser
from jobseekers.models import Certificate, JobseekerArchive

from .. import selectors, services
from ..filtersets import ReferralFilterSet
from ..forms import CatalogForm
from ..models import Program, Provider, Referral
from .serializers import (
    CertificateSerializer,
    CertifySerializer,
    DropSerializer,
    ProgramSerializer,
    ProviderSerializer,
    PublicCatalogPageSerializer,
    PublicProgramDetailSerializer,
    PublicProgramSerializer,
    ReferralSerializer,
)


class StationOwnedWrites:
    """Create and update through the app's services: the managing station is chosen once, at creation."""

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        station = data.pop("station")
        serializer.instance = type(self).create_service(actor=self.request.user, station=station, **data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("station", None)
        serializer.instance = type(self).update_service(actor=self.request.user,
                                                        **{self.instance_arg: serializer.instance}, **data)


class ProviderViewSet(StationOwnedWrites, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                      mixins.UpdateModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsInternalUser]
    serializer_class = ProviderSerializer

    def get_queryset(self):
        return Provider.objects.visible_to(self.request.user).select_related("station").order_by("name", "id")

    create_service, update_service, instance_arg = services.provider_create, services.provider_update, "provider"


class ProgramViewSet(StationOwnedWrites, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                     mixins.UpdateModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsInternalUser]
    serializer_class = ProgramSerializer

    def get_queryset(self):
        return Program.objects.visible_to(self.request.user).order_by("-start_date", "-id")

    create_service, update_service, instance_arg = services.program_create, services.program_update, "program"

    @extend_schema(request=None, responses=ProgramSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """取消: waitlist closed, active referrals dropped, one SMS per person; a second cancel is a 400."""
        program = self.get_object()
        services.program_cancel(actor=request.user, program=program)
        program.refresh_from_db()
        return Response(ProgramSerializer(program).data)


class ReferralViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                      viewsets.GenericViewSet):
    """Referrals of the caller's archives; create refers an archive, the actions move it on."""

    permission_classes = [IsInternalUser]
    serializer_class = ReferralSerializer
    filterset_class = ReferralFilterSet  # the referral list page's filters

    def get_queryset(self):
        return Referral.objects.visible_to(self.request.user).select_related("program").order_by("-id")

    def perform_create(self, serializer):
        data = serializer.validated_data
        archive = JobseekerArchive.objects.visible_to(self.request.user).filter(pk=data["archive"].pk).first()
        if archive is None:
            raise serializers.ValidationError({"archive": ["档案不存在或不在您的管理范围内。"]})
        serializer.instance = services.referral_create(actor=self.request.user, archive=archive,
                                                       program=data["program"], note=data.get("note", ""))

    def _move(self, fn, **extra):
        referral = fn(actor=self.request.user, referral=self.get_object(), **extra)
        if isinstance(referral, Certificate):
            referral = referral.training_referral
        return Response(ReferralSerializer(referral).data)

    @extend_schema(request=None, responses=ReferralSerializer)
    @action(detail=True, methods=["post"])
    def enrol(self, request, pk=None):
        return self._move(services.referral_enrol)

    @extend_schema(request=None, responses=ReferralSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        return self._move(services.referral_complete)

    @extend_schema(request=CertifySerializer, responses=ReferralSerializer)
    @action(detail=True, methods=["post"])
    def certify(self, request, pk=None):
        body = CertifySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._move(services.referral_certify, **body.validated_data)

    @extend_schema(request=DropSerializer, responses=ReferralSerializer)
    @action(detail=True, methods=["post"])
    def drop(self, request, pk=None):
        body = DropSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._move(services.referral_drop, reason=body.validated_data["reason"])


class CertificateViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsInternalUser]
    serializer_class = CertificateSerializer

    def get_queryset(self):
        qs = Certificate.objects.visible_to(self.request.user).select_related("training_referral").order_by("-id")
        archive = self.request.query_params.get("archive")
        return qs.filter(archive_id=archive) if archive and archive.isdigit() else qs


CATALOG_PARAMS = [OpenApiParameter(name, str, required=False, description=text) for name, text in (
    ("q", "关键词"), ("occupation", "职业代码（前缀）"), ("district", "区 ID"), ("street", "街镇 ID"),
    ("near_street", "我在（街镇 ID）"), ("within", "步行分钟数：15 或 30"), ("soon", "true：30天内开班"),
    ("sort", "soon 或 distance"))]


class PublicCatalogViewSet(viewsets.GenericViewSet):
    """The public training catalog: no login, throttled per address."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [AnonRateThrottle]
    queryset = Program.objects.none()
    serializer_class = PublicProgramSerializer
    pagination_class = None
    filter_backends: list = []

    @extend_schema(parameters=CATALOG_PARAMS, responses=PublicCatalogPageSerializer)
    def list(self, request):
        form = CatalogForm(request.query_params)
        if not form.is_valid():
            raise serializers.ValidationError({k: list(v) for k, v in form.errors.items()})
        page = selectors.catalog_search(data=form.cleaned_data)
        return Response({"count": page.total, "count_capped": page.capped, "results": PublicProgramSerializer(page.programs, many=True).data})

    @extend_schema(responses=PublicProgramDetailSerializer)
    def retrieve(self, request, pk=None):
        program = selectors.program_public_get(int(pk)) if str(pk).isdigit() else None
        if program is None:
            raise Http404
        program.designated = program.provider.designated_on(timezone.localdate())
        program.verification = selectors.verification_text(program)
        return Response(PublicProgramDetailSerializer(program).data)
