from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from core.scoping import scope_of


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
