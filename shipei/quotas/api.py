"""Quotas over the API: the same selectors and services as the matrix page."""

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from shipei.accounts import scope
from shipei.orgs.models import Organisation, Region
from shipei.programmes.selectors import programme_list

from . import services
from .apportion import METHODS, apportion
from .models import Quota


class QuotaOutput(serializers.ModelSerializer):
    region_name = serializers.CharField(source="region.name", default=None, read_only=True)
    org_name = serializers.CharField(source="org.name", default=None, read_only=True)
    seats_free = serializers.IntegerField(read_only=True)

    class Meta:
        model = Quota
        fields = [
            "id",
            "programme",
            "item",
            "region",
            "region_name",
            "org",
            "org_name",
            "parent",
            "seats",
            "seats_split",
            "seats_held",
            "seats_free",
            "on_demand",
            "updated_at",
        ]


class QuotaInput(serializers.Serializer):
    programme = serializers.IntegerField(help_text="培训计划编号")
    item = serializers.CharField(max_length=40, help_text="培训项目代码（见培训计划的 items）")
    region = serializers.RegexField(
        r"^\d{6}$", required=False, allow_null=True, help_text="接收地区的区划代码（与 org 二选一）"
    )
    org = serializers.IntegerField(required=False, allow_null=True, help_text="接收单位编号")
    seats = serializers.IntegerField(min_value=0, max_value=1_000_000)
    on_demand = serializers.BooleanField(required=False, default=False)
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        user = self.context["request"].user
        programme = programme_list(user=user).filter(pk=data["programme"]).first()
        if programme is None:
            raise serializers.ValidationError({"programme": _("未找到该培训计划。")})
        data["programme"] = programme
        if bool(data.get("region")) == bool(data.get("org")):
            raise serializers.ValidationError({"region": _("请填写接收地区或接收单位（二选一）。")})
        if data.get("region"):
            data["region"] = Region.objects.filter(code=data["region"]).first()
            if data["region"] is None:
                raise serializers.ValidationError({"region": _("区划代码不存在。")})
        else:
            org = Organisation.objects.filter(pk=data["org"]).first()
            if org is None or not scope.allows(user, "quota.view", org):
                raise serializers.ValidationError(
                    {"org": _("未找到该单位，或它不在您的管理范围内。")}
                )
            data["org"] = org
        return data


class ApportionInput(serializers.Serializer):
    seats = serializers.IntegerField(min_value=0, max_value=1_000_000)
    weights = serializers.ListField(
        child=serializers.IntegerField(min_value=0), min_length=1, max_length=5000
    )
    method = serializers.ChoiceField(choices=list(METHODS.items()), default="hamilton")


class ApportionOutput(serializers.Serializer):
    seats = serializers.ListField(child=serializers.IntegerField())


@extend_schema_view(
    list=extend_schema(description="本人可见的名额（按培训计划筛选：?programme=编号）。"),
    retrieve=extend_schema(description="查看一条名额。"),
    destroy=extend_schema(description="收回一条名额（已有人占用或已下分时不可收回）。"),
)
class QuotaViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = QuotaOutput
    filterset_fields = ["programme", "item", "parent"]

    def get_queryset(self) -> Any:
        programmes = programme_list(user=self.request.user)
        return (
            Quota.objects.filter(programme__in=programmes)
            .filter(scope.receivers_q(self.request.user, "quota.view"))
            .select_related("region", "org")
            .order_by("programme", "item", "pk")
        )

    def perform_destroy(self, instance: Quota) -> None:
        services.quota_delete(actor=self.request.user, quota=instance)

    @extend_schema(
        request=QuotaInput,
        responses={200: QuotaOutput},
        description="设置一个地区或单位的名额：没有则分配，已有则调整。名额从其上级名额中划出；"
        "超出上级可分配数、低于已占用和已下分数时拒绝，且不作任何改动。",
    )
    @action(detail=False, methods=["post"], url_path="set")
    def set_seats(self, request: Request) -> Response:
        data = QuotaInput(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        quota = services.quota_set(actor=request.user, **data.validated_data)
        return Response(QuotaOutput(quota).data)

    @extend_schema(
        request=ApportionInput,
        responses={200: ApportionOutput},
        description="按权重比例分配名额的预览（最大余额法 hamilton 或圣拉古法 sainte_lague），"
        "总数恰好等于 seats；不保存任何数据。",
    )
    @action(detail=False, methods=["post"], url_path="apportion")
    def apportion_preview(self, request: Request) -> Response:
        data = ApportionInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            seats = apportion(**data.validated_data)
        except ValueError as exc:
            return Response(
                {"code": "invalid", "message": str(exc), "fields": {}},
                status=status.HTTP_400_BAD_REQUEST,
            )
        return Response({"seats": seats})


def register(router: DefaultRouter) -> None:
    """Add the quota endpoints to the API router."""
    router.register("quotas", QuotaViewSet, basename="quota")
