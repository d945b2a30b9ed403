"""Participant lists over the API, for a province's own system: submit the list (optionally
with its people, as the 附件3 file or as rows of JSON, imported first with the same checks, all
or nothing), read its state and each row's enrollment."""

import base64
import binascii
import hashlib
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from shipei.core.excel import ExcelFormatError
from shipei.core.parsers import JSONParser
from shipei.core.views_util import client_ip
from shipei.orgs.models import Region
from shipei.programmes.api import ProgrammeField

from . import imports, lists
from .import_layouts import PARTICIPANT_COLUMNS
from .models import Enrollment, ParticipantList

MAX_ROWS = 5000
ROW_KEYS = "、".join(f"{c.key}（{c.label}）" for c in PARTICIPANT_COLUMNS if c.key != "seq")


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


class ListRowOutput(serializers.Serializer):
    enrollment = serializers.IntegerField(source="id", help_text="报名编号")
    name = serializers.CharField(help_text="学员姓名")
    org = serializers.CharField(help_text="单位名称")
    item = serializers.CharField(help_text="培训项目代码")
    base = serializers.IntegerField(allow_null=True, help_text="承训单位编号")
    status = serializers.CharField(allow_null=True, help_text="报名当前状态；已删除为 null")
    status_display = serializers.CharField(allow_null=True, help_text="状态的中文名称")


class ListDetailOutput(ListOutput):
    rows = serializers.SerializerMethodField(help_text="您可查看的各行及其报名的当前状态")

    class Meta(ListOutput.Meta):
        fields = [*ListOutput.Meta.fields, "rows"]

    @extend_schema_field(ListRowOutput(many=True))
    def get_rows(self, obj: ParticipantList) -> list[dict[str, Any]]:
        rows = lists.rows_for(self.context["request"].user, obj)
        now = {e.pk: e for e in Enrollment.objects.filter(pk__in=[r["id"] for r in rows])}
        out = []
        for r in rows:
            e = now.get(r["id"])
            status_of = {"status": e.status, "status_display": e.get_status_display()} if e else {}
            out.append({**r, "status": None, "status_display": None, **status_of})
        return ListRowOutput(out, many=True).data


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
    rows = serializers.ListField(
        child=serializers.DictField(),
        required=False,
        max_length=MAX_ROWS,
        help_text=f"或以 JSON 给出名单各行（与 file 二选一，最多 {MAX_ROWS} 行），键为：{ROW_KEYS}；"
        "检查与导入文件相同，问题按行号（从 1 起）列出",
    )
    scan = serializers.FileField(required=False, help_text="加盖公章的名单扫描件（PDF 或图片）")
    scan_base64 = serializers.CharField(
        required=False,
        help_text="JSON 请求中的扫描件：文件内容的 Base64（不超过 15 MB），与 scan_name 一起给出",
    )
    scan_name = serializers.CharField(
        required=False, max_length=100, help_text="扫描件的文件名，如 名单盖章.pdf"
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        encoded = attrs.pop("scan_base64", None)
        name = attrs.pop("scan_name", "")
        if encoded is not None:
            if attrs.get("scan"):
                raise serializers.ValidationError({"scan_base64": [_("请只给出一份扫描件。")]})
            try:
                content = base64.b64decode(encoded, validate=True)
            except (binascii.Error, ValueError):
                raise serializers.ValidationError(
                    {"scan_base64": [_("扫描件不是有效的 Base64 内容。")]}
                ) from None
            if not name:
                raise serializers.ValidationError({"scan_name": [_("请给出扫描件的文件名。")]})
            attrs["scan"] = ContentFile(content, name=name)
        if attrs.get("file") and attrs.get("rows") is not None:
            raise serializers.ValidationError({"rows": [_("请在 file 与 rows 中选择一种。")]})
        if attrs.get("rows") == []:
            raise serializers.ValidationError({"rows": [_("名单没有数据行。")]})
        return attrs


class ListViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ListOutput
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    lookup_value_regex = r"\d+"

    queryset = ParticipantList.objects.none()  # the schema's model; requests use lists_for

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return lists.lists_for(self.request.user)

    def get_serializer_class(self) -> Any:
        return ListDetailOutput if self.action == "retrieve" else ListOutput

    @extend_schema(
        request=ListInput,
        responses={201: ListOutput},
        description="报送本省参训人员名单，保存为新的一版（列出与上一版相比的增减）。附上 file"
        "（multipart）或 rows（JSON）时先导入名单（与页面导入相同的检查，有任何一行不通过则不做"
        "任何修改，返回各行问题）。请求头 Idempotency-Key 相同的重复请求只报送一次。"
        "GET 单个名单时返回您可查看的各行及其报名的当前状态。",
    )
    def create(self, request: Request) -> Response:
        data = ListInput(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        v = data.validated_data
        raw = (request.headers.get("Idempotency-Key") or "").strip()[:200]
        key = hashlib.sha256(f"{request.user.pk}:{raw}".encode()).hexdigest() if raw else None
        with transaction.atomic():
            given = v.get("file") or v.get("rows")
            if given and not (key and ParticipantList.objects.filter(client_key=key)):
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
        where = "file" if v.get("file") else "rows"
        try:
            if where == "file":
                _sheet, rows, problems = imports.parse_enrollments(
                    user=request.user, programme=v["programme"], layout=layout, upload=v["file"]
                )
            else:
                sheet = imports.sheet_from_records(layout, v["rows"])
                rows, problems = imports.check_sheet(
                    user=request.user, programme=v["programme"], layout=layout, sheet=sheet
                )
        except ExcelFormatError as exc:
            raise serializers.ValidationError({where: [str(exc)]}) from None
        if problems:
            raise serializers.ValidationError({where: [str(p) for p in problems]})
        imports.enrollment_import(
            actor=request.user,
            programme=v["programme"],
            layout=layout,
            rows=rows,
            filename=getattr(v.get("file"), "name", "") or "API",
        )
