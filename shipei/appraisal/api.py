"""The annual base assessment over the API: the same selectors and services as the pages,
scoped the same way (the ministry computes and confirms; a province reads its bases' rows, a
base its own, once confirmed)."""

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from . import selectors, services
from .models import AppraisalRow, AppraisalRun


def register(router: DefaultRouter) -> None:
    router.register("appraisals", AppraisalViewSet, basename="appraisal")


class AppraisalRowOutput(serializers.ModelSerializer):
    base_name = serializers.CharField(source="base.name", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    shares = serializers.JSONField(
        help_text="各指标在该基地总分中的实际权重（0～1），无数据的指标不列出"
    )
    scores = serializers.JSONField(help_text="各指标得分（0～100），无数据为 null")

    class Meta:
        model = AppraisalRow
        fields = [
            "id",
            "rank",
            "base",
            "base_name",
            "kind",
            "kind_label",
            "scores",
            "shares",
            "total",
            "partial",
            "cap_now",
            "change",
            "cap_proposed",
            "confirmed",
        ]


class AppraisalRunOutput(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    weights = serializers.SerializerMethodField()

    class Meta:
        model = AppraisalRun
        fields = [
            "programme",
            "year",
            "status",
            "status_label",
            "indicators",
            "weights",
            "rules",
            "computed_at",
            "confirmed_at",
        ]

    def get_weights(self, run: AppraisalRun) -> dict[str, float]:
        """Each indicator's weight in per cent of all weights (the policy's)."""
        return {c.code: c.weight for c in selectors.columns(run)}


class AppraisalProgrammeOutput(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    code = serializers.CharField()
    title = serializers.CharField()
    year = serializers.IntegerField(allow_null=True)


class ConfirmInput(serializers.Serializer):
    rows = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        help_text="要调整上限的结果行 id；不填则调整所有有考核结果的基地",
    )


class AnswerOutput(serializers.Serializer):
    programme = AppraisalProgrammeOutput()
    run = AppraisalRunOutput(allow_null=True)
    rows = AppraisalRowOutput(many=True)
    may_run = serializers.BooleanField()


def _answer(user: Any, programme: Any) -> dict[str, Any]:
    run = selectors.run_of(user, programme)
    return {
        "programme": AppraisalProgrammeOutput(programme).data,
        "run": AppraisalRunOutput(run).data if run else None,
        "rows": AppraisalRowOutput(selectors.rows_of(user, run), many=True).data if run else [],
        "may_run": selectors.may_run(user, programme),
    }


class AppraisalViewSet(viewsets.ViewSet):
    """基地年度考核：按培训计划计算、确认各培训基地的年度考核结果与下一年度项目数上限。"""

    lookup_value_regex = r"\d+"

    @extend_schema(
        responses=AppraisalProgrammeOutput(many=True), description="可查看年度考核的培训计划。"
    )
    def list(self, request: Request) -> Response:
        programmes = selectors.programmes_assessed(request.user)
        return Response(AppraisalProgrammeOutput(programmes, many=True).data)

    @extend_schema(
        responses=AnswerOutput,
        description="某培训计划的年度考核：考核设置、排名表（按权限范围）；未计算或未确认公布时"
        "run 为 null、rows 为空。",
    )
    def retrieve(self, request: Request, pk: str) -> Response:
        programme = selectors.programme_get(request.user, pk)
        return Response(_answer(request.user, programme))

    @extend_schema(
        request=None,
        responses=AnswerOutput,
        description="按当前数据计算（或重新计算）考核结果，仅部级管理员。",
    )
    @action(detail=True, methods=["post"])
    def compute(self, request: Request, pk: str) -> Response:
        programme = selectors.programme_get(request.user, pk)
        services.appraisal_compute(actor=request.user, programme=programme)
        return Response(_answer(request.user, programme))

    @extend_schema(
        request=ConfirmInput,
        responses=AnswerOutput,
        description="确认考核结果并调整所选基地下一年度的项目数上限；确认后结果锁定。",
    )
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: str) -> Response:
        programme = selectors.programme_get(request.user, pk)
        data = ConfirmInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.appraisal_confirm(
            actor=request.user, programme=programme, row_ids=data.validated_data.get("rows")
        )
        return Response(_answer(request.user, programme))
