"""API serializers: personal data is write-only in clear and read back masked; writes go through services."""

from django.contrib.auth import get_user_model
from rest_framework import serializers

from core.choices import KeyGroup
from core.models import Occupation
from stations.models import Area, Grid, Station

from ..models import (
    Certificate,
    EmploymentStatus,
    FollowUpTask,
    ImportJob,
    JobseekerArchive,
    StatusEntry,
    Visit,
)


class ArchiveCertificateSerializer(serializers.ModelSerializer):
    """证书 on an archive; `occupation_code` is a 职业分类大典 细类 code (or blank)."""

    class Meta:
        model = Certificate
        fields = ["id", "name", "occupation_code", "level", "number", "issuer", "issued_on", "created_at"]
        read_only_fields = ["created_at"]
        extra_kwargs = {"name": {"max_length": 200}}


class ArchiveSerializer(serializers.ModelSerializer):
    id_number = serializers.CharField(write_only=True, required=False, label="身份证号")
    phone = serializers.CharField(write_only=True, required=False, allow_blank=True, label="手机号")
    id_number_masked = serializers.CharField(read_only=True)
    phone_masked = serializers.CharField(read_only=True)
    # plain strings (validated by the service) so the schema has one EmploymentStatus enum, not three
    initial_status = serializers.CharField(write_only=True, required=False, default=EmploymentStatus.UNEMPLOYED,
                                           help_text="就业状态代码，同 current_status")
    key_groups = serializers.ListField(child=serializers.ChoiceField(choices=KeyGroup.choices), required=False)
    desired_occupations = serializers.SlugRelatedField(
        slug_field="code", many=True, required=False,
        queryset=Occupation.objects.filter(level=Occupation.Level.OCCUPATION))
    station = serializers.PrimaryKeyRelatedField(queryset=Station.objects.none())
    helper = serializers.PrimaryKeyRelatedField(queryset=get_user_model().objects.all(), required=False,
                                                allow_null=True)
    version = serializers.IntegerField(required=False)
    current_status = serializers.CharField(read_only=True, help_text="就业状态代码（由状态记录得出）")
    certificates = ArchiveCertificateSerializer(many=True, read_only=True,
                                         help_text="证书（增删改：/api/jobseekers/{id}/certificates/）")

    class Meta:
        model = JobseekerArchive
        fields = ["id", "station", "name", "id_number", "id_number_masked", "phone", "phone_masked", "birth_date",
                  "sex", "hukou", "street", "area", "grid", "address", "lat", "lng", "education",
                  "graduation_year", "school", "skills", "certificates", "work_history", "desired_occupations",
                  "desired_salary", "desired_hours", "max_commute_minutes", "key_groups", "helper",
                  "consent_date", "consent_scope", "is_open", "closed_reason", "current_status",
                  "initial_status", "next_survey_due", "version", "created_at", "updated_at"]
        read_only_fields = ["birth_date", "sex", "current_status", "next_survey_due", "created_at", "updated_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["station"].queryset = Station.objects.visible_to(request.user)
            for name, model, label in (("area", Area, "片区"), ("grid", Grid, "网格")):
                self.fields[name].queryset = model.objects.visible_to(request.user)
                self.fields[name].error_messages["does_not_exist"] = f"所选{label}不在您的管理范围内。"
        if self.instance is not None and not isinstance(self.instance, list | tuple) and hasattr(self.instance,
                                                                                                   "pk"):
            self.fields["station"].read_only = True
            self.fields["id_number"].read_only = True

    def validate(self, attrs):
        if isinstance(self.initial_data, dict) and "certificates" in self.initial_data:
            # once a text field: a client still sending it would lose what it sent without a word
            raise serializers.ValidationError({"certificates": [
                "证书已改为逐条记录，不能随档案一起提交；请用 /api/jobseekers/{id}/certificates/ 逐条添加。"]})
        if self.instance is None and not attrs.get("id_number"):
            raise serializers.ValidationError({"id_number": "请填写身份证号。"})
        if self.instance is not None and "version" not in attrs:
            raise serializers.ValidationError({"version": "修改档案须提供读取时的版本号 version，以免覆盖他人的修改。"})
        return attrs


class StatusEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = StatusEntry
        fields = ["id", "status", "effective_date", "source", "note", "recorded_by", "created_at"]
        read_only_fields = ["recorded_by", "created_at"]


class StatusEntryCreatedSerializer(StatusEntrySerializer):
    """A new status entry and what it did to the archive's current status."""

    became_current = serializers.BooleanField(read_only=True)
    archive_current_status = serializers.CharField(read_only=True)
    message = serializers.CharField(read_only=True, allow_null=True)

    class Meta(StatusEntrySerializer.Meta):
        fields = [*StatusEntrySerializer.Meta.fields, "became_current", "archive_current_status", "message"]


class VisitSerializer(serializers.ModelSerializer):
    needs = serializers.ListField(child=serializers.ChoiceField(choices=Visit.Need.choices), required=False)
    status_observed = serializers.CharField(required=False, allow_blank=True, help_text="就业状态代码，可空")

    class Meta:
        model = Visit
        fields = ["id", "visit_date", "method", "staff", "findings", "needs", "status_observed", "next_follow_up",
                  "created_at"]
        read_only_fields = ["staff", "created_at"]


class FollowUpTaskSerializer(serializers.ModelSerializer):
    archive_name = serializers.CharField(source="archive.name", read_only=True)
    station = serializers.IntegerField(source="archive.station_id", read_only=True)

    class Meta:
        model = FollowUpTask
        fields = ["id", "archive", "archive_name", "station", "due_date", "status", "visit", "created_at", "closed_at"]
        read_only_fields = fields


class ImportJobSerializer(serializers.ModelSerializer):
    """An import batch: progress counters and the masked error rows (the full report is the page's download)."""

    can_retry = serializers.BooleanField(read_only=True)
    errors = serializers.JSONField(read_only=True, help_text="错误行（姓名、脱敏身份证号、原因）")

    class Meta:
        model = ImportJob
        fields = ["id", "station", "created_by", "file_name", "mode", "status", "phase", "total_rows",
                  "processed_rows", "imported_rows", "failed_rows", "duplicate_rows", "example_rows", "errors",
                  "message", "can_retry", "created_at", "finished_at", "updated_at"]
        read_only_fields = fields
