"""The dashboard's figure sets for the caller's scope (the same board as /dashboard/)."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from core.api.permissions import IsInternalUser

from .. import selectors, statistics
from .serializers import BreakdownSerializer, FiguresSerializer, TrendsSerializer

DISTRICT = OpenApiParameter("district", str, description="区代码：市级管理员查看某一区（与 /dashboard/?district= 相同）；"
                                                        "非本人范围或不存在的区返回 404")


def _board(request):
    return selectors.requested_board(user=request.user, district_code=request.query_params.get("district"))


class FiguresView(APIView):
    permission_classes = [IsInternalUser]

    @extend_schema(responses=FiguresSerializer, parameters=[DISTRICT], summary="看板指标（按调用者范围）")
    def get(self, request):
        return Response(FiguresSerializer(_board(request)).data)


class BreakdownView(APIView):
    permission_classes = [IsInternalUser]

    @extend_schema(responses=BreakdownSerializer, parameters=[DISTRICT], summary="分区、分街镇、分站点明细")
    def get(self, request):
        board = _board(request)
        data = {"as_of": board.as_of, "columns": [c.key for c in board.columns],
                "tables": [{"name": name, "rows": rows} for name, rows in board.tables.items()]}
        return Response(BreakdownSerializer(data).data)


class TrendsView(APIView):
    permission_classes = [IsInternalUser]

    @extend_schema(responses=TrendsSerializer, parameters=[DISTRICT], summary="近24个月月度趋势")
    def get(self, request):
        board = _board(request)
        data = {"as_of": board.as_of, "months": board.months,
                "series": [{"key": k, "label": label, "values": v} for k, label, v in board.series]}
        return Response(TrendsSerializer(data).data)


class PublicCellSerializer(serializers.Serializer):
    value = serializers.IntegerField(allow_null=True, help_text="公布的数；被隐藏时为 null")
    display = serializers.CharField(help_text="显示文字：数、“<10”、“*”或“×”")
    suppressed = serializers.ChoiceField(choices=["primary", "secondary", "withheld"], allow_null=True,
                                         help_text="primary：小于阈值；secondary：为防止推算而隐藏；withheld：整表不公布")


class PublicRowSerializer(serializers.Serializer):
    name = serializers.CharField()
    cells = PublicCellSerializer(many=True)


class PublicDistrictSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class PublicStatisticsSerializer(serializers.Serializer):
    district = PublicDistrictSerializer()
    title = serializers.CharField()
    threshold = serializers.IntegerField()
    as_of = serializers.DateTimeField(allow_null=True)
    columns = serializers.ListField(child=serializers.CharField())
    rows = PublicRowSerializer(many=True)


class PublicStatisticsView(APIView):
    """Public (no login): one district's published table, small counts suppressed as on /statistics/."""

    permission_classes = [AllowAny]
    throttle_classes = [AnonRateThrottle]

    @extend_schema(responses=PublicStatisticsSerializer, summary="区公开统计（小数抑制）")
    def get(self, request, code):
        return Response(PublicStatisticsSerializer(statistics.table_json(statistics.district_table(code))).data)
