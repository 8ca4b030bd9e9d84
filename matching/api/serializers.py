from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from jobs.models import JobPosting

from ..models import BatchRun, GuidanceSession, InsuranceHelp, PushRecord, SmsOutbox


class RecommendationSerializer(serializers.Serializer):
    posting = serializers.IntegerField(source="posting.pk")
    title = serializers.CharField(source="posting.title")
    employer = serializers.CharField(source="posting.employer.name")
    score = serializers.FloatField()
    explanation = serializers.CharField()
    walk_minutes = serializers.IntegerField(source="match.walk_minutes", allow_null=True)


class CandidateSerializer(serializers.Serializer):
    archive = serializers.IntegerField(source="archive.pk")
    name = serializers.CharField(source="archive.name")
    score = serializers.FloatField()
    explanation = serializers.CharField(source="match.explanation")


@extend_schema_serializer(many=False)
class RecommendationListSerializer(serializers.Serializer):
    archive = serializers.IntegerField()
    results = RecommendationSerializer(many=True)


@extend_schema_serializer(many=False)
class CandidateListSerializer(serializers.Serializer):
    posting = serializers.IntegerField()
    results = CandidateSerializer(many=True)


class PushRecordSerializer(serializers.ModelSerializer):
    posting_title = serializers.CharField(source="posting.title", read_only=True)

    class Meta:
        model = PushRecord
        fields = ["id", "archive", "posting", "posting_title", "channel", "pushed_by", "pushed_at", "pushed_on",
                  "score", "explanation", "outcome", "outcome_date", "note"]
        read_only_fields = fields


class PushCreateSerializer(serializers.Serializer):
    archive = serializers.IntegerField()
    postings = serializers.PrimaryKeyRelatedField(many=True, queryset=JobPosting.objects.all(), allow_empty=False,
                                                  error_messages={"empty": "请至少选择一个岗位。"})
    channel = serializers.ChoiceField(choices=PushRecord.Channel.choices,
                                      error_messages={"invalid_choice": "请选择推送方式。"})
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class OutcomeSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=[c for c in PushRecord.Outcome.choices if c[0]],
                                      error_messages={"invalid_choice": "请选择反馈结果。"})
    outcome_date = serializers.DateField(error_messages={"invalid": "反馈日期格式不正确。", "required": "请填写反馈日期。"})
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class FunnelStageSerializer(serializers.Serializer):
    key = serializers.ChoiceField(choices=["pushed", "interested", "interviewed", "hired"])
    label = serializers.CharField()
    count = serializers.IntegerField()
    of_previous = serializers.FloatField(allow_null=True, help_text="share of the previous stage (null for the first)")
    of_pushed = serializers.FloatField(allow_null=True, help_text="share of all pushes (null when there are none)")
    url = serializers.CharField(help_text="the push list page showing exactly these pushes")


class FunnelRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="key", allow_null=True)
    name = serializers.CharField()
    stages = FunnelStageSerializer(many=True)


class FunnelSerializer(serializers.Serializer):
    by = serializers.ChoiceField(choices=["station", "district"], allow_null=True)
    stages = FunnelStageSerializer(many=True)
    rows = FunnelRowSerializer(many=True)


class SmsOutboxSerializer(serializers.ModelSerializer):
    """An outbox row without the phone number (the archive shows it masked, reveals are audited)."""

    class Meta:
        model = SmsOutbox
        fields = ["id", "archive", "push", "body", "status", "attempts", "last_error", "next_attempt_at", "sent_at",
                  "created_at"]
        read_only_fields = fields


class BatchRunSerializer(serializers.ModelSerializer):
    percent = serializers.IntegerField(read_only=True)
    rate = serializers.FloatField(read_only=True, help_text="已处理档案数/秒")

    class Meta:
        model = BatchRun
        fields = ["id", "started_at", "finished_at", "heartbeat_at", "status", "total", "processed", "percent",
                  "rate", "chunk_size", "fallbacks", "error"]
        read_only_fields = fields


class GuidanceSessionSerializer(serializers.ModelSerializer):
    class Meta:
        model = GuidanceSession
        fields = ["id", "archive", "held_on", "kind", "topics", "advice", "follow_up_on", "counsellor", "created_at"]
        read_only_fields = ["id", "archive", "counsellor", "created_at"]


class InsuranceHelpSerializer(serializers.ModelSerializer):
    """就业参保登记 of one archive; `version` 0 is the record that does not exist yet (send it back to create)."""

    version = serializers.IntegerField(help_text="读取时的版本；已被他人修改则 409")
    checklist = serializers.ListField(child=serializers.ChoiceField(choices=InsuranceHelp.Item.choices),
                                      required=False, default=list)
    missing_items = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = InsuranceHelp
        fields = ["archive", "status", "checklist", "missing_items", "employer_name", "registered_on", "note",
                  "version", "updated_at"]
        read_only_fields = ["archive", "updated_at"]
