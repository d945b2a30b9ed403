"""Spot checks over the API: drawing one, its record and 重现抽样, and the steps of each
inspection. The same selectors and services as the pages, scoped the same way: a draw or an
inspection the caller may not see is 404, a step its role may not take 403."""

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from shipei.accounts.models import User
from shipei.core.errors import NotFound, NotPermitted
from shipei.orgs.models import Organisation
from shipei.programmes.models import Programme

from . import errors, selectors, services
from .models import Inspection, SpotCheck


def register(router: DefaultRouter) -> None:
    router.register("spot-checks", SpotCheckViewSet, basename="spot-check")
    router.register("inspections", InspectionViewSet, basename="inspection")


class SpotCheckStratumOutput(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    ids = serializers.ListField(child=serializers.IntegerField())
    size = serializers.IntegerField()


class SpotCheckOutput(serializers.ModelSerializer):
    programme_title = serializers.CharField(source="programme.title", read_only=True)
    area_name = serializers.CharField(source="area.name", read_only=True)
    rule = serializers.CharField(source="inputs.rule", read_only=True)
    population = serializers.ListField(
        source="inputs.population",
        child=serializers.IntegerField(),
        read_only=True,
        help_text="总体编号（班次或项目 id），升序",
    )
    strata = SpotCheckStratumOutput(source="inputs.strata", many=True, read_only=True)
    sample = serializers.SerializerMethodField(help_text="抽中的班次或项目 id，升序")

    class Meta:
        model = SpotCheck
        fields = [
            "id",
            "title",
            "programme",
            "programme_title",
            "target",
            "area",
            "area_name",
            "stratify",
            "size_kind",
            "size_value",
            "population_size",
            "sample_size",
            "seed",
            "seed_entered",
            "method",
            "rule",
            "population",
            "strata",
            "sample",
            "drawn_at",
        ]

    def get_sample(self, spot_check: SpotCheck) -> list[int]:
        field = "training_class_id" if spot_check.target == SpotCheck.Target.CLASS else "project_id"
        return sorted(getattr(i, field) for i in spot_check.inspections.all())


class SpotCheckInput(serializers.Serializer):
    programme = serializers.IntegerField(help_text="培训计划编号")
    target = serializers.ChoiceField(choices=SpotCheck.Target.choices)
    area = serializers.IntegerField(
        required=False, help_text="抽检范围（机构编号），默认为调用者管辖的最高一级机构"
    )
    stratify = serializers.ChoiceField(
        choices=SpotCheck.Stratify.choices, required=False, default=""
    )
    size_kind = serializers.ChoiceField(choices=SpotCheck.SizeKind.choices)
    size_value = serializers.CharField(max_length=12, help_text="个数，或百分数（10 表示 10%）")
    seed = serializers.CharField(
        max_length=40, required=False, allow_blank=True, default="", help_text="留空由系统生成"
    )
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class SpotCheckReproductionOutput(serializers.Serializer):
    matches = serializers.BooleanField(help_text="按记录的种子和输入重算的样本与记录一致")
    sample = serializers.ListField(child=serializers.IntegerField())
    recorded = serializers.ListField(child=serializers.IntegerField())
    sizes = serializers.DictField(child=serializers.IntegerField())
    population_unchanged = serializers.BooleanField(help_text="当前总体与记录的总体相同")


class SpotCheckViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = SpotCheckOutput
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return SpotCheck.objects.none()
        return selectors.spot_checks(self.request.user).prefetch_related("inspections")

    def get_object(self) -> SpotCheck:
        return selectors.spot_check_get(self.request.user, _pk(self.kwargs["pk"]))

    @extend_schema(
        request=SpotCheckInput,
        responses={201: SpotCheckOutput},
        description="抽取：在调用者管辖范围内按数量或比例随机抽取某计划的班次或项目，"
        "可按基地类型或地区分层；随机种子和全部输入随结果保存。",
    )
    def create(self, request: Request) -> Response:
        data = SpotCheckInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        programme = Programme.objects.filter(pk=v.pop("programme")).first()
        if programme is None:
            raise NotFound()
        area_pk = v.pop("area", None)
        area = None
        if area_pk is not None:
            area = Organisation.objects.filter(pk=area_pk).first()
            if area is None:
                raise NotFound()
        spot_check = services.spot_check_draw(
            actor=request.user, programme=programme, area=area, **v
        )
        return Response(SpotCheckOutput(spot_check).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        responses={200: SpotCheckReproductionOutput},
        description="重现抽样：只用记录的随机种子和输入重新计算样本，并与记录比对。",
    )
    @action(detail=True, methods=["get"])
    def reproduce(self, request: Request, pk: str) -> Response:
        result = services.spot_check_reproduce(self.get_object())
        return Response(SpotCheckReproductionOutput(result).data)


class InspectionOutput(serializers.ModelSerializer):
    name = serializers.CharField(source="__str__", read_only=True)
    base_name = serializers.CharField(source="base.name", read_only=True)
    inspector_name = serializers.CharField(
        source="inspector.display_name", read_only=True, default=None
    )
    score = serializers.IntegerField(read_only=True, allow_null=True, help_text="评价等级折合分")
    files = serializers.SerializerMethodField()

    class Meta:
        model = Inspection
        fields = [
            "id",
            "spot_check",
            "name",
            "project",
            "training_class",
            "base",
            "base_name",
            "stratum",
            "status",
            "inspector",
            "inspector_name",
            "assigned_at",
            "findings",
            "rating",
            "score",
            "inspected_at",
            "response",
            "responded_at",
            "closing_note",
            "closed_at",
            "files",
        ]

    def get_files(self, inspection: Inspection) -> list[dict[str, Any]]:
        return [
            {"id": f.pk, "kind": f.kind, "name": f.name, "size": f.size}
            for f in inspection.files.all()
        ]


class InspectionQuery(serializers.Serializer):
    programme = serializers.IntegerField(required=False)
    spot_check = serializers.IntegerField(required=False)
    status = serializers.ChoiceField(choices=Inspection.Status.choices, required=False)
    base = serializers.CharField(required=False, max_length=100)
    region = serializers.CharField(required=False, max_length=6)


class InspectionAssignInput(serializers.Serializer):
    inspector = serializers.IntegerField(help_text="检查人的用户编号")


class InspectionRecordInput(serializers.Serializer):
    findings = serializers.CharField(allow_blank=True)
    rating = serializers.CharField(help_text="excellent 优秀、good 良好、pass 合格、fail 不合格")
    files = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class InspectionRespondInput(serializers.Serializer):
    response = serializers.CharField(allow_blank=True)
    files = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class InspectionCloseInput(serializers.Serializer):
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class InspectionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = InspectionOutput
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return Inspection.objects.none()
        user = self.request.user
        if not selectors.may_see_any(user):
            raise NotPermitted()
        query = InspectionQuery(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        q = query.validated_data
        return selectors.inspection_list(
            user,
            selectors.InspectionFilter(
                programme=Programme.objects.filter(pk=q["programme"]).first()
                if "programme" in q
                else None,
                spot_check=SpotCheck.objects.filter(pk=q["spot_check"]).first()
                if "spot_check" in q
                else None,
                status=q.get("status", ""),
                base=q.get("base", ""),
                region=q.get("region", ""),
            ),
        ).prefetch_related("files")

    @extend_schema(
        parameters=[
            OpenApiParameter("programme", int, description="培训计划编号"),
            OpenApiParameter("spot_check", int, description="抽检编号"),
            OpenApiParameter("status", str, description="状态"),
            OpenApiParameter("base", str, description="承训单位名称（包含）"),
            OpenApiParameter("region", str, description="基地所在地区代码，如 330000"),
        ]
    )
    def list(self, request: Request) -> Response:
        return super().list(request)

    def get_object(self) -> Inspection:
        return selectors.inspection_get(self.request.user, _pk(self.kwargs["pk"]))

    def _answer(self, inspection: Inspection) -> Response:
        return Response(InspectionOutput(self.get_object()).data)

    @extend_schema(
        request=InspectionAssignInput, responses={200: InspectionOutput}, description="指派检查人"
    )
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, pk: str) -> Response:
        inspection = self.get_object()
        data = InspectionAssignInput(data=request.data)
        data.is_valid(raise_exception=True)
        inspector = User.objects.filter(pk=data.validated_data["inspector"]).first()
        if inspector is None:
            raise errors.InspectorMissing()
        services.inspection_assign(actor=request.user, inspection=inspection, inspector=inspector)
        return self._answer(inspection)

    @extend_schema(
        request={
            "multipart/form-data": InspectionRecordInput,
            "application/json": InspectionRecordInput,
        },
        responses={200: InspectionOutput},
        description="检查人记录检查发现、评价等级和现场照片（JPG、PNG 或 PDF，每个不超过 10 MB）",
    )
    @action(detail=True, methods=["post"])
    def record(self, request: Request, pk: str) -> Response:
        inspection = self.get_object()
        data = InspectionRecordInput(data=_with_files(request))
        data.is_valid(raise_exception=True)
        services.inspection_record(actor=request.user, inspection=inspection, **data.validated_data)
        return self._answer(inspection)

    @extend_schema(
        request={
            "multipart/form-data": InspectionRespondInput,
            "application/json": InspectionRespondInput,
        },
        responses={200: InspectionOutput},
        description="基地回复检查发现（整改情况），可附材料",
    )
    @action(detail=True, methods=["post"])
    def respond(self, request: Request, pk: str) -> Response:
        inspection = self.get_object()
        data = InspectionRespondInput(data=_with_files(request))
        data.is_valid(raise_exception=True)
        services.inspection_respond(
            actor=request.user, inspection=inspection, **data.validated_data
        )
        return self._answer(inspection)

    @extend_schema(
        request=InspectionCloseInput, responses={200: InspectionOutput}, description="结案"
    )
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str) -> Response:
        inspection = self.get_object()
        data = InspectionCloseInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.inspection_close(actor=request.user, inspection=inspection, **data.validated_data)
        return self._answer(inspection)


def _pk(value: Any) -> int:
    return int(value) if str(value).isdigit() else 0


def _with_files(request: Request) -> dict[str, Any]:
    """The posted fields with every uploaded file under ``files`` (a multipart list)."""
    source = request.data if hasattr(request.data, "keys") else {}  # a JSON list is no form
    data = {k: source.get(k) for k in source if k != "files"}
    data["files"] = request.FILES.getlist("files") if hasattr(request, "FILES") else []
    return data
