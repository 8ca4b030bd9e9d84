"""API serializers of assistance: reads show masked personal data; writes go through the services."""

from rest_framework import serializers

from ..models import Case, CaseDocument, CaseTransition, Entitlement, Policy, PolicyVersion


class PolicyVersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = PolicyVersion
        fields = ["id", "number", "rule", "required_documents", "note", "created_at"]


class PolicySerializer(serializers.ModelSerializer):
    current_version = PolicyVersionSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Policy
        fields = ["id", "code", "name", "kind", "district_code", "doc_number", "issuer", "valid_from", "valid_to",
                  "benefit_text", "amount_text", "amount", "source_url", "verified_on", "verification_status",
                  "is_active", "current_version"]


class RuleWriteSerializer(serializers.Serializer):
    rule = serializers.JSONField(help_text="资格规则（all/any/not 与 fact 条件，见 README）")
    required_documents = serializers.ListField(child=serializers.CharField(max_length=100), required=False,
                                               default=list)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    expected_version = serializers.IntegerField(required=False, allow_null=True, default=None)


class EntitlementSerializer(serializers.ModelSerializer):
    archive_name = serializers.CharField(source="archive.name", read_only=True)
    id_number_masked = serializers.CharField(source="archive.id_number_masked", read_only=True)
    station = serializers.IntegerField(source="archive.station_id", read_only=True)
    policy_name = serializers.CharField(source="policy.name", read_only=True)
    version = serializers.IntegerField(source="version.number", read_only=True)

    class Meta:
        model = Entitlement
        fields = ["id", "archive", "archive_name", "id_number_masked", "station", "policy", "policy_name", "version",
                  "state", "reason", "first_eligible_on", "last_checked_on"]


class TraceSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    fixes = serializers.IntegerField()
    conditions = serializers.ListField(child=serializers.DictField())


class DeclineSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


class TransitionSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.get_username", read_only=True, default="")

    class Meta:
        model = CaseTransition
        fields = ["from_state", "to_state", "actor", "at", "note"]


class CaseDocumentSerializer(serializers.ModelSerializer):
    class Meta:
        model = CaseDocument
        fields = ["id", "item", "file_name", "content_type", "size", "uploaded_at"]


class CaseSerializer(serializers.ModelSerializer):
    archive_name = serializers.CharField(source="archive.name", read_only=True)
    station = serializers.IntegerField(source="archive.station_id", read_only=True)
    version = serializers.IntegerField(source="version.number", read_only=True)
    transitions = TransitionSerializer(many=True, read_only=True)
    documents = CaseDocumentSerializer(many=True, read_only=True)
    missing_documents = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = ["id", "archive", "archive_name", "station", "policy", "version", "kind", "state", "is_open",
                  "claim_period", "checklist", "missing_documents", "note", "submitted_at", "decided_at",
                  "decision_reason", "decision_trace", "amount_paid", "paid_on", "payment_reference",
                  "state_changed_at", "transitions", "documents"]
        read_only_fields = fields

    def get_missing_documents(self, obj) -> list[str]:
        return obj.missing_documents()


class CaseCreateSerializer(serializers.Serializer):
    archive = serializers.IntegerField()
    policy = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Case.Kind.choices, required=False, allow_blank=True, default="")
    claim_period = serializers.CharField(max_length=7, required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class CaseActionSerializer(serializers.Serializer):
    expected_state = serializers.ChoiceField(choices=Case.State.choices,
                                             help_text="您看到的案件状态；已被他人改变时拒绝执行")
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class CasePaySerializer(serializers.Serializer):
    expected_state = serializers.ChoiceField(choices=Case.State.choices)
    amount = serializers.DecimalField(max_digits=10, decimal_places=2)
    paid_on = serializers.DateField()
    payment_reference = serializers.CharField(max_length=64)


class ChecklistSerializer(serializers.Serializer):
    expected_state = serializers.ChoiceField(choices=Case.State.choices)
    checked = serializers.ListField(child=serializers.CharField(max_length=100))


class UploadSerializer(serializers.Serializer):
    item = serializers.CharField(max_length=100)
    file = serializers.FileField()
