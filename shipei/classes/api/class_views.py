"""The class endpoints: list and read, add an unplanned class, move it on, its exceptions."""

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from shipei.core.errors import NotPermitted

from .. import amendments, flow, selectors
from ..models import TrainingClass
from .serializers import (
    MOVES,
    AmendmentInput,
    AmendmentOutput,
    ClassDecisionInput,
    ClassMoveInput,
    ClassReasonInput,
    MilestoneExceptionInput,
    TrainingClassOutput,
    TrainingClassQuery,
    TrainingPlanInput,
    UnplannedClassInput,
)


def acting_institution(request: Request, pk: int | None) -> Any:
    """The institution the caller acts for: the one named, or its only one."""
    mine = selectors.institutions_of(request.user)
    if pk is None:
        if len(mine) != 1:
            raise serializers.ValidationError(
                {"institution": [_("您管理多个培训机构，请给出 institution。")]}
                if mine
                else {"institution": [_("您不是培训机构的管理员。")]}
            )
        return mine[0]
    found = next((o for o in mine if o.pk == pk), None)
    if found is None:
        raise NotPermitted()
    return found


def _fresh_class(pk: int) -> TrainingClass:
    return TrainingClass.objects.select_related("project__programme", "project__base").get(pk=pk)


# --- classes --------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        description="管理范围内按班次管理的班次（培训机构为本机构的，省级为辖区内的），"
        "含状态和下一工作节点。",
        parameters=[TrainingClassQuery],
    ),
    retrieve=extend_schema(description="查看一个班次；范围外与不存在一样返回 404。"),
)
class ClassViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = TrainingClassOutput
    filter_backends: list[Any] = []
    lookup_value_regex = r"\d+"
    queryset = TrainingClass.objects.none()

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        filters = {}
        if self.action == "list":
            query = TrainingClassQuery(data=self.request.query_params)
            query.is_valid(raise_exception=True)
            filters = dict(query.validated_data)
        return selectors.class_list(user=self.request.user, filters=filters)

    def get_object(self) -> TrainingClass:
        return selectors.class_get(user=self.request.user, pk=self.kwargs["pk"])

    def _done(self, cls: TrainingClass, code: int = status.HTTP_200_OK) -> Response:
        return Response(TrainingClassOutput(_fresh_class(cls.pk)).data, status=code)

    def _act(self, service: Any, given: type[serializers.Serializer] | None = None) -> Response:
        """One step on the class: its input checked, the service called, the class answered."""
        cls = self.get_object()
        fields: dict[str, Any] = {}
        if given is not None:
            data = given(data=self.request.data)
            data.is_valid(raise_exception=True)
            fields = data.validated_data
        service(actor=self.request.user, training_class=cls, **fields)
        return self._done(cls)

    @extend_schema(
        request=UnplannedClassInput,
        responses={201: TrainingClassOutput},
        description="申请计划外班次（开班前 40 天前）：须经省级管理部门审核同意（上传盖章扫描件）。",
    )
    def create(self, request: Request) -> Response:
        data = UnplannedClassInput(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        institution = acting_institution(request, fields.pop("institution", None))
        cls = flow.class_apply_unplanned(
            actor=request.user,
            institution=institution,
            programme=fields.pop("programme"),
            item=fields.pop("item"),
            reason=fields.pop("reason"),
            **fields,
        )
        return self._done(cls, status.HTTP_201_CREATED)

    @extend_schema(
        request=ClassMoveInput,
        responses={200: TrainingClassOutput},
        description="培训机构办理班次的下一步：提出开班申请（开班前 40 天前，逾期须省级批准例外）、"
        "开始招生、开始培训、开始考核、结班。",
    )
    @action(detail=True, methods=["post"])
    def move(self, request: Request, pk: str | None = None) -> Response:
        cls = self.get_object()
        data = ClassMoveInput(data=request.data)
        data.is_valid(raise_exception=True)
        MOVES[data.validated_data["to"]](actor=request.user, training_class=cls)
        return self._done(cls)

    @extend_schema(
        request=TrainingPlanInput,
        responses={200: TrainingClassOutput},
        description="报备培训方案（开班前 30 天前）；被退回的方案修改后再次报备。",
    )
    @action(detail=True, methods=["post"], url_path="file-plan")
    def file_plan(self, request: Request, pk: str | None = None) -> Response:
        return self._act(flow.class_file_plan, TrainingPlanInput)

    @extend_schema(
        request=ClassDecisionInput,
        responses={200: TrainingClassOutput},
        description="省级管理部门审核培训方案：同意，或退回修改（须填理由）。",
    )
    @action(detail=True, methods=["post"])
    def review(self, request: Request, pk: str | None = None) -> Response:
        return self._act(flow.class_review_plan, ClassDecisionInput)

    @extend_schema(
        request=None, responses={200: TrainingClassOutput}, description="部指导中心备案。"
    )
    @action(detail=True, methods=["post"])
    def record(self, request: Request, pk: str | None = None) -> Response:
        return self._act(flow.class_record)

    @extend_schema(
        request=ClassReasonInput,
        responses={200: TrainingClassOutput},
        description="取消班次（须填理由）。",
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        return self._act(flow.class_cancel, ClassReasonInput)

    @extend_schema(
        request=MilestoneExceptionInput,
        responses={200: TrainingClassOutput},
        description="批准该班次在工作节点过后办理此项（省级或部级管理员，须填理由）。",
    )
    @action(detail=True, methods=["post"])
    def exceptions(self, request: Request, pk: str | None = None) -> Response:
        return self._act(flow.milestone_except, MilestoneExceptionInput)

    @extend_schema(
        request=AmendmentInput,
        responses={201: AmendmentOutput},
        description="申请调整计划内班次（时间、人数、地点、各角色人数），经省级审核同意后生效。",
    )
    @action(detail=True, methods=["post"])
    def amend(self, request: Request, pk: str | None = None) -> Response:
        cls = self.get_object()
        data = AmendmentInput(data=request.data)
        data.is_valid(raise_exception=True)
        made = amendments.amendment_request(
            actor=request.user, training_class=cls, **data.validated_data
        )
        return Response(AmendmentOutput(made).data, status=status.HTTP_201_CREATED)
