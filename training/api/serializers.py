from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from core.api.serializers import ModelCleanSerializer
from core.masking import mask_phone
from jobseekers.models import Certificate

from ..models import Program, Provider, Referral
from ..services import PROGRAM_FIELDS, PROVIDER_FIELDS


class ProviderSerializer(ModelCleanSerializer):
    class Meta:
        model = Provider
        fields = ["id", "station", *PROVIDER_FIELDS]
        extra_kwargs = {"credit_code": {"validators": []}}

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["contact_phone"] = mask_phone(instance.contact_phone)
        return data


class ProgramSerializer(ModelCleanSerializer):
    class Meta:
        model = Program
        fields = ["id", "station", "seats_taken", *PROGRAM_FIELDS]
        read_only_fields = ["seats_taken"]


class ReferralSerializer(serializers.ModelSerializer):
    program_title = serializers.CharField(source="program.title", read_only=True)

    class Meta:
        model = Referral
        fields = ["id", "archive", "program", "program_title", "status", "drop_reason", "note", "enrolled_at",
                  "completed_on", "certified_on", "dropped_at", "created_at"]
        read_only_fields = ["status", "drop_reason", "enrolled_at", "completed_on", "certified_on", "dropped_at",
                            "created_at"]


class CertificateSerializer(serializers.ModelSerializer):
    """An archive's certificate (jobseekers' row) and the referral it was certified by, if any."""

    referral = serializers.PrimaryKeyRelatedField(source="training_referral", read_only=True, allow_null=True)

    class Meta:
        model = Certificate
        fields = ["id", "archive", "name", "occupation_code", "level", "number", "issuer", "issued_on", "referral"]
        read_only_fields = fields


class DropSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


class CertifySerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    number = serializers.CharField(max_length=64, required=False, allow_blank=True)
    issuer = serializers.CharField(max_length=100, required=False, allow_blank=True)
    issued_on = serializers.DateField(required=False, allow_null=True)


class PublicProgramSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    provider = serializers.CharField(source="provider.name")
    occupation_code = serializers.CharField(source="occupation.code")
    occupation = serializers.CharField(source="occupation.name")
    skill_level = serializers.CharField(source="get_skill_level_display")
    hours = serializers.IntegerField()
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    schedule = serializers.CharField()
    district = serializers.CharField(source="street.district.name", allow_null=True, default=None)
    street = serializers.CharField(source="street.name", allow_null=True, default=None)
    place = serializers.CharField()
    lat = serializers.FloatField(allow_null=True)
    lng = serializers.FloatField(allow_null=True)
    fee = serializers.DecimalField(max_digits=9, decimal_places=2)
    capacity = serializers.IntegerField()
    seats_left = serializers.IntegerField()
    status = serializers.CharField()
    walk_minutes = serializers.IntegerField(allow_null=True, required=False, default=None)


class PublicProgramDetailSerializer(PublicProgramSerializer):
    description = serializers.CharField()
    subsidy_text = serializers.CharField()
    policy_code = serializers.CharField(allow_null=True)
    verification = serializers.CharField()
    designated = serializers.BooleanField()


@extend_schema_serializer(many=False)  # the catalog's list action answers one page object, not an array
class PublicCatalogPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    count_capped = serializers.BooleanField(help_text="count 为上限值（实际更多）")
    results = PublicProgramSerializer(many=True)
