"""The statistics of a scope and year as JSON: the page's numbers, with the same scope."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from . import selectors


class FiguresInput(serializers.Serializer):
    org = serializers.IntegerField(
        required=False, help_text="统计范围的单位 id；不填为本人所辖范围"
    )
    year = serializers.CharField(required=False, help_text="年度；不填为今年")


class _Org(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    level = serializers.CharField()


class _Kpi(serializers.Serializer):
    label = serializers.CharField()
    value = serializers.JSONField()


class _Table(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    columns = serializers.ListField(child=serializers.CharField())
    rows = serializers.ListField(child=serializers.ListField())


class FiguresOutput(serializers.Serializer):
    org = _Org()
    year = serializers.IntegerField()
    kpis = _Kpi(many=True)
    tables = _Table(many=True)


class FiguresView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[FiguresInput],
        responses=FiguresOutput,
        description="统计分析：所选范围与年度的各项统计数字（与统计页面相同，按权限范围）。",
    )
    def get(self, request: Request) -> Response:
        params = FiguresInput(data=request.query_params)
        params.is_valid(raise_exception=True)
        where = selectors.scope_for(request.user, params.validated_data.get("org"))
        year = selectors.parse_year(params.validated_data.get("year"))
        data = selectors.dashboard(request.user, where, year, limit=None)
        return Response(
            {
                "org": {"id": where.org.pk, "name": where.org.name, "level": where.level},
                "year": year,
                "kpis": [{"label": label, "value": value} for label, value in data["kpis"]],
                "tables": [
                    {
                        "key": t.key,
                        "title": t.title,
                        "columns": [t.first, *t.headers],
                        "rows": t.export_rows,
                    }
                    for t in data["tables"]
                ],
            }
        )
