from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from core.api.permissions import IsAdminUserRole, IsInternalUser
from core.geo import in_shanghai

from .. import selectors, services
from ..filtersets import AreaFilterSet, GridFilterSet, StationFilterSet
from ..models import Area, District, Grid, Street
from .serializers import (
    AreaSerializer,
    DistrictSerializer,
    GridSerializer,
    NearStationListSerializer,
    NearStationSerializer,
    StationSerializer,
    StreetSerializer,
)


class StationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                     mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """Stations in the caller's scope; district and city admins create and edit (own district only)."""

    serializer_class = StationSerializer
    filterset_class = StationFilterSet

    def get_permissions(self):
        if self.action in {"create", "update", "partial_update"}:
            return [IsAdminUserRole()]
        return [IsInternalUser()]

    def get_queryset(self):
        return selectors.station_list(user=self.request.user)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("version", None)
        serializer.instance = services.station_create(actor=self.request.user, **data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.station_update(actor=self.request.user, station=serializer.instance,
                                                      expected_version=data.pop("version"), **data)
        serializer.instance = selectors.station_list(user=self.request.user).get(pk=serializer.instance.pk)


class AreaViewSet(viewsets.ReadOnlyModelViewSet):
    """片区 in the caller's scope (read-only; admins edit them on the pages)."""

    serializer_class = AreaSerializer
    filterset_class = AreaFilterSet
    permission_classes = [IsInternalUser]

    def get_queryset(self):
        return Area.objects.visible_to(self.request.user).order_by("street__code", "name")


class GridViewSet(viewsets.ReadOnlyModelViewSet):
    """Grids in the caller's scope (read-only)."""

    serializer_class = GridSerializer
    filterset_class = GridFilterSet
    permission_classes = [IsInternalUser]

    def get_queryset(self):
        return Grid.objects.visible_to(self.request.user).order_by("street__code", "name")


class NearestStationsView(APIView):
    """Public: operating and pilot stations nearest a point (lat/lng) or a street, nearest first."""

    permission_classes = [AllowAny]
    throttle_classes = [AnonRateThrottle]

    @extend_schema(parameters=[OpenApiParameter("lat", float), OpenApiParameter("lng", float),
                               OpenApiParameter("street", int), OpenApiParameter("limit", int)],
                   responses=NearStationListSerializer)
    def get(self, request):
        params = request.query_params
        approximate = None
        try:
            limit = max(1, min(int(params.get("limit") or 5), 20))
            if params.get("lat") and params.get("lng"):
                lat, lng = float(params["lat"]), float(params["lng"])
                if not in_shanghai(lat, lng):
                    raise ValidationError("该位置不在上海市范围内。")
            elif (params.get("street") or "").isdigit():
                street = Street.objects.select_related("district").filter(pk=params["street"]).first()
                point = selectors.street_point(street) if street else None
                if point is None:
                    raise ValidationError("未找到该街镇。")
                (lat, lng), approximate = point, point.basis
            else:
                raise ValidationError("请提供经纬度（lat、lng）或街镇（street）。")
        except ValueError:
            raise ValidationError("经纬度须为数字。") from None
        found = selectors.stations_nearest(lat=lat, lng=lng, limit=limit, queryset=selectors.public_stations())
        return Response({"lat": lat, "lng": lng, "approximate_from": approximate,
                         "results": NearStationSerializer(found, many=True).data})


class DistrictViewSet(viewsets.ReadOnlyModelViewSet):
    """Public reference data: Shanghai's 16 districts (the public station finder offers them)."""

    permission_classes = [AllowAny]
    throttle_classes = [AnonRateThrottle]
    serializer_class = DistrictSerializer
    queryset = District.objects.order_by("code")
    pagination_class = None


class StreetViewSet(viewsets.ReadOnlyModelViewSet):
    """Public reference data: streets and towns (街镇), filtered by `district` (id)."""

    permission_classes = [AllowAny]
    throttle_classes = [AnonRateThrottle]
    serializer_class = StreetSerializer
    pagination_class = None

    def get_queryset(self):
        qs = Street.objects.order_by("code")
        district = self.request.query_params.get("district", "")
        if district:
            if not district.isdigit():
                raise ValidationError({"district": ["区须为数字编号。"]})
            qs = qs.filter(district_id=int(district))
        return qs

    @extend_schema(parameters=[OpenApiParameter("district", int)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)
