"""API: /api/jobseekers/ with nested status entries and visits; same scoping, filters and services as the pages."""

from django.http import QueryDict
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from core.api.exceptions import Conflict
from core.api.permissions import IsInternalUser

from .. import services
from ..filtersets import ArchiveFilterSet, FollowUpTaskFilterSet, search_by_hash
from ..models import Certificate, FollowUpTask, ImportJob, JobseekerArchive
from ..selectors import status_entry_effect
from .serializers import (
    ArchiveCertificateSerializer,
    ArchiveSerializer,
    FollowUpTaskSerializer,
    ImportJobSerializer,
    StatusEntryCreatedSerializer,
    StatusEntrySerializer,
    VisitSerializer,
)

ID_IN_URL_MESSAGE = gettext_lazy("完整身份证号不能放在网址中（会进入访问日志和浏览器历史）；"
                                 "请用 POST /api/jobseekers/search/ 在请求体中提交。")


class ArchiveSearchSerializer(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, help_text="姓名、身份证号后几位或完整身份证号")
    key_group = serializers.CharField(required=False, allow_blank=True)
    status = serializers.CharField(required=False, allow_blank=True)
    station = serializers.IntegerField(required=False, allow_null=True)
    street = serializers.IntegerField(required=False, allow_null=True)
    grid = serializers.IntegerField(required=False, allow_null=True)
    helper = serializers.IntegerField(required=False, allow_null=True)
    overdue = serializers.BooleanField(required=False, allow_null=True, default=None)
    is_open = serializers.BooleanField(required=False, allow_null=True, default=None)


class ArchiveViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                     mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """求职者档案. ID numbers and phones are accepted in clear and returned masked."""

    serializer_class = ArchiveSerializer
    permission_classes = [IsInternalUser]
    filterset_class = ArchiveFilterSet
    queryset = JobseekerArchive.objects.none()

    def get_queryset(self):
        return (JobseekerArchive.objects.visible_to(self.request.user).select_related("station")
                .prefetch_related("desired_occupations", "certificates").order_by("-updated_at", "-id"))

    def list(self, request, *args, **kwargs):
        if search_by_hash(request.query_params) is not None:
            raise serializers.ValidationError({"q": [ID_IN_URL_MESSAGE]})
        return super().list(request, *args, **kwargs)

    @extend_schema(request=ArchiveSearchSerializer, responses=ArchiveSerializer(many=True))
    @action(detail=False, methods=["post"])
    def search(self, request):
        """The list's filters in the body (a full ID number in `q` stays out of URLs and access logs)."""
        body = ArchiveSearchSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = QueryDict(mutable=True)
        data.update({k: v for k, v in body.validated_data.items() if v not in ("", None)})
        data = search_by_hash(data) or data
        filterset = ArchiveFilterSet(data, queryset=self.get_queryset(), request=request)
        if not filterset.is_valid():
            raise serializers.ValidationError(filterset.errors)
        page = self.paginate_queryset(filterset.qs)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("version", None)
        serializer.instance = services.archive_create(
            actor=self.request.user, station=data.pop("station"), id_number=data.pop("id_number"),
            phone=data.pop("phone", ""), desired_occupations=data.pop("desired_occupations", []),
            initial_status=data.pop("initial_status"), **data)

    def update(self, request, *args, **kwargs):
        archive = self.get_object()
        serializer = self.get_serializer(archive, data=request.data, partial=kwargs.pop("partial", False))
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        for key in ("initial_status", "station", "id_number"):
            data.pop(key, None)
        try:
            updated = services.archive_update(
                actor=request.user, archive=archive, expected_version=data.pop("version"),
                phone=data.pop("phone", None), desired_occupations=data.pop("desired_occupations", None), **data)
        except services.StaleVersionError as exc:
            raise Conflict(exc.messages[0]) from None
        return Response(self.get_serializer(updated).data)

    @extend_schema(methods=["GET"], responses=StatusEntrySerializer(many=True))
    @extend_schema(methods=["POST"], request=StatusEntrySerializer, responses={201: StatusEntryCreatedSerializer})
    @action(detail=True, methods=["get", "post"], url_path="status-entries", pagination_class=None)
    def status_entries(self, request, pk=None):
        archive = self.get_object()
        if request.method == "POST":
            serializer = StatusEntrySerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            entry = services.status_add(actor=request.user, archive=archive, **serializer.validated_data)
            became_current, message = status_entry_effect(archive=archive, entry=entry)
            archive.refresh_from_db(fields=["current_status"])
            return Response({**StatusEntrySerializer(entry).data, "became_current": became_current,
                             "archive_current_status": archive.current_status, "message": message},
                            status=status.HTTP_201_CREATED)
        return Response(StatusEntrySerializer(archive.status_entries.all(), many=True).data)

    @extend_schema(methods=["GET"], responses=VisitSerializer(many=True))
    @extend_schema(methods=["POST"], request=VisitSerializer, responses={201: VisitSerializer})
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def visits(self, request, pk=None):
        archive = self.get_object()
        if request.method == "POST":
            serializer = VisitSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            visit = services.visit_create(actor=request.user, archive=archive, **serializer.validated_data)
            return Response(VisitSerializer(visit).data, status=status.HTTP_201_CREATED)
        return Response(VisitSerializer(archive.visits.all(), many=True).data)

    @extend_schema(methods=["GET"], responses=ArchiveCertificateSerializer(many=True))
    @extend_schema(methods=["POST"], request=ArchiveCertificateSerializer, responses={201: ArchiveCertificateSerializer})
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def certificates(self, request, pk=None):
        archive = self.get_object()
        if request.method == "POST":
            serializer = ArchiveCertificateSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            certificate = services.certificate_create(actor=request.user, archive=archive, **serializer.validated_data)
            return Response(ArchiveCertificateSerializer(certificate).data, status=status.HTTP_201_CREATED)
        return Response(ArchiveCertificateSerializer(archive.certificates.all(), many=True).data)

    @extend_schema(methods=["PATCH"], request=ArchiveCertificateSerializer, responses=ArchiveCertificateSerializer)
    @extend_schema(methods=["DELETE"], request=None, responses={204: None})
    @action(detail=True, methods=["patch", "delete"], url_path=r"certificates/(?P<certificate_id>\d+)",
            pagination_class=None)
    def certificate(self, request, pk=None, certificate_id=None):
        archive = self.get_object()
        certificate = Certificate.objects.filter(archive=archive, pk=certificate_id).first()
        if certificate is None:
            raise NotFound()
        if request.method == "DELETE":
            services.certificate_delete(actor=request.user, certificate=certificate)
            return Response(status=status.HTTP_204_NO_CONTENT)
        serializer = ArchiveCertificateSerializer(certificate, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        updated = services.certificate_update(actor=request.user, certificate=certificate, **serializer.validated_data)
        return Response(ArchiveCertificateSerializer(updated).data)


class FollowUpTaskViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """回访任务: the worklist (open tasks, oldest due first) of the user's scope; `status` shows done/cancelled."""

    serializer_class = FollowUpTaskSerializer
    permission_classes = [IsInternalUser]
    filterset_class = FollowUpTaskFilterSet
    queryset = FollowUpTask.objects.none()

    def get_queryset(self):
        return (FollowUpTask.objects.visible_to(self.request.user).select_related("archive")
                .order_by("due_date", "id"))


class ImportJobViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """档案导入批次 of the user's scope (as the import pages); `retry` queues a failed import again."""

    serializer_class = ImportJobSerializer
    permission_classes = [IsInternalUser]
    queryset = ImportJob.objects.none()

    def get_queryset(self):
        return (ImportJob.objects.visible_to(self.request.user).filter(kind=ImportJob.Kind.ARCHIVES)
                .defer("source", "report").order_by("-created_at", "-id"))

    @extend_schema(request=None, responses=ImportJobSerializer)
    @action(detail=True, methods=["post"])
    def retry(self, request, pk=None):
        return Response(ImportJobSerializer(services.import_retry(actor=request.user, job=self.get_object())).data)
