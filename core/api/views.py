from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.permissions import IsAdminUserRole, IsInternalUser
from core.scoping import scope_of
from core.views import AuditEventFilterSet


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    role = serializers.CharField()
    district_id = serializers.IntegerField(allow_null=True)
    station_ids = serializers.ListField(child=serializers.IntegerField())


class MeView(APIView):
    """The current user's role and scope."""

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        scope = scope_of(request.user)
        return Response(MeSerializer({
            "username": request.user.get_username(), "role": scope.level,
            "district_id": scope.district_id, "station_ids": sorted(scope.station_ids),
        }).data)


class TokenRevokeView(APIView):
    """DELETE: revoke an API token — your own (`/api/me/token/`), or, as an admin, that of a user
    in your scope (`/api/tokens/<user id>/`: district admins for staff of their district's stations)."""

    @extend_schema(responses={204: None, 404: None})
    def delete(self, request, user_id: int | None = None):
        from rest_framework.authtoken.models import Token

        from core.audit import audit_record
        from core.security import TOKEN_REVOKE

        tokens = Token.objects.select_related("user")
        if user_id is None:
            tokens = tokens.filter(user=request.user)
        else:
            scope = scope_of(request.user)
            if not scope.is_admin:
                raise PermissionDenied(gettext("只有区级或市级管理员可以吊销他人的令牌。"))
            tokens = tokens.filter(user_id=user_id)
            if scope.is_district:
                tokens = tokens.filter(
                    user__station_memberships__station__street__district_id=scope.district_id).distinct()
        token = tokens.first()
        if token is None:
            raise NotFound(gettext("没有可吊销的令牌。"))
        with transaction.atomic():
            audit_record(actor=request.user, action=TOKEN_REVOKE, obj=token.user,
                         summary=f"吊销 API 令牌：{token.user.get_username()}")
            Token.objects.filter(pk=token.pk).delete()
        return Response(status=204)


class OccupationSerializer(serializers.ModelSerializer):
    class Meta:
        from core.models import Occupation

        model = Occupation
        fields = ["id", "code", "name", "level", "parent", "gbm_code"]


class AuditEventSerializer(serializers.ModelSerializer):
    content_type = serializers.CharField(source="content_type.model", allow_null=True, read_only=True)

    class Meta:
        from core.models import AuditEvent

        model = AuditEvent
        fields = ["id", "created_at", "actor", "actor_name", "action", "content_type", "object_id", "object_repr",
                  "summary", "changes", "district", "station"]
        read_only_fields = fields


class OccupationViewSet(viewsets.ReadOnlyModelViewSet):
    """职业分类（只读，内部用户，同选择职业的搜索）: `q` matches a name or code, `level` 1–4."""

    permission_classes = [IsInternalUser]
    serializer_class = OccupationSerializer

    def get_queryset(self):
        from core.models import Occupation

        qs = Occupation.objects.order_by("code")
        params = self.request.query_params
        if q := params.get("q", "").replace("\x00", "").strip():
            qs = qs.filter(Q(name__icontains=q) | Q(code__startswith=q))
        if (level := params.get("level", "")) and level.isdigit():
            qs = qs.filter(level=int(level))
        return qs

    @extend_schema(parameters=[OpenApiParameter("q", str), OpenApiParameter("level", int, enum=[1, 2, 3, 4])])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)


class AuditEventViewSet(viewsets.ReadOnlyModelViewSet):
    """审计记录: district and city admins, the same scope and filters as /audit/."""

    permission_classes = [IsAdminUserRole]
    serializer_class = AuditEventSerializer

    def get_queryset(self):
        from core.models import AuditEvent

        return AuditEvent.objects.visible_to(self.request.user).select_related("content_type")

    filterset_class = AuditEventFilterSet
