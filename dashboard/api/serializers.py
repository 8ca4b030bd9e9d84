from rest_framework import serializers


class TileSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    group = serializers.CharField()
    value = serializers.FloatField(allow_null=True, help_text="计数；比率指标为 0–1 之间的小数；无分母时为 null")
    is_ratio = serializers.BooleanField()
    url = serializers.CharField(help_text="显示这些记录的列表页（含筛选条件）；为空：尚无可对应的列表")


class FiguresSerializer(serializers.Serializer):
    scope = serializers.CharField(source="title")
    level = serializers.CharField()
    as_of = serializers.DateTimeField(allow_null=True, help_text="统计截至时间（汇总表最近一次刷新）")
    tiles = TileSerializer(many=True)


class RowSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="key")
    name = serializers.CharField()
    parent = serializers.CharField()
    values = serializers.ListField(child=serializers.IntegerField())
    links = serializers.ListField(child=serializers.CharField(allow_blank=True),
                                  help_text="每个数对应的列表页（按本行的站点、街镇或区筛选）；为空：该列表不能按此筛选")


class TableSerializer(serializers.Serializer):
    name = serializers.ChoiceField(choices=["district", "street", "station"])
    rows = RowSerializer(many=True)


class BreakdownSerializer(serializers.Serializer):
    as_of = serializers.DateTimeField(allow_null=True)
    columns = serializers.ListField(child=serializers.CharField(), help_text="各列指标的 key")
    tables = TableSerializer(many=True)


class SeriesSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    values = serializers.ListField(child=serializers.IntegerField())


class TrendsSerializer(serializers.Serializer):
    as_of = serializers.DateTimeField(allow_null=True)
    months = serializers.ListField(child=serializers.DateField())
    series = SeriesSerializer(many=True)
