"""The half-year plan endpoints: drafted by the institution, its lines, submitted and decided."""

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from .. import plans, selectors
from ..models import HalfYearPlan
from .class_views import acting_institution
from .serializers import (
    ClassDecisionInput,
    ExecutionOutput,
    ExecutionQuery,
    HalfYearLinesInput,
    HalfYearPlanInput,
    HalfYearPlanOutput,
)


@extend_schema_view(
    list=extend_schema(description="管理范围内的半年培训计划。"),
    retrieve=extend_schema(description="查看一份半年培训计划及其班次。"),
)
class PlanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = HalfYearPlanOutput
    filter_backends: list[Any] = []
    lookup_value_regex = r"\d+"
    queryset = HalfYearPlan.objects.none()

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return plans.plan_list(user=self.request.user).prefetch_related("lines")

    def get_object(self) -> HalfYearPlan:
        return plans.plan_get(user=self.request.user, pk=self.kwargs["pk"])

    def _done(self, plan: HalfYearPlan, code: int = status.HTTP_200_OK) -> Response:
        return Response(
            HalfYearPlanOutput(plans.plan_get(user=self.request.user, pk=plan.pk)).data, code
        )

    @extend_schema(
        request=HalfYearPlanInput,
        responses={201: HalfYearPlanOutput},
        description="新建本机构某半年的培训计划（草稿）。",
    )
    def create(self, request: Request) -> Response:
        data = HalfYearPlanInput(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        institution = acting_institution(request, fields.pop("institution", None))
        plan = plans.plan_create(actor=request.user, institution=institution, **fields)
        return self._done(plan, status.HTTP_201_CREATED)

    @extend_schema(
        request=HalfYearLinesInput,
        responses={200: HalfYearPlanOutput},
        description="填写计划班次，替换原有的全部班次；任何一行不通过则不做修改，按行列出问题。",
    )
    @action(detail=True, methods=["put"])
    def lines(self, request: Request, pk: str | None = None) -> Response:
        plan = self.get_object()
        data = HalfYearLinesInput(data=request.data)
        data.is_valid(raise_exception=True)
        plans.plan_save_lines(
            actor=request.user,
            plan=plan,
            lines=[dict(row) for row in data.validated_data["lines"]],
        )
        return self._done(plan)

    @extend_schema(
        request=None, responses={200: HalfYearPlanOutput}, description="报送省级管理部门审核。"
    )
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        plan = plans.plan_submit(actor=request.user, plan=self.get_object())
        return self._done(plan)

    @extend_schema(
        request=ClassDecisionInput,
        responses={200: HalfYearPlanOutput},
        description="省级管理部门审核：同意（各班次列入计划），或退回修改（须填理由）。",
    )
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str | None = None) -> Response:
        plan = self.get_object()
        data = ClassDecisionInput(data=request.data)
        data.is_valid(raise_exception=True)
        plans.plan_decide(actor=request.user, plan=plan, **data.validated_data)
        return self._done(plan)

    @extend_schema(
        parameters=[ExecutionQuery],
        responses={200: ExecutionOutput},
        description="培训计划执行率：审核通过的计划班次中已实施的（培训中、考核中或已结班），"
        "按培训机构、省份和合计。",
    )
    @action(detail=False, methods=["get"])
    def execution(self, request: Request) -> Response:
        query = ExecutionQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        v = query.validated_data
        programme = next(
            (p for p in selectors.stepped_programmes() if p.pk == v["programme"]), None
        )
        if programme is None:
            raise serializers.ValidationError({"programme": [_("没有按班次管理的该培训计划。")]})
        report = plans.plan_execution(
            user=request.user, programme=programme, year=v["year"], half=v.get("half")
        )
        return Response(ExecutionOutput(report).data)
