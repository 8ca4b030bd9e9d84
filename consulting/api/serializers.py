"""Serializers of the consulting API: read shapes, and the input of the writes (the services validate)."""

from __future__ import annotations

from django.utils import timezone
from rest_framework import serializers

from ..models import Appointment, ConsultationRecord, Expert, FollowUpAction, Session, Slot


class ExpertSerializer(serializers.ModelSerializer):
    class Meta:
        model = Expert
        fields = ["id", "name", "fields", "bio", "affiliation", "district", "is_active"]


class SessionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Session
        fields = ["id", "expert", "station", "kind", "weekday", "start_time", "end_time", "slot_minutes",
                  "valid_from", "valid_until", "status"]
        read_only_fields = ["status"]

    def validate_valid_from(self, value):
        if value < timezone.localdate():
            raise serializers.ValidationError("起始日期不能早于今天。")
        return value


class SlotSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(source="session.kind", read_only=True)
    station_name = serializers.CharField(source="station.name", read_only=True)

    class Meta:
        model = Slot
        fields = ["id", "session", "expert", "station", "station_name", "kind", "start", "end", "status"]


class AppointmentSerializer(serializers.ModelSerializer):
    """Staff's view: the phone masked (the full number only on the page's audited reveal)."""

    phone = serializers.CharField(source="phone_masked", read_only=True)

    class Meta:
        model = Appointment
        fields = ["id", "slot", "expert", "station", "start", "end", "archive", "name", "phone", "topic", "status",
                  "channel", "created_at"]
        read_only_fields = fields


class BookingSerializer(serializers.Serializer):
    """A booking's input (public, or staff for an archive); errors come from the service."""

    slot = serializers.IntegerField()
    name = serializers.CharField(max_length=40, allow_blank=True)
    phone = serializers.CharField(max_length=20, allow_blank=True)
    topic = serializers.CharField(max_length=200, allow_blank=True)
    consent = serializers.BooleanField(default=False)


class StaffBookingSerializer(BookingSerializer):
    archive = serializers.IntegerField(required=False, allow_null=True)


class PublicBookedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    expert = serializers.CharField(source="expert.name")
    status = serializers.CharField()


class MarkSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=[Appointment.Status.ATTENDED, Appointment.Status.NO_SHOW])


class FollowUpSerializer(serializers.ModelSerializer):
    class Meta:
        model = FollowUpAction
        fields = ["id", "description", "due_date", "done_at"]


class RecordSerializer(serializers.ModelSerializer):
    actions = FollowUpSerializer(many=True, read_only=True)
    attachments = serializers.SerializerMethodField()

    class Meta:
        model = ConsultationRecord
        fields = ["id", "appointment", "expert", "station", "archive", "topics", "advice", "actions", "attachments",
                  "created_at"]

    def get_attachments(self, record) -> list[dict]:
        return [{"id": a.id, "name": a.name, "content_type": a.content_type, "size": a.size}
                for a in record.attachments.all()]
