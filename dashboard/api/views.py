"""The dashboard's figure sets for the caller's scope (the same board as /dashboard/)."""

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.permissions import IsInternalUser

from .. import selectors
from .serializers import BreakdownSerializer, FiguresSerializer, TrendsSerializer


class FiguresView(APIView):
    permission_classes = [IsInternalUser]

    @extend_schema(responses=FiguresSerializer, summary="看板指标（按调用者范围）")
    def get(self, request):
        return Response(FiguresSerializer(selectors.board_for(user=request.user)).data)


class BreakdownView(APIView):
    permission_classes = [IsInternalUser]

    @extend_schema(responses=BreakdownSerializer, summary="分区、分街镇、分站点明细")
    def get(self, request):
        board = selectors.board_for(user=request.user)
        data = {"as_of": board.as_of, "columns": [c.key for c in board.columns],
                "tables": [{"name": name, "rows": rows} for name, rows in board.tables.items()]}
        return Response(BreakdownSerializer(data).data)


class TrendsView(APIView):
    permission_classes = [IsInternalUser]

    @extend_schema(responses=TrendsSerializer, summary="近24个月月度趋势")
    def get(self, request):
        board = selectors.board_for(user=request.user)
        data = {"as_of": board.as_of, "months": board.months,
                "series": [{"key": k, "label": label, "values": v} for k, label, v in board.series]}
        return Response(TrendsSerializer(data).data)
