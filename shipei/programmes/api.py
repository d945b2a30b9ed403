"""Programmes over the API: the same selectors and services as the pages."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from shipei.accounts import scope
from shipei.core.api import DateField
from shipei.core.errors import NotFound, NotPermitted
from shipei.core.text import is_int
from shipei.orgs.api import OrgInScopeField

from . import selectors, services
from .models import Programme
from .revisions import policy_diff


@extend_schema_field(OpenApiTypes.INT)
class ProgrammeField(serializers.PrimaryKeyRelatedField):
    """A programme id in another app's input (projects, enrollments)."""

    default_error_messages = {
        "does_not_exist": _("未找到该培训计划。"),
        "incorrect_type": _("请填写培训计划编号（整数）。"),
    }

    def get_queryset(self) -> Any:
        # Made when asked, not with the field: an enrollment's input makes the field each time.
        return Programme.objects.defer("notice_text", "policy")

    def to_internal_value(self, data: Any) -> Programme:
        # Read through the few seconds' cache: every enrollment submission names its programme.
        if isinstance(data, str) and is_int(data):
            data = int(data)
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("incorrect_type", data_type=type(data).__name__)
        programme = selectors.programme_recent(data) if 0 < data < 2**63 else None
        if programme is None:
            self.fail("does_not_exist", pk_value=data)
        return programme


class ProgrammeOutput(serializers.ModelSerializer):
    policy = serializers.JSONField(help_text="政策配置（第 1 版），各部分见 items、enrollment 等")

    class Meta:
        model = Programme
        fields = [
            "id",
            "code",
            "title",
            "year",
            "kind",
            "issuer",
            "document_number",
            "issued_on",
            "owner",
            "policy",
            "policy_version",
            "revision",
            "preset",
            "created_at",
            "updated_at",
        ]


@extend_schema_field(OpenApiTypes.OBJECT)
class PolicyField(serializers.JSONField):
    default_error_messages = {"not_object": _("应为 JSON 对象，键为政策部分的名称。")}

    def to_internal_value(self, data: Any) -> Any:
        value = super().to_internal_value(data)
        if not isinstance(value, dict):
            self.fail("not_object")
        return value


class ProgrammeInput(serializers.Serializer):
    owner = OrgInScopeField(
        allow_null=True, required=False, help_text="主管单位编号；不填为部级计划（仅部级管理员）"
    )
    code = serializers.SlugField(max_length=60, help_text="代码，字母、数字、下划线或连字符")
    title = serializers.CharField(max_length=200)
    year = serializers.IntegerField(
        min_value=2000, max_value=2100, allow_null=True, required=False, default=None
    )
    kind = serializers.CharField(
        max_length=40,
        required=False,
        allow_blank=True,
        default="",
        help_text="计划类别，如 国培计划",
    )
    issuer = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    document_number = serializers.CharField(
        max_length=60, required=False, allow_blank=True, default=""
    )
    issued_on = DateField(required=False, allow_null=True, default=None)
    policy = PolicyField(help_text="完整的政策配置")


class ProgrammeUpdate(serializers.Serializer):
    owner = OrgInScopeField(allow_null=True, required=False)
    code = serializers.SlugField(max_length=60, required=False)
    title = serializers.CharField(max_length=200, required=False)
    year = serializers.IntegerField(min_value=2000, max_value=2100, allow_null=True, required=False)
    kind = serializers.CharField(max_length=40, required=False, allow_blank=True)
    issuer = serializers.CharField(max_length=100, required=False, allow_blank=True)
    document_number = serializers.CharField(max_length=60, required=False, allow_blank=True)
    issued_on = DateField(required=False, allow_null=True)
    policy = PolicyField(
        required=False,
        help_text='要替换的政策部分，如 {"assessment": {...}}；给出的每个部分整体替换，'
        "未给出的部分不变。给出全部部分即替换整个配置。",
    )
    reason = serializers.CharField(
        max_length=200, required=False, allow_blank=True, help_text="修改说明，记入政策版本"
    )


class ChangeOutput(serializers.Serializer):
    place = serializers.CharField(help_text="设置的位置，如“报名与审核 · 审核流程”")
    before = serializers.CharField()
    after = serializers.CharField()


class RevisionOutput(serializers.Serializer):
    number = serializers.IntegerField(help_text="版本号")
    at = serializers.DateTimeField(help_text="保存时间")
    author = serializers.CharField(allow_null=True, help_text="修改人")
    reason = serializers.CharField(help_text="修改说明")
    changes = ChangeOutput(many=True, help_text="与上一版相比的改动")


