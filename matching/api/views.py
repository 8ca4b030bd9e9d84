"""API of matching: recommendations, candidates, pushes and their outcomes (scoped like the pages)."""

from django.shortcuts import get_object_or_404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.permissions import IsAdminUserRole, IsInternalUser
from jobs.models import JobPosting
from jobseekers.models import JobseekerArchive

from .. import selectors, services
from ..filtersets import PushRecordFilterSet, SmsOutboxFilterSet
from ..models import BatchRun, GuidanceSession, InsuranceHelp, PushRecord, SmsOutbox
from .serializers import (
    BatchRunSerializer,
    CandidateListSerializer,
    CandidateSerializer,
    FunnelSerializer,
    GuidanceSessionSerializer,
    InsuranceHelpSerializer,
    OutcomeSerializer,
    PushCreateSerializer,
    PushRecordSerializer,
    RecommendationListSerializer,
    RecommendationSerializer,
    SmsOutboxSerializer,
)


class ArchiveRecommendationsAPIView(APIView):
    """GET /api/archives/<pk>/recommendations/: top 20 published postings with score and explanation."""

    permission_classes = [IsInternalUser]
    serializer_class = RecommendationSerializer

    @extend_schema(responses=RecommendationListSerializer)
    def get(self, request, pk):
        archive = get_object_or_404(JobseekerArchive.objects.visible_to(request.user), pk=pk)
        recs = selectors.archive_recommendations(archive=archive)
        return Response({"archive": archive.pk, "results": RecommendationSerializer(recs, many=True).data})


class PostingCandidatesAPIView(APIView):
    """GET /api/postings/<pk>/candidates/: ranked active archives the user may see."""

    permission_classes = [IsInternalUser]
    serializer_class = CandidateSerializer

    @extend_schema(responses=CandidateListSerializer)
    def get(self, request, pk):
        posting = get_object_or_404(JobPosting.objects.visible_to(request.user).select_related("occupation"), pk=pk)
        cands = selectors.posting_candidates(posting=posting, user=request.user)
        return Response({"posting": posting.pk, "results": CandidateSerializer(cands, many=True).data})


class PushRecordViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                        viewsets.GenericViewSet):
    """岗位推送: list (filterable), push one or several postings, record an outcome."""

    permission_classes = [IsInternalUser]
    serializer_class = PushRecordSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = PushRecordFilterSet

    def get_queryset(self):
        return (PushRecord.objects.visible_to(self.request.user).select_related("posting")
                .order_by("-pushed_at", "-id"))

    def get_serializer_class(self):
        if self.action == "create":
            return PushCreateSerializer
        if self.action == "outcome":
            return OutcomeSerializer
        return PushRecordSerializer

    # a plain array (one push per posting), not a page: raw schema, as a many=True serializer would be paginated
    @extend_schema(request=PushCreateSerializer,
                   responses={201: {"type": "array", "items": {"$ref": "#/components/schemas/PushRecord"}}})
    def create(self, request, *args, **kwargs):
        ser = PushCreateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        archive = get_object_or_404(JobseekerArchive.objects.visible_to(request.user), pk=ser.validated_data["archive"])
        pushes = services.push_create(actor=request.user, archive=archive, postings=ser.validated_data["postings"],
                                      channel=ser.validated_data["channel"], note=ser.validated_data["note"])
        return Response(PushRecordSerializer(pushes, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=OutcomeSerializer, responses=PushRecordSerializer)
    @action(detail=True, methods=["post"])
    def outcome(self, request, pk=None):
        push = self.get_object()
        ser = OutcomeSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        push = services.push_record_outcome(actor=request.user, push=push, **ser.validated_data)
        return Response(PushRecordSerializer(push).data)


class FunnelAPIView(APIView):
    """GET /api/pushes/funnel/: pushes → interested → interviewed → hired, with rows per station (district
    admins, staff of several stations) or per district (city admins). Filters as on /api/pushes/; without
    a date the last 90 days."""

    permission_classes = [IsInternalUser]

    @extend_schema(
        responses=FunnelSerializer,
        parameters=[
            OpenApiParameter("pushed_after", OpenApiTypes.DATE), OpenApiParameter("pushed_before", OpenApiTypes.DATE),
            OpenApiParameter("channel", OpenApiTypes.STR, enum=PushRecord.Channel.values),
            OpenApiParameter("station", OpenApiTypes.INT), OpenApiParameter("district", OpenApiTypes.INT),
        ],
    )
    def get(self, request):
        funnel = selectors.push_funnel_for(user=request.user, data=request.query_params)
        if funnel["filter"].errors:
            raise ValidationError(funnel["filter"].errors)
        return Response(FunnelSerializer(funnel).data)


class SmsOutboxViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """短信发件箱: the same scope and filter as the outbox page; `retry` queues a failed SMS again."""

    permission_classes = [IsInternalUser]
    serializer_class = SmsOutboxSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = SmsOutboxFilterSet

    def get_queryset(self):
        return SmsOutbox.objects.visible_to(self.request.user).order_by("-created_at", "-id")

    @extend_schema(request=None, responses=SmsOutboxSerializer)
    @action(detail=True, methods=["post"])
    def retry(self, request, pk=None):
        return Response(SmsOutboxSerializer(services.sms_retry(actor=request.user, outbox=self.get_object())).data)


class BatchRunViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Nightly matching batch runs with their progress (district and city admins, as the page)."""

    permission_classes = [IsAdminUserRole]
    serializer_class = BatchRunSerializer
    queryset = BatchRun.objects.order_by("-started_at", "-id")


class ArchiveGuidanceAPIView(APIView):
    """GET/POST /api/archives/<pk>/guidance/: the archive's career-guidance sessions (职业指导), newest first."""

    permission_classes = [IsInternalUser]
    serializer_class = GuidanceSessionSerializer

    @extend_schema(responses=GuidanceSessionSerializer(many=True))
    def get(self, request, pk):
        archive = get_object_or_404(JobseekerArchive.objects.visible_to(request.user), pk=pk)
        rows = GuidanceSession.objects.filter(archive=archive).order_by("-held_on", "-id")
        return Response(GuidanceSessionSerializer(rows, many=True).data)

    @extend_schema(request=GuidanceSessionSerializer, responses={201: GuidanceSessionSerializer})
    def post(self, request, pk):
        archive = get_object_or_404(JobseekerArchive.objects.visible_to(request.user), pk=pk)
        ser = GuidanceSessionSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        session = services.guidance_create(actor=request.user, archive=archive, **ser.validated_data)
        return Response(GuidanceSessionSerializer(session).data, status=status.HTTP_201_CREATED)


class ArchiveInsuranceAPIView(APIView):
    """GET/PUT /api/archives/<pk>/insurance/: the employment-insurance registration help (就业参保登记).
    Without a record yet GET answers the empty one with `version` 0; PUT with a stale `version` is a 409."""

    permission_classes = [IsInternalUser]
    serializer_class = InsuranceHelpSerializer

    @extend_schema(responses=InsuranceHelpSerializer)
    def get(self, request, pk):
        archive = get_object_or_404(JobseekerArchive.objects.visible_to(request.user), pk=pk)
        help_ = InsuranceHelp.objects.filter(archive=archive).first() or InsuranceHelp(archive=archive, version=0)
        return Response(InsuranceHelpSerializer(help_).data)

    @extend_schema(request=InsuranceHelpSerializer, responses=InsuranceHelpSerializer)
    def put(self, request, pk):
        archive = get_object_or_404(JobseekerArchive.objects.visible_to(request.user), pk=pk)
        ser = InsuranceHelpSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        data = dict(ser.validated_data)
        help_ = services.insurance_update(actor=request.user, archive=archive, expected_version=data.pop("version"),
                                          **data)
        return Response(InsuranceHelpSerializer(help_).data)
