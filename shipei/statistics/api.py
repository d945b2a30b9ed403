"""The statistics of a scope and year as JSON: the page's numbers, with the same scope."""

from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from . import selectors


class FiguresView(APIView):
    permission_classes = [IsAuthenticated]

    class Input(serializers.Serializer):
        org = serializers.IntegerField(required=False)
        year = serializers.CharField(required=False)

    def get(self, request: Request) -> Response:
        params = self.Input(data=request.query_params)
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
