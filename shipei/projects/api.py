"""Projects, reviews and the catalogue over the API: the same selectors and services as the pages."""

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from shipei.accounts import scope
from shipei.accounts.models import Role, User
from shipei.classes.models import TrainingClass
from shipei.core.api import DateField
from shipei.core.errors import NotPermitted
from shipei.programmes.api import ProgrammeField
from shipei.programmes.models import Programme

from . import selectors, services
from .models import ADVANCES, Project, Review


def register(router: DefaultRouter) -> None:
    """Add the project endpoints to the API router."""
    router.register("projects", ProjectViewSet, basename="project")
    router.register("catalogue", CatalogueViewSet, basename="catalogue")
    router.register("reviews", ReviewViewSet, basename="review")


# --- output ---------------------------------------------------------------------------------


class ClassOutput(serializers.ModelSerializer):
    days = serializers.IntegerField(read_only=True)

    class Meta:
        model = TrainingClass
        fields = [
            "id",
            "seq",
            "starts_on",
            "ends_on",
            "days",
            "capacity",
            "place",
            "online_platform",
        ]


class ProjectOutput(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    item_label = serializers.CharField(read_only=True)
    base_name = serializers.CharField(source="base.name", read_only=True)
    region = serializers.CharField(source="base.region_id", read_only=True, allow_null=True)
    classes = ClassOutput(many=True, read_only=True)

    class Meta:
        model = Project
        fields = [
            "id",
            "programme",
            "item",
            "item_label",
            "base",
            "base_name",
            "region",
            "base_kind",
            "title",
            "mode",
            "days",
            "hours",
            "fee_yuan",
            "audience",
            "outline",
            "practice_share",
            "video_share",
            "status",
            "status_label",
            "status_reason",
            "review_round",
            "submitted_at",
            "published_at",
            "classes",
        ]


class CatalogueOutput(ProjectOutput):
    class Meta(ProjectOutput.Meta):
        fields = [
            f
            for f in ProjectOutput.Meta.fields
            if f not in ("status_reason", "review_round", "submitted_at")
        ]


class ReviewOutput(serializers.ModelSerializer):
    project = ProjectOutput(read_only=True)

    class Meta:
        model = Review
        fields = [
            "id",
            "project",
            "round",
            "assigned_at",
            "scores",
            "total",
            "comment",
            "submitted_at",
        ]


# --- input ----------------------------------------------------------------------------------


class ClassInput(serializers.Serializer):
    starts_on = DateField()
    ends_on = DateField()
    capacity = serializers.IntegerField(min_value=1, max_value=100000)
    place = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    online_platform = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )


class ClassChange(ClassInput):
    """A class row: with `id` it changes (or, with `delete`, removes) that class; else adds."""

    id = serializers.IntegerField(required=False, min_value=1)
    delete = serializers.BooleanField(required=False, default=False)
    starts_on = DateField(required=False)
    ends_on = DateField(required=False)
    capacity = serializers.IntegerField(min_value=1, max_value=100000, required=False)

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        if not data.get("id") and (
            data.get("delete") or not all(k in data for k in ("starts_on", "ends_on", "capacity"))
        ):
            raise serializers.ValidationError(_("新增班次须填写开班日期、结业日期和计划人数。"))
        return data


@extend_schema_field(OpenApiTypes.INT)
class BaseInScopeField(serializers.PrimaryKeyRelatedField):
    default_error_messages = {
        "does_not_exist": _("未找到该单位，或您不能为它申报项目。"),
        "incorrect_type": _("请填写单位编号（整数）。"),
    }

    def get_queryset(self) -> Any:
        user = getattr(self.context.get("request"), "user", None)
        return selectors.base_choices(user=user)


class ProjectFields(serializers.Serializer):
    item = serializers.CharField(max_length=40)
    base_kind = serializers.CharField(max_length=30, required=False, allow_blank=True)
    title = serializers.CharField(max_length=200)
    mode = serializers.ChoiceField(choices=Project.Mode.choices, required=False, allow_blank=True)
    days = serializers.IntegerField(min_value=1, max_value=365, required=False, allow_null=True)
    hours = serializers.DecimalField(
        max_digits=6, decimal_places=1, min_value=Decimal("0.5"), required=False, allow_null=True
    )
    fee_yuan = serializers.IntegerField(min_value=0, max_value=10**7, required=False)
    audience = serializers.CharField(max_length=300, required=False, allow_blank=True)
    outline = serializers.CharField(max_length=20000, required=False, allow_blank=True)
    practice_share = serializers.DecimalField(
        max_digits=4, decimal_places=3, min_value=0, max_value=1, required=False, allow_null=True
    )
    video_share = serializers.DecimalField(
        max_digits=4, decimal_places=3, min_value=0, max_value=1, required=False, allow_null=True
    )


