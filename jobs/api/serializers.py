from drf_spectacular.utils import extend_schema_serializer
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
    distance_m = serializers.FloatField(required=False, allow_null=True, help_text="仅“离我近”时；岗位无坐标为 null")
    walk_minutes = serializers.IntegerField(required=False, allow_null=True)


@extend_schema_serializer(many=False)  # the list action answers one page object, not an array
class PublicJobPageSerializer(serializers.Serializer):
    """One page of the public search: keyset paging through `next` (its `cursor`), counts possibly capped."""

    count = serializers.IntegerField()
    count_capped = serializers.BooleanField(help_text="count 为上限值（实际更多）")
    count_estimated = serializers.BooleanField(help_text="count 为估计值")
    page = serializers.IntegerField()
    sort = serializers.CharField()
    next = serializers.URLField(allow_null=True, help_text="下一页（含 cursor），没有时为 null")
    query_truncated = serializers.BooleanField(help_text="关键词过长，只按前一部分搜索")
    results = PublicJobSerializer(many=True)


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
    posting_title = serializers.CharField(source="posting.title", read_only=True, allow_null=True)

    class Meta:
        model = Lead
        fields = ["id", "posting", "posting_title", "subject", "station", "name", "phone_masked", "status", "note",
                  "created_at"]
        read_only_fields = fields
