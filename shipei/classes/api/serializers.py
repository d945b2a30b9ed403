"""What the class endpoints answer and accept."""

import base64
import binascii
from typing import Any

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from shipei.programmes.api import ProgrammeField

from .. import flow
from ..milestones import next_milestone
from ..models import ClassAmendment, HalfYearPlan, HalfYearPlanLine, TrainingClass

S = TrainingClass.Status
# The moves a class may be asked for over the API, each by its service: the input's choices.
MOVES = {
    S.APPLIED: flow.class_apply,
    S.ENROLLING: flow.class_open_enrollment,
    S.RUNNING: flow.class_start,
    S.ASSESSING: flow.class_start_assessment,
    S.CLOSED: flow.class_close,
}


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
