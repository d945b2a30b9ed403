"""Classes with their own lifecycle, half-year plans and amendments over the API: the same
selectors and services as the pages, scoped the same way."""

import base64
import binascii
from typing import Any

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from shipei.accounts import scope
from shipei.core.errors import NotPermitted
from shipei.core.parsers import JSONParser
from shipei.programmes.api import ProgrammeField

from . import amendments, flow, plans, selectors
from .milestones import next_milestone
from .models import ClassAmendment, HalfYearPlan, HalfYearPlanLine, TrainingClass

S = TrainingClass.Status
MOVES = {
    S.APPLIED: flow.class_apply,
    S.ENROLLING: flow.class_open_enrollment,
    S.RUNNING: flow.class_start,
    S.ASSESSING: flow.class_start_assessment,
    S.CLOSED: flow.class_close,
}


def register(router: DefaultRouter) -> None:
    router.register("classes", ClassViewSet, basename="class")
    router.register("class-plans", PlanViewSet, basename="class-plan")
    router.register("class-amendments", AmendmentViewSet, basename="class-amendment")


# --- output ---------------------------------------------------------------------------------


class MilestoneOutput(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    due = serializers.DateField()
    days_left = serializers.IntegerField(source="left", help_text="距截止的天数；已过为负数")
    excepted = serializers.BooleanField(help_text="已批准节点例外")


class TrainingClassOutput(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    programme = serializers.IntegerField(source="project.programme_id", read_only=True)
    project = serializers.IntegerField(source="project_id", read_only=True)
    item = serializers.CharField(source="project.item", read_only=True)
    item_label = serializers.CharField(source="project.item_label", read_only=True)
    institution = serializers.IntegerField(source="project.base_id", read_only=True)
    institution_name = serializers.CharField(source="project.base.name", read_only=True)
    days = serializers.IntegerField(read_only=True)
    staff = serializers.DictField(
        source="staff_needed", child=serializers.IntegerField(), read_only=True
    )
    next_milestone = serializers.SerializerMethodField()

    class Meta:
        model = TrainingClass
        fields = [
            "id",
            "programme",
            "project",
            "item",
            "item_label",
            "institution",
            "institution_name",
            "seq",
            "starts_on",
            "ends_on",
            "days",
            "capacity",
            "seats_taken",
            "place",
            "status",
            "status_label",
            "status_reason",
            "unplanned",
            "plan_line",
            "staff",
            "next_milestone",
        ]

    @extend_schema_field(MilestoneOutput(allow_null=True))
    def get_next_milestone(self, obj: TrainingClass) -> dict[str, Any] | None:
        found = next_milestone(obj)
        return MilestoneOutput(found).data if found else None


class HalfYearLineOutput(serializers.ModelSerializer):
    item_label = serializers.CharField(read_only=True)
    training_class = serializers.SerializerMethodField()

    class Meta:
        model = HalfYearPlanLine
        fields = [
            "seq",
            "item",
            "item_label",
            "starts_on",
            "ends_on",
            "capacity",
            "enrolls_from",
            "place",
            "note",
            "training_class",
        ]

    def get_training_class(self, obj: HalfYearPlanLine) -> int | None:
        found = getattr(obj, "training_class", None)
        return found.pk if found else None


class HalfYearPlanOutput(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    institution_name = serializers.CharField(source="institution.name", read_only=True)
    period_label = serializers.CharField(read_only=True)
    lines = HalfYearLineOutput(many=True, read_only=True)

    class Meta:
        model = HalfYearPlan
        fields = [
            "id",
            "programme",
            "institution",
            "institution_name",
            "year",
            "half",
            "period_label",
            "status",
            "status_label",
            "status_reason",
            "submitted_at",
            "decided_at",
            "lines",
        ]


class AmendmentOutput(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    has_scan = serializers.SerializerMethodField()

    class Meta:
        model = ClassAmendment
        fields = [
            "id",
            "training_class",
            "kind",
            "kind_label",
            "changes",
            "reason",
            "status",
            "status_label",
            "decision_reason",
            "has_scan",
            "requested_at",
            "decided_at",
            "recorded_at",
        ]

    def get_has_scan(self, obj: ClassAmendment) -> bool:
        return bool(obj.scan)


class ExecutionRow(serializers.Serializer):
    name = serializers.CharField()
    planned = serializers.IntegerField(help_text="计划班次数")
    ran = serializers.IntegerField(help_text="已实施（培训中、考核中或已结班）")
    rate = serializers.DecimalField(
        max_digits=5, decimal_places=1, allow_null=True, help_text="执行率（%）"
    )


class ExecutionOutput(serializers.Serializer):
    institutions = ExecutionRow(many=True)
    provinces = ExecutionRow(many=True)
    total = ExecutionRow()


# --- input ----------------------------------------------------------------------------------


class TrainingClassQuery(serializers.Serializer):
    programme = serializers.IntegerField(required=False, help_text="培训计划编号")
    status = serializers.ChoiceField(choices=S.choices, required=False)


class UnplannedClassInput(serializers.Serializer):
    programme = ProgrammeField(help_text="培训计划编号")
    institution = serializers.IntegerField(
        required=False, help_text="培训机构（单位编号）；只管理一个机构时可省略"
    )
    item = serializers.CharField(max_length=40, help_text="培训级别及专业大类的代码，如 l2-c1")
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    capacity = serializers.IntegerField(min_value=1, max_value=1000)
    place = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)
    reason = serializers.CharField(max_length=500, required=False, default="", allow_blank=True)


class ClassMoveInput(serializers.Serializer):
    to = serializers.ChoiceField(
        choices=[(to, S(to).label) for to in MOVES],
        help_text="applied 提出开班申请、enrolling 开始招生、running 开始培训、"
        "assessing 开始考核、closed 结班",
    )


class TrainingPlanInput(serializers.Serializer):
    goals = serializers.CharField(help_text="培训目标")
    courses = serializers.CharField(help_text="课程安排")
    assessment = serializers.CharField(help_text="考核安排")
    materials = serializers.CharField(required=False, default="", allow_blank=True)
    venue = serializers.CharField(required=False, default="", allow_blank=True)
    logistics = serializers.CharField(required=False, default="", allow_blank=True)


class ClassDecisionInput(serializers.Serializer):
    approve = serializers.BooleanField(help_text="true 同意；false 退回（须填 reason）")
    reason = serializers.CharField(max_length=500, required=False, default="", allow_blank=True)


class ClassReasonInput(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class MilestoneExceptionInput(serializers.Serializer):
    milestone = serializers.ChoiceField(
        choices=["class_application", "core_teacher_recommendation", "plan_filing"]
    )
    reason = serializers.CharField(max_length=500)


class AmendmentInput(serializers.Serializer):
    reason = serializers.CharField(max_length=500)
    starts_on = serializers.DateField(required=False)
    ends_on = serializers.DateField(required=False)
    capacity = serializers.IntegerField(required=False, min_value=1, max_value=1000)
    place = serializers.CharField(required=False, max_length=200, allow_blank=True)
    staff_counts = serializers.DictField(
        child=serializers.IntegerField(min_value=0, max_value=20),
        required=False,
        help_text='各角色人数，如 {"授课骨干教师": 3}（角色为培训计划规定的角色）',
    )


class AmendmentDecisionInput(ClassDecisionInput):
    scan = serializers.FileField(
        required=False, help_text="同意计划外班次时的盖章扫描件（PDF、JPG 或 PNG，不超过 10 MB）"
    )
    scan_base64 = serializers.CharField(
        required=False, help_text="JSON 请求中的扫描件：文件内容的 Base64，与 scan_name 一起给出"
    )
    scan_name = serializers.CharField(required=False, max_length=100)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        encoded = attrs.pop("scan_base64", None)
        name = attrs.pop("scan_name", "")
        if encoded is not None:
            try:
                content = base64.b64decode(encoded, validate=True)
            except (binascii.Error, ValueError):
                raise serializers.ValidationError(
                    {"scan_base64": [_("扫描件不是有效的 Base64 内容。")]}
                ) from None
            if not name:
                raise serializers.ValidationError({"scan_name": [_("请给出扫描件的文件名。")]})
            attrs["scan"] = ContentFile(content, name=name)
        return attrs


class HalfYearPlanInput(serializers.Serializer):
    programme = ProgrammeField(help_text="培训计划编号")
    institution = serializers.IntegerField(
        required=False, help_text="培训机构（单位编号）；只管理一个机构时可省略"
    )
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    half = serializers.ChoiceField(choices=HalfYearPlan.Half.choices)


class HalfYearLineInput(serializers.Serializer):
    item = serializers.CharField(max_length=40, help_text="培训级别及专业大类的代码，如 l2-c1")
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    capacity = serializers.IntegerField(min_value=1, max_value=1000)
    enrolls_from = serializers.CharField(max_length=200, help_text="招生范围")
    place = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)
    note = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)


class HalfYearLinesInput(serializers.Serializer):
    lines = HalfYearLineInput(many=True, help_text="计划班次；替换计划中原有的全部班次")


class ExecutionQuery(serializers.Serializer):
    programme = serializers.IntegerField(help_text="培训计划编号")
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    half = serializers.ChoiceField(choices=HalfYearPlan.Half.choices, required=False)


def _institution(request: Request, pk: int | None) -> Any:
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

    @extend_schema(
        request=UnplannedClassInput,
        responses={201: TrainingClassOutput},
        description="申请计划外班次（开班前 40 天前）：须经省级管理部门审核同意（上传盖章扫描件）。",
    )
    def create(self, request: Request) -> Response:
        data = UnplannedClassInput(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        institution = _institution(request, fields.pop("institution", None))
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
        cls = self.get_object()
        data = TrainingPlanInput(data=request.data)
        data.is_valid(raise_exception=True)
        flow.class_file_plan(actor=request.user, training_class=cls, **data.validated_data)
        return self._done(cls)

    @extend_schema(
        request=ClassDecisionInput,
        responses={200: TrainingClassOutput},
        description="省级管理部门审核培训方案：同意，或退回修改（须填理由）。",
    )
    @action(detail=True, methods=["post"])
    def review(self, request: Request, pk: str | None = None) -> Response:
        cls = self.get_object()
        data = ClassDecisionInput(data=request.data)
        data.is_valid(raise_exception=True)
        flow.class_review_plan(actor=request.user, training_class=cls, **data.validated_data)
        return self._done(cls)

    @extend_schema(
        request=None, responses={200: TrainingClassOutput}, description="部指导中心备案。"
    )
    @action(detail=True, methods=["post"])
    def record(self, request: Request, pk: str | None = None) -> Response:
        cls = self.get_object()
        flow.class_record(actor=request.user, training_class=cls)
        return self._done(cls)

    @extend_schema(
        request=ClassReasonInput,
        responses={200: TrainingClassOutput},
        description="取消班次（须填理由）。",
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        cls = self.get_object()
        data = ClassReasonInput(data=request.data)
        data.is_valid(raise_exception=True)
        flow.class_cancel(actor=request.user, training_class=cls, **data.validated_data)
        return self._done(cls)

    @extend_schema(
        request=MilestoneExceptionInput,
        responses={200: TrainingClassOutput},
        description="批准该班次在工作节点过后办理此项（省级或部级管理员，须填理由）。",
    )
    @action(detail=True, methods=["post"])
    def exceptions(self, request: Request, pk: str | None = None) -> Response:
        cls = self.get_object()
        data = MilestoneExceptionInput(data=request.data)
        data.is_valid(raise_exception=True)
        flow.milestone_except(actor=request.user, training_class=cls, **data.validated_data)
        return self._done(cls)

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


# --- amendments -----------------------------------------------------------------------------


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


# --- half-year plans ------------------------------------------------------------------------


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
        institution = _institution(request, fields.pop("institution", None))
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
