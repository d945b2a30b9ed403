"""The amendment endpoints: the province decides, the national centre records."""

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from shipei.accounts import scope
from shipei.core.parsers import JSONParser

from .. import amendments, selectors
from ..models import ClassAmendment
from .serializers import AmendmentDecisionInput, AmendmentOutput


@extend_schema_view(
    list=extend_schema(description="管理范围内班次的调整与增补申请。"),
    retrieve=extend_schema(description="查看一份调整或增补申请。"),
)
class AmendmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = AmendmentOutput
    filter_backends: list[Any] = []
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    lookup_value_regex = r"\d+"
    queryset = ClassAmendment.objects.none()

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return ClassAmendment.objects.filter(
            scope.orgs_q(self.request.user, "class.view", via="training_class__project__base")
        ).select_related("training_class")

    def get_object(self) -> ClassAmendment:
        return selectors.amendment_get(user=self.request.user, pk=self.kwargs["pk"])

    @extend_schema(
        request={
            "multipart/form-data": AmendmentDecisionInput,
            "application/json": AmendmentDecisionInput,
        },
        responses={200: AmendmentOutput},
        description="省级管理部门审核：同意（计划外班次须附盖章扫描件：multipart 的 scan，"
        "或 JSON 的 scan_base64 与 scan_name），或不同意（须填理由；计划外班次随之取消）。",
    )
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str | None = None) -> Response:
        amendment = self.get_object()
        data = AmendmentDecisionInput(data=request.data)
        data.is_valid(raise_exception=True)
        done = amendments.amendment_decide(
            actor=request.user, amendment=amendment, **data.validated_data
        )
        return Response(AmendmentOutput(done).data)

    @extend_schema(request=None, responses={200: AmendmentOutput}, description="部指导中心备案。")
    @action(detail=True, methods=["post"])
    def record(self, request: Request, pk: str | None = None) -> Response:
        done = amendments.amendment_record(actor=request.user, amendment=self.get_object())
        return Response(AmendmentOutput(done).data)
