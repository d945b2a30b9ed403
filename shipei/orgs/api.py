"""Regions and organisations over the API: the same selectors and services as the pages."""

import re
from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from shipei.core.access import scope
from shipei.core.errors import NotPermitted

from . import selectors, services
from .models import Designation, Organisation, Region


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["code", "name", "short_name", "level", "parent", "aliases"]


@extend_schema_view(
    list=extend_schema(description="GB/T 2260 省级和地级行政区划（660000 为新疆生产建设兵团）。"),
    retrieve=extend_schema(description="按区划代码查看一个行政区划。"),
)
class RegionViewSet(viewsets.ReadOnlyModelViewSet):
    # GB/T 2260 provinces and prefectures (660000: 新疆生产建设兵团); the API docs show the
    # descriptions above, so they are in Chinese.

    serializer_class = RegionSerializer
    filterset_fields = ["level", "parent"]
    search_fields = ["name", "short_name"]
    lookup_field = "code"

    def get_queryset(self) -> Any:
        return selectors.region_list()


class DesignationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Designation
        fields = ["kind", "year_from", "year_to", "note"]


class OrgOutput(serializers.ModelSerializer):
    aliases = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")
    designations = DesignationSerializer(many=True, read_only=True)

    class Meta:
        model = Organisation
        fields = [
            "id",
            "name",
            "kind",
            "parent",
            "region",
            "school_kind",
            "school_code",
            "credit_code",
            "is_active",
            "aliases",
            "designations",
            "depth",
        ]


@extend_schema_field(OpenApiTypes.INT)
class OrgInScopeField(serializers.PrimaryKeyRelatedField):
    """An organisation id: one outside the caller's scope reads exactly like an unknown id."""

    default_error_messages = {
        "does_not_exist": _("未找到该单位，或它不在您的管理范围内。"),
        "incorrect_type": _("请填写单位编号（整数）。"),
    }

    def get_queryset(self) -> Any:
        user = getattr(self.context.get("request"), "user", None)
        return Organisation.objects.filter(scope.orgs_q(user, "org.view", via=None))


@extend_schema_field(OpenApiTypes.STR)
class RegionCodeField(serializers.PrimaryKeyRelatedField):
    """A six-digit region code; anything else is refused before it reaches a query."""

    default_error_messages = {
        "does_not_exist": _("未找到该行政区划代码。"),
        "incorrect_type": _("行政区划代码应为6位数字。"),
    }

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(queryset=Region.objects.all(), **kwargs)

    def to_internal_value(self, data: Any) -> Region:
        if not isinstance(data, str | int) or not re.fullmatch(r"\d{6}", str(data)):
            self.fail("incorrect_type", data_type=type(data).__name__)
        return super().to_internal_value(str(data))


class OrgInput(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    kind = serializers.ChoiceField(choices=Organisation.Kind.choices)
    parent = OrgInScopeField()
    region = RegionCodeField(required=False, allow_null=True)
    school_kind = serializers.ChoiceField(
        choices=Organisation.SchoolKind.choices, required=False, allow_blank=True
    )
    school_code = serializers.CharField(
        max_length=20, required=False, allow_blank=True, allow_null=True
    )
    credit_code = serializers.CharField(
        max_length=30, required=False, allow_blank=True, allow_null=True
    )


class OrgUpdate(OrgInput):
    name = serializers.CharField(max_length=100, required=False)
    kind = serializers.ChoiceField(choices=Organisation.Kind.choices, required=False)
    parent = OrgInScopeField(required=False)


@extend_schema_view(
    list=extend_schema(description="调用者管理范围内的机构。"),
    retrieve=extend_schema(description="查看管理范围内的一个机构；范围外与不存在一样返回 404。"),
)
class OrgViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    # Organisations in the caller's scope; create under a parent in scope; update in scope.

    serializer_class = OrgOutput
    filterset_fields = ["kind", "school_kind", "region", "parent", "is_active"]
    search_fields = ["name", "aliases__name", "school_code"]

    def get_queryset(self) -> Any:
        return (
            selectors.org_list(user=self.request.user).prefetch_related("aliases").order_by("path")
        )

    def get_object(self) -> Organisation:
        return scope.get_in_scope(
            self.request.user, "org.view", Organisation.objects, via=None, pk=self.kwargs["pk"]
        )

    @extend_schema(
        request=OrgInput,
        responses={201: OrgOutput},
        description="在管理范围内的上级单位下新建机构。",
    )
    def create(self, request: Request) -> Response:
        if not scope.has_any(request.user, "org.create"):
            raise NotPermitted()  # the role creates nowhere: say so, whatever the parent
        data = OrgInput(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        parent = fields.pop("parent")
        org = services.org_create(actor=request.user, parent=parent, **fields)
        return Response(OrgOutput(org).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=OrgUpdate,
        responses={200: OrgOutput},
        description="修改机构信息或调整上级单位；任何一项被拒绝时都不做修改。",
    )
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        org = self.get_object()
        data = OrgUpdate(data=request.data, partial=True, context={"request": request})
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        parent = fields.pop("parent", None)
        org = services.org_update(actor=request.user, org=org, parent=parent, **fields)
        return Response(OrgOutput(Organisation.objects.get(pk=org.pk)).data)
