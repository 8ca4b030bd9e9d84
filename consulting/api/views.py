"""REST API of consulting: scoped read and write viewsets, and the anonymous, throttled public booking."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, BasePermission
from rest_framework.response import Response

from core.scoping import scope_of
from jobseekers.selectors import archive_get

from .. import selectors, services
from ..models import Appointment, ConsultationRecord, Expert, Session, Slot
from ..throttles import BookingAddressThrottle, BookingPhoneThrottle
from .serializers import (
    AppointmentSerializer,
    BookingSerializer,
    ExpertSerializer,
    MarkSerializer,
    PublicBookedSerializer,
    RecordSerializer,
    SessionSerializer,
    SlotSerializer,
    StaffBookingSerializer,
)


class IsInternalOrExpert(BasePermission):
    message = "只有站点工作人员、管理员和创业专家本人可以访问。"

    def has_permission(self, request, view):
        scope = scope_of(request.user)
        return scope.is_internal or scope.is_expert


class AdminWrites(IsInternalOrExpert):
    message = "只有区级或市级管理员可以管理创业指导专家。"

    def has_permission(self, request, view):
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return super().has_permission(request, view)
        return scope_of(request.user).is_admin


class ExpertViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Experts: every internal user reads the active experts (they book them); an expert reads their own.
    District admins add and edit their district's experts (city admins: any), audited; no deleting."""

    permission_classes = [AdminWrites]
    serializer_class = ExpertSerializer
    http_method_names = ["get", "post", "patch", "put", "head", "options"]

    def get_queryset(self):
        if scope_of(self.request.user).is_expert or self.action in ("update", "partial_update"):
            return Expert.objects.visible_to(self.request.user).defer("photo")
        return Expert.objects.active()

    def perform_create(self, serializer):
        serializer.instance = services.expert_save(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.expert_save(actor=self.request.user, expert=serializer.instance,
                                                   **serializer.validated_data)


class SessionViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    permission_classes = [IsInternalOrExpert]
    serializer_class = SessionSerializer

    def get_queryset(self):
        return Session.objects.visible_to(self.request.user).select_related("expert")

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.session_create(actor=self.request.user, **data)
        services.slots_generate(only=serializer.instance)

    @extend_schema(request=None, responses=SessionSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Cancel the rule and its future slots; booked residents are told by SMS."""
        session = self.get_object()
        services.session_cancel(actor=request.user, session=session)
        session.refresh_from_db()
        return Response(SessionSerializer(session).data)


class SlotViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [IsInternalOrExpert]
    serializer_class = SlotSerializer

    def get_queryset(self):
        return Slot.objects.visible_to(self.request.user).select_related("station", "session").order_by("start")

    @extend_schema(request=None, responses=SlotSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Cancel one slot; a resident who booked it is told by SMS."""
        slot = services.slot_cancel(actor=request.user, slot=self.get_object())
        return Response(SlotSerializer(slot).data)


class AppointmentViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Appointments in scope; staff book for an archive (409 when the slot is taken), cancel, mark attendance."""

    permission_classes = [IsInternalOrExpert]
    serializer_class = AppointmentSerializer

    def get_queryset(self):
        return Appointment.objects.visible_to(self.request.user).order_by("start")

    @extend_schema(request=StaffBookingSerializer, responses={201: AppointmentSerializer})
    def create(self, request, *args, **kwargs):
        data = StaffBookingSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        slot = Slot.objects.visible_to(request.user).filter(pk=values.pop("slot")).first()
        if slot is None:
            raise Http404
        archive_id = values.pop("archive", None)
        archive = archive_get(user=request.user, pk=archive_id) if archive_id else None
        appointment = services.appointment_book(actor=request.user, slot=slot, archive=archive, **values)
        return Response(AppointmentSerializer(appointment).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=AppointmentSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        appointment = services.appointment_cancel(actor=request.user, appointment=self.get_object())
        return Response(AppointmentSerializer(appointment).data)

    @extend_schema(request=MarkSerializer, responses=AppointmentSerializer)
    @action(detail=True, methods=["post"])
    def mark(self, request, pk=None):
        data = MarkSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        appointment = services.appointment_mark(actor=request.user, appointment=self.get_object(),
                                                status=data.validated_data["status"])
        return Response(AppointmentSerializer(appointment).data)


class PublicExpertViewSet(viewsets.ReadOnlyModelViewSet):
    """Anonymous: the active experts (`?field=` filters) and each one's free slots."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    serializer_class = ExpertSerializer
    pagination_class = None

    def get_queryset(self):
        return Expert.objects.active()

    def list(self, request, *args, **kwargs):
        experts = selectors.public_experts(field=request.query_params.get("field", "").strip())
        return Response(ExpertSerializer(experts, many=True).data)

    @extend_schema(responses=SlotSerializer(many=True))
    @action(detail=True, methods=["get"])
    def slots(self, request, pk=None):
        return Response(SlotSerializer(selectors.free_slots(self.get_object()), many=True).data)


class PublicBookingViewSet(viewsets.GenericViewSet):
    """Anonymous booking, throttled per address and per phone: 201, 400, 409 (taken, with `offer`), 429."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [BookingAddressThrottle, BookingPhoneThrottle]
    serializer_class = BookingSerializer

    @extend_schema(request=BookingSerializer, responses={201: PublicBookedSerializer})
    def create(self, request):
        data = BookingSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        slot = selectors.public_slot_get(values.pop("slot"))
        if slot is None:
            raise Http404
        appointment = services.appointment_book(actor=None, slot=slot, **values)
        return Response(PublicBookedSerializer(appointment).data, status=status.HTTP_201_CREATED)


class RecordViewSet(viewsets.ReadOnlyModelViewSet):
    """Consultation records in scope (written on the page, which takes the attachment upload)."""

    permission_classes = [IsInternalOrExpert]
    serializer_class = RecordSerializer

    def get_queryset(self):
        return (ConsultationRecord.objects.visible_to(self.request.user)
                .prefetch_related("actions", "attachments").order_by("-created_at"))