class RollbackInput(serializers.Serializer):
    number = serializers.IntegerField(min_value=1, help_text="要恢复的版本号")
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class CloneInput(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100, help_text="新年度")
    code = serializers.SlugField(max_length=60, help_text="新代码，不能与已有计划重复")
    title = serializers.CharField(
        max_length=200, required=False, allow_blank=True, help_text="不填则沿用原名称并改年份"
    )
    days = serializers.IntegerField(
        min_value=-36500,
        max_value=36500,
        required=False,
        help_text="全部日期（报名、培训、审核截止、申报、工作节点）一起平移的天数，先后顺序不变；"
        "不填则按年度差顺延",
    )
    copy_quotas = serializers.IntegerField(
        min_value=1,
        max_value=1000,
        required=False,
        help_text="同时复制名额：原名额的百分比（100 即按原数）；每个培训项目的合计按此比例取整，"
        "再按原名额的比例分给各地区、单位。不填则不复制名额",
    )


@extend_schema_view(
    list=extend_schema(description="培训计划（通知）列表；所有管理角色可查看。"),
    retrieve=extend_schema(description="查看一个培训计划及其政策配置。"),
)
class ProgrammeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    # Programmes for every admin role; changes by admins over the programme's owner.

    serializer_class = ProgrammeOutput
    lookup_value_regex = r"\d+"
    search_fields = ["code", "title", "document_number"]

    def get_queryset(self) -> Any:
        return selectors.programme_list(user=self.request.user).order_by("-year", "code")

    def get_object(self) -> Programme:
        pk = str(self.kwargs.get("pk", ""))
        programme = self.get_queryset().filter(pk=int(pk)).first() if is_int(pk) else None
        if programme is None:
            raise NotFound()
        return programme

    @extend_schema(
        request=ProgrammeInput,
        responses={201: ProgrammeOutput},
        description="新建培训计划；政策配置有误时返回 400，fields.policy 为“位置：原因”列表。",
    )
    def create(self, request: Request) -> Response:
        if not scope.has_any(request.user, "programme.manage"):
            raise NotPermitted()
        data = ProgrammeInput(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        fields.setdefault("owner", None)
        programme = services.programme_create(actor=request.user, **fields)
        return Response(ProgrammeOutput(programme).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=ProgrammeUpdate,
        responses={200: ProgrammeOutput},
        description="修改通知信息和/或政策配置的若干部分；任何一项被拒绝时都不做修改。",
    )
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        programme = self.get_object()
        data = ProgrammeUpdate(data=request.data, partial=True, context={"request": request})
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        sections = fields.pop("policy", None)
        programme = services.programme_patch(
            actor=request.user,
            programme=programme,
            sections=sections,
            reason=fields.pop("reason", ""),
            **fields,
        )
        return Response(ProgrammeOutput(Programme.objects.get(pk=programme.pk)).data)

    @extend_schema(
        request=CloneInput,
        responses={201: ProgrammeOutput},
        description="复制为新年度：通知信息和政策配置，日期按年度差顺延；"
        "给出 copy_quotas 时同时复制名额（按比例），申报项目不复制。",
    )
    @action(detail=True, methods=["post"])
    def clone(self, request: Request, pk: str | None = None) -> Response:
        programme = self.get_object()
        data = CloneInput(data=request.data)
        data.is_valid(raise_exception=True)
        clone = services.programme_clone(
            actor=request.user, programme=programme, **data.validated_data
        )
        return Response(ProgrammeOutput(clone).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        responses={200: RevisionOutput(many=True)},
        description="政策版本：每次保存的修改人、时间、说明和与上一版相比的改动，新的在前。",
    )
    @action(detail=True, methods=["get"])
    def revisions(self, request: Request, pk: str | None = None) -> Response:
        programme = self.get_object()
        revisions = list(programme.revisions.select_related("author__person").order_by("number"))
        out = []
        for previous, revision in zip([None, *revisions], revisions, strict=False):
            out.append(
                {
                    "number": revision.number,
                    "at": revision.at,
                    "author": str(revision.author) if revision.author else None,
                    "reason": revision.reason,
                    "changes": [vars(c) for c in policy_diff(previous.rules, revision.rules)]
                    if previous
                    else [],
                }
            )
        return Response(RevisionOutput(reversed(out), many=True).data)

    @extend_schema(
        request=RollbackInput,
        responses={200: ProgrammeOutput},
        description="恢复为某一版的政策配置，另存为新的一版；已提交的报名仍按各自的版本办理。",
    )
    @action(detail=True, methods=["post"])
    def rollback(self, request: Request, pk: str | None = None) -> Response:
        programme = self.get_object()
        data = RollbackInput(data=request.data)
        data.is_valid(raise_exception=True)
        programme = services.programme_rollback(
            actor=request.user, programme=programme, **data.validated_data
        )
        return Response(ProgrammeOutput(Programme.objects.get(pk=programme.pk)).data)


def register(router: DefaultRouter) -> None:
    """Add the programme endpoints to the API router."""
    router.register("programmes", ProgrammeViewSet, basename="programme")
