from rest_framework import serializers

from core.api.serializers import ModelCleanSerializer, VersionedSerializerMixin
from core.masking import mask_phone

from ..models import Employer, JobPosting, Lead
from ..services import POSTING_FIELDS


class PublicJobSerializer(serializers.Serializer):
    """A search row (read from `.values()`: no model instances, no extra queries)."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    employer = serializers.CharField(source="employer__name")
    salary_min = serializers.IntegerField(allow_null=True)
    salary_max = serializers.IntegerField(allow_null=True)
    salary_unit = serializers.CharField(source="unit_label")
    hours_type = serializers.CharField(source="hours_label")
    district = serializers.CharField(source="district__name", allow_null=True)
    street = serializers.CharField(source="street__name", allow_null=True)
    is_public_service = serializers.BooleanField()
    friendly_to = serializers.ListField(child=serializers.CharField(), source="friendly_labels")
    headcount = serializers.IntegerField()
    published_at = serializers.DateTimeField()
    summary = serializers.CharField()
    distance_m = serializers.FloatField(required=False)
    walk_minutes = serializers.IntegerField(required=False)


class PublicJobDetailSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    employer = serializers.CharField(source="employer__name")
    description = serializers.CharField()
    requirements = serializers.CharField()
    salary_min = serializers.IntegerField(allow_null=True)
    salary_max = serializers.IntegerField(allow_null=True)
    salary_unit = serializers.CharField()
    hours_type = serializers.CharField()
    headcount = serializers.IntegerField()
    address = serializers.CharField()
    lat = serializers.FloatField(allow_null=True)
    lng = serializers.FloatField(allow_null=True)
    benefits = serializers.CharField()
    is_public_service = serializers.BooleanField()
    friendly_to = serializers.ListField(child=serializers.CharField())
    published_at = serializers.DateTimeField()
    expires_on = serializers.DateField(allow_null=True)


class EmployerSerializer(VersionedSerializerMixin, ModelCleanSerializer):
    class Meta:
        model = Employer
        fields = ["id", "name", "kind", "credit_code", "contact_name", "contact_phone", "station", "street",
                  "address", "lat", "lng", "verified", "version"]
        extra_kwargs = {"credit_code": {"validators": []}}

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["contact_phone"] = mask_phone(instance.contact_phone)
        return data


class PostingSerializer(VersionedSerializerMixin, ModelCleanSerializer):
    class Meta:
        model = JobPosting
        fields = ["id", "employer", "station", "status", "source", "published_at", *POSTING_FIELDS, "version"]
        read_only_fields = ["station", "status", "source", "published_at"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["contact_phone"] = mask_phone(instance.contact_phone)
        return data


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=200)


class LeadSerializer(serializers.ModelSerializer):
    posting_title = serializers.CharField(source="posting.title", read_only=True)

    class Meta:
        model = Lead
        fields = ["id", "posting", "posting_title", "station", "name", "phone_masked", "status", "note", "created_at"]
        read_only_fields = fields
