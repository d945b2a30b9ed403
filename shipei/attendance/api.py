"""Attendance over the API: the records in scope, a session marked in one call (the grid), a
trainee's check-in with the room's code, and a class's standing against the absence limit.
The same selectors and services as the pages, scoped the same way."""

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from shipei.core.errors import NotFound

from . import selectors, services
from .models import AttendanceRecord

S = AttendanceRecord.Status


def register(router: DefaultRouter) -> None:
    router.register("attendance", AttendanceViewSet, basename="attendance")


class RecordOutput(serializers.ModelSerializer):
    training_class = serializers.IntegerField(source="session.training_class_id", read_only=True)
    session_title = serializers.CharField(source="session.title", read_only=True)
    trainee = serializers.CharField(source="enrollment.person.name", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = AttendanceRecord
        fields = [
            "id",
            "training_class",
            "session",
            "session_title",
            "enrollment",
            "trainee",
            "status",
            "status_label",
            "hours",
            "source",
            "checked_in_at",
            "updated_at",
        ]


class Mark(serializers.Serializer):
    enrollment = serializers.IntegerField(help_text="学员报名编号（本班学员名单中的）")
    status = serializers.CharField(help_text="present 出勤、late 迟到、leave 请假、absent 缺勤")


class GridInput(serializers.Serializer):
    session = serializers.IntegerField(help_text="课次编号")
    marks = Mark(many=True, allow_empty=False)


class GridOutput(serializers.Serializer):
    created = serializers.IntegerField()
    changed = serializers.IntegerField()
    unchanged = serializers.IntegerField()


class CheckInInput(serializers.Serializer):
    session = serializers.IntegerField(help_text="课次编号（签到码中的）")
    slot = serializers.IntegerField(help_text="签到码的时段（签到码中的）")
    sig = serializers.CharField(max_length=64, help_text="签到码的签名（签到码中的）")


class CheckInOutput(serializers.Serializer):
    record = RecordOutput()
    created = serializers.BooleanField(help_text="false：此前已签到，未作改动")


class StandingOutput(serializers.Serializer):
    enrollment = serializers.IntegerField(source="enrollment.pk")
    trainee = serializers.CharField(source="enrollment.person.name")
    attended_hours = serializers.DecimalField(max_digits=6, decimal_places=1)
    missed_hours = serializers.DecimalField(max_digits=6, decimal_places=1)
    limit = serializers.DecimalField(max_digits=6, decimal_places=1, allow_null=True)
    barred = serializers.BooleanField(help_text="请假缺勤超过上限，不能参加考核")
    at_risk = serializers.BooleanField(help_text="再缺一个课次就会超过上限")


class RecordQuery(serializers.Serializer):
    training_class = serializers.IntegerField(required=False)
    session = serializers.IntegerField(required=False)
    status = serializers.ChoiceField(choices=S.choices, required=False)


@extend_schema_view(
    list=extend_schema(
        parameters=[RecordQuery],
        description="考勤记录：调用者可查看的班次（本机构或管理范围内、本人授课的课次）的记录，"
        "以及本人的记录。",
    ),
    retrieve=extend_schema(description="查看一条考勤记录。"),
)
class AttendanceViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = RecordOutput
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return AttendanceRecord.objects.none()
        qs = selectors.record_list(user=self.request.user)
        if self.action != "list":
            return qs
        query = RecordQuery(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        found = query.validated_data
        if "training_class" in found:
            qs = qs.filter(session__training_class_id=found["training_class"])
        if "session" in found:
            qs = qs.filter(session_id=found["session"])
        if "status" in found:
            qs = qs.filter(status=found["status"])
        return qs

    def get_object(self) -> AttendanceRecord:
        try:
            return selectors.record_list(user=self.request.user).get(pk=int(self.kwargs["pk"]))
        except (AttendanceRecord.DoesNotExist, ValueError):
            raise NotFound() from None

    @extend_schema(
        request=GridInput,
        responses={200: GridOutput},
        description="点名：一次提交一个课次全班（或部分）学员的考勤。学员须在本班学员名单中，"
        "课次须已开始，班次须在培训中；有一条不符合则全部不保存。",
    )
    @action(detail=False, methods=["post"])
    def grid(self, request: Request) -> Response:
        data = GridInput(data=request.data)
        data.is_valid(raise_exception=True)
        session = selectors.session_get(user=request.user, pk=data.validated_data["session"])
        marks = {m["enrollment"]: m["status"] for m in data.validated_data["marks"]}
        counts = services.attendance_mark(actor=request.user, session=session, marks=marks)
        return Response(GridOutput(counts).data)

    @extend_schema(
        request=CheckInInput,
        responses={200: CheckInOutput},
        description="扫码签到：学员用教室屏幕上的签到码（每 30 秒更换，当前和上一个有效）签到，"
        "开课前为出勤、开课后为迟到。伪造或过期的签到码、不在本班名单中的学员被拒绝。",
    )
    @action(detail=False, methods=["post"], url_path="check-in")
    def check_in(self, request: Request) -> Response:
        data = CheckInInput(data=request.data)
        data.is_valid(raise_exception=True)
        done = services.attendance_check_in(
            actor=request.user,
            session_id=data.validated_data["session"],
            slot=data.validated_data["slot"],
            sig=data.validated_data["sig"],
        )
        return Response(CheckInOutput({"record": done.record, "created": done.created}).data)

    @extend_schema(
        parameters=[OpenApiParameter("training_class", int, required=True, description="班次编号")],
        responses={200: StandingOutput(many=True)},
        description="考核资格：班次每位学员的计入学时、请假缺勤学时、缺勤上限和是否可参加考核。",
    )
    @action(detail=False, methods=["get"])
    def standings(self, request: Request) -> Response:
        pk = request.query_params.get("training_class", "")
        if not pk.isdigit():
            raise NotFound()
        cls = selectors.class_get(user=request.user, pk=int(pk))
        return Response(StandingOutput(selectors.standings(cls), many=True).data)
