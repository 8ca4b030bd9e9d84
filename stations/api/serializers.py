from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers
from rest_framework.validators import UniqueValidator

from core.api.serializers import ModelCleanSerializer, VersionedSerializerMixin

from ..models import Area, Grid, Station, StationHours


class StationHoursSerializer(serializers.ModelSerializer):
    class Meta:
        model = StationHours
        fields = ["weekday", "opens", "closes"]

    def validate(self, attrs):
        if attrs["closes"] <= attrs["opens"]:
            label = StationHours.Weekday(attrs["weekday"]).label
            raise serializers.ValidationError({"closes": f"{label}的关门时间必须晚于开门时间。"})
        return attrs


class StationSerializer(VersionedSerializerMixin, ModelCleanSerializer):
    hours = StationHoursSerializer(many=True, required=False)
    district = serializers.IntegerField(source="street.district_id", read_only=True)
    district_name = serializers.CharField(source="street.district.name", read_only=True)
    street_name = serializers.CharField(source="street.name", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    host_type_display = serializers.CharField(source="get_host_type_display", read_only=True)
    staff_count = serializers.SerializerMethodField()

    class Meta:
        model = Station
        fields = ["id", "code", "name", "district", "district_name", "street", "street_name", "area", "host_type",
                  "host_type_display", "address", "lat", "lng", "phone", "floor_area", "facilities", "services",
                  "service_flow", "status", "status_display", "opened_on", "status_since", "suspended_on", "hours",
                  "staff_count", "version"]
        extra_kwargs = {"code": {"validators": [UniqueValidator(queryset=Station.objects.all(),
                                                                message="站点编码已被使用，请换一个。")]}}

    def get_staff_count(self, obj) -> int | None:
        return getattr(obj, "staff_count", None)

    def validate(self, attrs):
        hours = attrs.pop("hours", None)
        attrs = super().validate(attrs)
        if hours is not None:
            attrs["hours"] = [(h["weekday"], h["opens"], h["closes"]) for h in hours]
        return attrs


class AreaSerializer(serializers.ModelSerializer):
    class Meta:
        model = Area
        fields = ["id", "street", "name", "code", "lat", "lng"]


class GridSerializer(serializers.ModelSerializer):
    class Meta:
        model = Grid
        fields = ["id", "street", "area", "name", "code"]


class NearStationSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="station.pk")
    name = serializers.CharField(source="station.name")
    district_name = serializers.CharField(source="station.street.district.name")
    street_name = serializers.CharField(source="station.street.name")
    address = serializers.CharField(source="station.address")
    phone = serializers.CharField(source="station.phone")
    status = serializers.CharField(source="station.status")
    lat = serializers.FloatField(source="station.lat")
    lng = serializers.FloatField(source="station.lng")
    distance_m = serializers.FloatField()
    walk_minutes = serializers.IntegerField()
    open_now = serializers.BooleanField()
    services = serializers.ListField(source="station.service_labels", child=serializers.CharField())
    hours = StationHoursSerializer(source="station.hours", many=True)


class DistrictSerializer(serializers.ModelSerializer):
    class Meta:
        from ..models import District

        model = District
        fields = ["id", "code", "name", "short_name", "lat", "lng"]


class StreetSerializer(serializers.ModelSerializer):
    class Meta:
        from ..models import Street

        model = Street
        fields = ["id", "code", "name", "kind", "district", "lat", "lng"]


@extend_schema_serializer(many=False)
class NearStationListSerializer(serializers.Serializer):
    lat = serializers.FloatField()
    lng = serializers.FloatField()
    approximate_from = serializers.ChoiceField(choices=["street", "stations", "district"], allow_null=True,
                                               help_text="按街镇估算时点位的来源；给出经纬度时为 null")
    results = NearStationSerializer(many=True)
