"""API: /api/assistance/… policies and rules, entitlements, cases with transition actions, documents.
Same scoping and services as the pages."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from core.api.permissions import IsInternalUser
from core.scoping import scope_of
from jobseekers.models import JobseekerArchive

from .. import engine, rules, selectors, services
from ..filtersets import CaseFilterSet
from ..models import Case, CaseDocument, Entitlement, Policy
from . import serializers as s


class CityAdminWrites(IsInternalUser):
    """Internal users read the catalogue; only city admins change it."""

    message = _("只有市级管理员可以修改政策。")

    def has_permission(self, request, view):
        if request.method in SAFE_METHODS:
            return super().has_permission(request, view)
        return scope_of(request.user).is_city


class PolicyViewSet(viewsets.ModelViewSet):
    """政策目录; city admins edit (each edit audited; a rule change makes a new version)."""

    serializer_class = s.PolicySerializer
    queryset = Policy.objects.select_related("current_version").order_by("code")
    http_method_names = ["get", "post", "patch", "put", "head", "options"]

    permission_classes = [CityAdminWrites]

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.policy_create(actor=self.request.user,
                                    rule={"all": [{"fact": "age", "op": ">=", "value": 16}]},
                                    required_documents=["身份证"], **data)

    def perform_update(self, serializer):
        serializer.instance = services.policy_update(actor=self.request.user, policy=serializer.instance,
                                    **serializer.validated_data)

    @extend_schema(request=s.RuleWriteSerializer, responses=s.PolicyVersionSerializer)
    @action(detail=True, methods=["get", "post"], url_path="rule")
    def rule(self, request, pk=None):
        policy = self.get_object()
        if request.method == "POST":
            body = s.RuleWriteSerializer(data=request.data)
            body.is_valid(raise_exception=True)
            version = services.policy_rule_update(actor=request.user, policy=policy, **body.validated_data)
            return Response(s.PolicyVersionSerializer(version).data, status=status.HTTP_201_CREATED)
        return Response(s.PolicyVersionSerializer(policy.current_version).data if policy.current_version else {})


class EntitlementViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """应享尽享 rows in scope, oldest first; `?state=&policy=&key_group=&station=`."""

    lookup_value_regex = r"\d+"  # a non-number is no object: 404, never a 500

    serializer_class = s.EntitlementSerializer
    lookup_value_regex = r"\d+"  # a non-numeric id is the router's 404, not a ValueError in get_object_or_404
    permission_classes = [IsInternalUser]
    queryset = Entitlement.objects.none()
    filterset_fields = ["state", "policy"]

    def get_queryset(self):
        qs = (Entitlement.objects.visible_to(self.request.user)
              .select_related("archive", "policy", "version").defer("facts").order_by("first_eligible_on", "id"))
        params = self.request.query_params
        if params.get("key_group"):
            qs = qs.filter(archive__key_groups__contains=[params["key_group"]])
        if (params.get("station") or "").isdigit():
            qs = qs.filter(station_id=int(params["station"]))
        return qs

    @extend_schema(request=s.DeclineSerializer, responses=s.EntitlementSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        body = s.DeclineSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        row = services.entitlement_decline(actor=request.user, entitlement=self.get_object(),
                    reason=body.validated_data["reason"])
        return Response(s.EntitlementSerializer(row).data)

    @extend_schema(responses=s.TraceSerializer)
    @action(detail=True, methods=["get"])
    def trace(self, request, pk=None):
        """The stored decision inputs re-evaluated: each condition with the person's value."""
        row = get_object_or_404(Entitlement.objects.visible_to(request.user).select_related("version"), pk=pk)
        result = rules.entitlement_trace(row)
        return Response({"ok": result.ok, "fixes": result.fixes, "conditions": result.conditions})


TRANSITIONS = {"submit": services.case_submit, "withdraw": services.case_withdraw,
               "review": services.case_review_start, "approve": services.case_approve,
               "return": services.case_return, "reject": services.case_reject}


class CaseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                  viewsets.GenericViewSet):
    """援助案件 in scope; transitions are actions (`expected_state` guards against stale moves)."""

    serializer_class = s.CaseSerializer
    permission_classes = [IsInternalUser]
    queryset = Case.objects.none()
    filterset_class = CaseFilterSet  # the case list page's filters
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    def get_queryset(self):
        return (selectors.case_queryset(user=self.request.user).prefetch_related("transitions__actor", "documents")
                .order_by("state_changed_at", "id"))

    @extend_schema(request=s.CaseCreateSerializer, responses=s.CaseSerializer)
    def create(self, request, *args, **kwargs):
        body = s.CaseCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        archive = get_object_or_404(JobseekerArchive.objects.visible_to(request.user), pk=data["archive"])
        policy = Policy.objects.filter(pk=data["policy"]).first()
        if policy is None:
            raise DjangoValidationError({"policy": _("没有这项政策。")})
        case = services.case_create(actor=request.user, archive=archive, policy=policy,
                     kind=data["kind"] or None, claim_period=data["claim_period"], note=data["note"])
        return Response(s.CaseSerializer(case).data, status=status.HTTP_201_CREATED)

    def _transition(self, request, name):
        case = self.get_object()
        body = s.CaseActionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        kwargs = {"expected_state": body.validated_data["expected_state"]}
        kwargs["reason" if name == "reject" else "note"] = body.validated_data["note"]
        moved = TRANSITIONS[name](actor=request.user, case=case, **kwargs)
        return Response(s.CaseSerializer(selectors.case_get(user=request.user, pk=moved.pk)).data)

    @extend_schema(request=s.CaseActionSerializer, responses=s.CaseSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._transition(request, "submit")

    @extend_schema(request=s.CaseActionSerializer, responses=s.CaseSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        return self._transition(request, "withdraw")

    @extend_schema(request=s.CaseActionSerializer, responses=s.CaseSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        return self._transition(request, "review")

    @extend_schema(request=s.CaseActionSerializer, responses=s.CaseSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._transition(request, "approve")

    @extend_schema(request=s.CaseActionSerializer, responses=s.CaseSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        return self._transition(request, "return")

    @extend_schema(request=s.CaseActionSerializer, responses=s.CaseSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._transition(request, "reject")

    @extend_schema(request=s.CasePaySerializer, responses=s.CaseSerializer)
    @action(detail=True, methods=["post"])
    def pay(self, request, pk=None):
        case = self.get_object()
        body = s.CasePaySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        moved = services.case_pay(actor=request.user, case=case, amount=d["amount"], paid_on=d["paid_on"],
                      payment_reference=d["payment_reference"], expected_state=d["expected_state"])
        return Response(s.CaseSerializer(selectors.case_get(user=request.user, pk=moved.pk)).data)

    @extend_schema(request=s.ChecklistSerializer, responses=s.CaseSerializer)
    @action(detail=True, methods=["post"])
    def checklist(self, request, pk=None):
        case = self.get_object()
        body = s.ChecklistSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        moved = services.case_checklist_update(actor=request.user, case=case, **body.validated_data)
        return Response(s.CaseSerializer(selectors.case_get(user=request.user, pk=moved.pk)).data)

    @extend_schema(request={"multipart/form-data": s.UploadSerializer}, responses=s.CaseDocumentSerializer)
    @action(detail=True, methods=["post"])
    def documents(self, request, pk=None):
        case = self.get_object()
        body = s.UploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        upload = body.validated_data["file"]
        if upload.size > services.MAX_DOCUMENT_BYTES:
            raise DjangoValidationError({"file": _("文件过大，最大 5 MB。")})
        doc = services.document_upload(actor=request.user, case=case, item=body.validated_data["item"],
                    file_name=upload.name, content=upload.read())
        return Response(s.CaseDocumentSerializer(doc).data, status=status.HTTP_201_CREATED)


class DocumentViewSet(viewsets.GenericViewSet):
    """A case document's content (scope-checked; each download audited)."""

    lookup_value_regex = r"\d+"  # a non-number is no object: 404, never a 500

    permission_classes = [IsInternalUser]
    queryset = CaseDocument.objects.none()
    serializer_class = s.CaseDocumentSerializer
    lookup_value_regex = r"\d+"  # a non-numeric id is the router's 404, not a ValueError in get_object_or_404

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
                   parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)])
    def retrieve(self, request, pk=None):
        document = get_object_or_404(CaseDocument.objects.visible_to(request.user).select_related("case__archive"),
                                     pk=pk)
        content = services.document_download(actor=request.user, document=document)
        response = HttpResponse(content, content_type=document.content_type)
        response["Content-Disposition"] = "attachment"
        response["X-Content-Type-Options"] = "nosniff"
        return response


class ArchiveEligibilityViewSet(viewsets.GenericViewSet):
    """One archive's policies evaluated live, condition by condition (what the archive panel shows)."""

    lookup_value_regex = r"\d+"  # a non-number is no object: 404, never a 500

    permission_classes = [IsInternalUser]
    queryset = JobseekerArchive.objects.none()
    serializer_class = s.TraceSerializer

    @extend_schema(responses=s.TraceSerializer(many=True))
    def retrieve(self, request, pk=None):
        archive = get_object_or_404(JobseekerArchive.objects.visible_to(request.user), pk=pk)
        _facts, results = engine.evaluate_archive(archive.pk)
        return Response([{"policy": p.pk, "policy_name": p.name, "verified": p.is_verified, "ok": r.ok,
                          "fixes": r.fixes, "conditions": r.conditions} for p, r in results])
