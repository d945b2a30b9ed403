"""Participant lists over the API, for a province's own system: submit the list (optionally
with the 附件3 file, imported first with the same checks, all or nothing), read its state."""

import hashlib
from typing import Any

from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from shipei.core.excel import ExcelFormatError
from shipei.core.views_util import client_ip
from shipei.orgs.models import Region
from shipei.programmes.api import ProgrammeField

from . import imports, lists
from .models import ParticipantList


class ListOutput(serializers.ModelSerializer):
    province = serializers.CharField(source="province.code")
    count = serializers.SerializerMethodField(help_text="人数")

    class Meta:
        model = ParticipantList
        fields = [
            "id",
            "programme",
            "province",
            "item",
            "version",
            "status",
            "to",
            "count",
            "added",
            "removed",
            "submitted_at",
            "received_at",
            "forwarded_at",
        ]

    def get_count(self, obj: ParticipantList) -> int:
        return len(obj.rows)


class ListInput(serializers.Serializer):
    programme = ProgrammeField(help_text="培训计划编号")
    province = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Region.objects.filter(level=Region.Level.PROVINCE),
        help_text="省份区划代码，如 330000",
    )
    item = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    file = serializers.FileField(
        required=False,
        help_text="附件3 名单（.xlsx/.xls/.csv）：先按与页面相同的检查导入，全部通过才报送",
    )
    scan = serializers.FileField(required=False, help_text="加盖公章的名单扫描件（PDF 或图片）")


class ListViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ListOutput
    parser_classes = [MultiPartParser, FormParser]
    lookup_value_regex = r"\d+"

    queryset = ParticipantList.objects.none()  # the schema's model; requests use lists_for

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return lists.lists_for(self.request.user)

    @extend_schema(
        request=ListInput,
        responses={201: ListOutput},
        description="报送本省参训人员名单，保存为新的一版（列出与上一版相比的增减）。附上 file 时"
        "先导入名单（与页面导入相同的检查，有任何一行不通过则不做任何修改，返回各行问题）。"
        "请求头 Idempotency-Key 相同的重复请求只报送一次。",
    )
    def create(self, request: Request) -> Response:
        data = ListInput(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        v = data.validated_data
        raw = (request.headers.get("Idempotency-Key") or "").strip()[:200]
        key = hashlib.sha256(f"{request.user.pk}:{raw}".encode()).hexdigest() if raw else None
        with transaction.atomic():
            if v.get("file") and not (key and ParticipantList.objects.filter(client_key=key)):
                self._import(request, v)
            plist = lists.list_submit(
                actor=request.user,
                programme=v["programme"],
                province=v["province"],
                item=v["item"],
                scan=v.get("scan"),
                key=key,
                ip=client_ip(request),
            )
        return Response(ListOutput(plist).data, status=status.HTTP_201_CREATED)

    def _import(self, request: Request, v: dict[str, Any]) -> None:
        layout = imports.LAYOUTS["participants"]
        try:
            _sheet, rows, problems = imports.parse_enrollments(
                user=request.user, programme=v["programme"], layout=layout, upload=v["file"]
            )
        except ExcelFormatError as exc:
            raise serializers.ValidationError({"file": [str(exc)]}) from None
        if problems:
            raise serializers.ValidationError({"file": [str(p) for p in problems]})
        imports.enrollment_import(
            actor=request.user,
            programme=v["programme"],
            layout=layout,
            rows=rows,
            filename=getattr(v["file"], "name", ""),
        )