class ProjectInput(ProjectFields):
    programme = ProgrammeField()
    base = BaseInScopeField(required=False)
    classes = ClassInput(many=True, required=False)


class ProjectUpdate(ProjectFields):
    item = serializers.CharField(max_length=40, required=False)
    title = serializers.CharField(max_length=200, required=False)
    classes = ClassChange(many=True, required=False)


class AssignInput(serializers.Serializer):
    experts = serializers.PrimaryKeyRelatedField(
        many=True,
        queryset=User.objects.filter(
            is_active=True, assignments__role=Role.EXPERT_REVIEWER, assignments__is_active=True
        ).distinct(),
        error_messages={"does_not_exist": _("未找到该评审专家。")},
    )


class DecideInput(serializers.Serializer):
    decision = serializers.ChoiceField(choices=list(services.DECISIONS))
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class AdvanceInput(serializers.Serializer):
    to = serializers.ChoiceField(
        choices=[(to, Project.Status(to).label) for to in ADVANCES],
        help_text="enrolling 开始报名、enrollment_closed 截止报名、running 开始培训、completed 培训结束",
    )


class CancelInput(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class ReviewInput(serializers.Serializer):
    scores = serializers.DictField(child=serializers.IntegerField(min_value=0, max_value=1000))
    comment = serializers.CharField(max_length=5000, allow_blank=True)


class ProjectQuery(serializers.Serializer):
    programme = serializers.IntegerField(required=False, min_value=1)
    status = serializers.ChoiceField(choices=Project.Status.choices, required=False)
    region = serializers.RegexField(r"^\d{6}$", required=False)
    base = serializers.CharField(max_length=100, required=False)
    q = serializers.CharField(max_length=100, required=False)


class CatalogueQuery(serializers.Serializer):
    programme = serializers.IntegerField(required=False, min_value=1)
    item = serializers.CharField(max_length=40, required=False)
    region = serializers.RegexField(r"^\d{6}$", required=False)
    mode = serializers.ChoiceField(choices=Project.Mode.choices, required=False)
    starts_from = DateField(required=False)
    starts_until = DateField(required=False)
    base = serializers.CharField(max_length=100, required=False)
    q = serializers.CharField(max_length=100, required=False)


def _filters(query: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    data = query(data=request.query_params)
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


def _class_changes(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for row in rows:
        row = dict(row)
        if "id" in row:
            row["pk"] = row.pop("id")
        out.append(row)
    return out


# --- endpoints ------------------------------------------------------------------------------


def _fresh(project: Project) -> Project:
    return Project.objects.select_related("base").prefetch_related("classes").get(pk=project.pk)


@extend_schema_view(
    list=extend_schema(
        description="管理范围内的培训项目：基地管理员为本基地的项目，上级管理员为辖区内的项目。",
        parameters=[ProjectQuery],
    ),
    retrieve=extend_schema(description="查看一个项目；范围外与不存在一样返回 404。"),
)
class ProjectViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ProjectOutput
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return Project.objects.none()
        filters = _filters(ProjectQuery, self.request) if self.action == "list" else {}
        if filters.get("programme"):
            filters["programme"] = Programme.objects.filter(pk=filters["programme"]).first() or -1
        return selectors.project_list(user=self.request.user, filters=filters).prefetch_related(
            "classes"
        )

    def get_object(self) -> Project:
        return selectors.project_get(user=self.request.user, pk=self.kwargs["pk"])

    @extend_schema(
        request=ProjectInput,
        responses={201: ProjectOutput},
        description="为本基地新建项目申报（草稿），可同时填写班次。",
    )
    def create(self, request: Request) -> Response:
        if not scope.has_any(request.user, "project.apply"):
            raise NotPermitted()
        data = ProjectInput(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        base = fields.pop("base", None) or selectors.base_choices(user=request.user).first()
        project = services.project_create(
            actor=request.user,
            programme=fields.pop("programme"),
            base=base,
            classes=fields.pop("classes", []),
            **fields,
        )
        return Response(ProjectOutput(_fresh(project)).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=ProjectUpdate,
        responses={200: ProjectOutput},
        description="修改草稿或退回修改的项目及其班次；任何一项被拒绝时都不做修改。",
    )
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        project = self.get_object()
        data = ProjectUpdate(data=request.data, partial=True, context={"request": request})
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        classes = fields.pop("classes", None)
        services.project_update(
            actor=request.user,
            project=project,
            classes=_class_changes(classes) if classes is not None else None,
            **fields,
        )
        return Response(ProjectOutput(_fresh(project)).data)

    @extend_schema(request=None, responses={200: ProjectOutput}, description="提交申报。")
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        project = services.project_submit(actor=request.user, project=self.get_object())
        return Response(ProjectOutput(_fresh(project)).data)

    @extend_schema(
        request=AssignInput,
        responses={200: ProjectOutput},
        description="分配评审专家（部级管理员）；申报单位及其下级单位的专家须回避。",
    )
    @action(detail=True, methods=["post"], url_path="assign-experts")
    def assign_experts(self, request: Request, pk: str | None = None) -> Response:
        project = self.get_object()
        data = AssignInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.project_assign_experts(
            actor=request.user, project=project, experts=data.validated_data["experts"]
        )
        return Response(ProjectOutput(_fresh(project)).data)

    @extend_schema(
        request=DecideInput,
        responses={200: ProjectOutput},
        description="评审结论：approve 通过、return 退回修改、reject 不予通过（后两者须填理由）。",
    )
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str | None = None) -> Response:
        project = self.get_object()
        data = DecideInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.project_decide(actor=request.user, project=project, **data.validated_data)
        return Response(ProjectOutput(_fresh(project)).data)

    @extend_schema(request=None, responses={200: ProjectOutput}, description="发布评审通过的项目。")
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str | None = None) -> Response:
        project = services.project_publish(actor=request.user, project=self.get_object())
        return Response(ProjectOutput(_fresh(project)).data)

    @extend_schema(
        request=AdvanceInput,
        responses={200: ProjectOutput},
        description="已发布项目的实施进度：开始报名 → 截止报名（此后不再接受报名）→ 开始培训 → "
        "培训结束；由承训基地或计划主管部门办理。",
    )
    @action(detail=True, methods=["post"])
    def advance(self, request: Request, pk: str | None = None) -> Response:
        project = self.get_object()
        data = AdvanceInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.project_advance(actor=request.user, project=project, **data.validated_data)
        return Response(ProjectOutput(_fresh(project)).data)

    @extend_schema(
        request=CancelInput, responses={200: ProjectOutput}, description="撤销项目（须填理由）。"
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        project = self.get_object()
        data = CancelInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.project_cancel(actor=request.user, project=project, **data.validated_data)
        return Response(ProjectOutput(_fresh(project)).data)


@extend_schema_view(
    list=extend_schema(
        description="已发布的培训项目目录，所有登录用户可查；可按计划、类别、省份、日期、方式、承训单位筛选。",
        parameters=[CatalogueQuery],
    ),
    retrieve=extend_schema(description="查看一个已发布的项目。"),
)
class CatalogueViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = CatalogueOutput
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return Project.objects.none()
        filters = _filters(CatalogueQuery, self.request) if self.action == "list" else {}
        if filters.get("programme"):
            filters["programme"] = Programme.objects.filter(pk=filters["programme"]).first() or -1
        return selectors.catalogue_list(user=self.request.user, filters=filters).prefetch_related(
            "classes"
        )

    def get_object(self) -> Project:
        return selectors.catalogue_get(user=self.request.user, pk=self.kwargs["pk"])


@extend_schema_view(
    list=extend_schema(description="分配给调用者（评审专家）的评审任务。"),
    retrieve=extend_schema(description="查看一项评审任务；非本人的任务返回 404。"),
)
class ReviewViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ReviewOutput
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return Review.objects.none()
        return selectors.review_list(user=self.request.user).prefetch_related("project__classes")

    def get_object(self) -> Review:
        return selectors.review_get(user=self.request.user, pk=self.kwargs["pk"])

    @extend_schema(
        request=ReviewInput,
        responses={200: ReviewOutput},
        description="提交评分（每个评审要点一个分数）和评审意见；提交后不能修改。",
    )
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        review = self.get_object()
        data = ReviewInput(data=request.data)
        data.is_valid(raise_exception=True)
        review = services.review_submit(actor=request.user, review=review, **data.validated_data)
        return Response(ReviewOutput(selectors.review_get(user=request.user, pk=review.pk)).data)
