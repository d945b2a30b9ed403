"""The shapes of the enrollment API: answers (person data masked: ID number 330106********123X,
mobile 139****0001) and inputs. Shape and format only; the rules are the services'.

The answers are built directly rather than by DRF's walk over the declared fields (the schema is
made from those, and a test compares the two): on a submission in an enrollment rush, that walk
cost more than all the rest of the answer.
"""

import copy
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import empty
from rest_framework.utils import html

from shipei.accounts import scope
from shipei.accounts.api import TeacherSerializer
from shipei.accounts.models import Person
from shipei.accounts.selectors import person_submitting
from shipei.classes.models import TrainingClass
from shipei.core.api import IdNumberField
from shipei.orgs.api import OrgInScopeField
from shipei.programmes.api import ProgrammeField
from shipei.projects.models import LISTED

from . import approvals
from .models import Enrollment, EnrollmentEvent

Status = Enrollment.Status
MAX_ID = 2**63 - 1
# What get_FOO_display() gives, without building the choices' mapping for every call.
CHANNEL_LABELS = dict(Enrollment.Channel.choices)
STATUS_LABELS = dict(Enrollment.Status.choices)


# --- output ---------------------------------------------------------------------------------


class PersonMasked(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    id_number = serializers.CharField(
        source="id_number_masked", help_text="脱敏显示，如 330106********1234"
    )
    mobile = serializers.CharField(source="mobile_masked", help_text="脱敏显示，如 186****1402")


class NextStep(serializers.Serializer):
    label = serializers.CharField()
    role = serializers.CharField()


class BuiltOnce:
    """Fields built once per serializer class (for a ModelSerializer, from the model), then
    made afresh for each use from the same arguments, as ``copy.deepcopy`` makes them, but
    without deep-copying arguments no field changes (choices, help texts, querysets): these
    copies were most of the cost of a small request's input and answer."""

    def get_fields(self) -> dict[str, Any]:
        cls = type(self)
        built = cls.__dict__.get("_built_fields")
        if built is None:
            built = super().get_fields()  # type: ignore[misc]
            cls._built_fields = built  # type: ignore[attr-defined]
        data = getattr(self, "initial_data", None)
        # Not for form input, whose nested fields arrive as "teacher.title" and the like.
        if isinstance(data, Mapping) and not html.is_html_input(data):
            # Input: an optional field the request leaves out validates to nothing (DRF skips
            # it), so it is not made at all, least of all a nested serializer.
            return {
                name: _fresh(field)
                for name, field in built.items()
                if name in data or field.required or field.default is not empty
            }
        return {name: _fresh(field) for name, field in built.items()}


def _fresh(field: serializers.Field) -> serializers.Field:
    # A field holding another (a list's child) is copied whole: never shared between requests.
    args, kwargs = field._args, field._kwargs  # type: ignore[attr-defined]
    if any(isinstance(a, serializers.Field) for a in (*args, *kwargs.values())):
        return copy.deepcopy(field)
    return field.__class__(*args, **kwargs)


# DRF's own formatting of a moment (ISO 8601 in the current time zone), shared: it keeps no state.
_DATETIME = serializers.DateTimeField()


def _when(moment: Any) -> str | None:
    return _DATETIME.to_representation(moment) if moment is not None else None


class EventOutput(BuiltOnce, serializers.ModelSerializer):
    actor_name = serializers.SerializerMethodField()

    class Meta:
        model = EnrollmentEvent
        fields = ["action", "step", "step_label", "actor_name", "reason", "at"]

    def get_actor_name(self, obj: EnrollmentEvent) -> str:
        return obj.actor.display_name if obj.actor_id else ""

    def to_representation(self, obj: EnrollmentEvent) -> dict[str, Any]:
        # What the declared fields give (a test compares the two), built directly, as below.
        return {
            "action": obj.action,
            "step": obj.step,
            "step_label": obj.step_label,
            "actor_name": self.get_actor_name(obj),
            "reason": obj.reason,
            "at": _DATETIME.to_representation(obj.at),
        }


class EnrollmentOutput(BuiltOnce, serializers.ModelSerializer):
    person = PersonMasked(read_only=True)
    programme_title = serializers.CharField(source="programme.title", read_only=True)
    item_label = serializers.SerializerMethodField()
    org_name = serializers.CharField(source="org.name", read_only=True)
    class_label = serializers.SerializerMethodField()
    channel_label = serializers.CharField(source="get_channel_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    step_label = serializers.SerializerMethodField()

    class Meta:
        model = Enrollment
        fields = [
            "id",
            "programme",
            "programme_title",
            "item",
            "item_label",
            "project",
            "training_class",
            "class_label",
            "person",
            "org",
            "org_name",
            "channel",
            "channel_label",
            "status",
            "status_label",
            "step",
            "step_label",
            "quota",
            "holds_seat",
            "reason",
            "submitted_at",
            "decided_at",
            "updated_at",
        ]

    def _rules(self, obj: Enrollment) -> Any:
        # One parse of the policy per programme and response, not one per row.
        cache = self.context.setdefault("_rules", {})
        if obj.programme_id not in cache:
            cache[obj.programme_id] = obj.programme.rules
        return cache[obj.programme_id]

    def get_item_label(self, obj: Enrollment) -> str:
        try:
            return self._rules(obj).item(obj.item).label
        except StopIteration:
            return obj.item

    def get_class_label(self, obj: Enrollment) -> str:
        return str(obj.training_class) if obj.training_class_id else ""

    def to_representation(self, obj: Enrollment) -> dict[str, Any]:
        """What the declared fields give (the schema is made from them, and a test compares
        the two answers), built directly: DRF's walk over the fields, one by one, cost more than
        all the rest of a submission's answer."""
        person = obj.person
        return {
            "id": obj.pk,
            "programme": obj.programme_id,
            "programme_title": obj.programme.title,
            "item": obj.item,
            "item_label": self.get_item_label(obj),
            "project": obj.project_id,
            "training_class": obj.training_class_id,
            "class_label": self.get_class_label(obj),
            "person": {
                "id": person.pk,
                "name": person.name,
                "id_number": person.id_number_masked,
                "mobile": person.mobile_masked,
            },
            "org": obj.org_id,
            "org_name": obj.org.name,
            "channel": obj.channel,
            "channel_label": str(CHANNEL_LABELS.get(obj.channel, obj.channel)),
            "status": obj.status,
            "status_label": str(STATUS_LABELS.get(obj.status, obj.status)),
            "step": obj.step,
            "step_label": self.get_step_label(obj),
            "quota": obj.quota_id,
            "holds_seat": obj.holds_seat,
            "reason": obj.reason,
            "submitted_at": _when(obj.submitted_at),
            "decided_at": _when(obj.decided_at),
            "updated_at": _when(obj.updated_at),
        }

    def get_step_label(self, obj: Enrollment) -> str:
        step = approvals.current_step(obj) if obj.status == Status.SUBMITTED else None
        return step.label if step else ""


class EnrollmentDetail(EnrollmentOutput):
    next_step = serializers.SerializerMethodField()
    may_decide = serializers.SerializerMethodField()
    history = serializers.SerializerMethodField()

    class Meta(EnrollmentOutput.Meta):
        fields = [*EnrollmentOutput.Meta.fields, "next_step", "may_decide", "history"]

    def to_representation(self, obj: Enrollment) -> dict[str, Any]:
        return {
            **super().to_representation(obj),
            "next_step": self.get_next_step(obj),
            "may_decide": self.get_may_decide(obj),
            "history": self.get_history(obj),
        }

    @extend_schema_field(NextStep(allow_null=True))
    def get_next_step(self, obj: Enrollment) -> dict[str, str] | None:
        return approvals.next_step(obj)

    def get_may_decide(self, obj: Enrollment) -> bool:
        return approvals.may_decide(getattr(self.context.get("request"), "user", None), obj)

    @extend_schema_field(EventOutput(many=True))
    def get_history(self, obj: Enrollment) -> list[dict[str, Any]]:
        if obj.history is not None:
            events = obj.history  # a new enrollment's, from the service: no query
        else:
            events = obj.events.select_related("actor__person").order_by("at", "pk")
        output = EventOutput()
        return [output.to_representation(event) for event in events]


class BatchOutput(serializers.Serializer):
    count = serializers.IntegerField()
    results = EnrollmentOutput(many=True)


# --- input ----------------------------------------------------------------------------------


@extend_schema_field(OpenApiTypes.INT)
class PersonInScopeField(serializers.PrimaryKeyRelatedField):
    """A person id: the caller's own record or someone it may see; others read as unknown."""

    default_error_messages = {
        "does_not_exist": _("未找到该人员，或其不在您的管理范围内。"),
        "incorrect_type": _("请填写人员编号（整数）。"),
    }

    def get_queryset(self) -> Any:
        return Person.objects.filter(scope.people_q(self._user(), "person.view"))

    def _user(self) -> Any:
        return getattr(self.context.get("request"), "user", None)

    def to_internal_value(self, data: Any) -> Person:
        # One lookup by primary key and the scope checked on the row (scope.allows_person is
        # people_q's own rule), rather than a query built from every path the caller reaches.
        try:
            if isinstance(data, bool):
                raise TypeError
            pk = int(data)  # as the ORM's lookup by primary key reads it
        except (TypeError, ValueError):
            self.fail("incorrect_type", data_type=type(data).__name__)
        person = person_submitting(pk) if 0 < pk <= MAX_ID else None
        if person is None or not scope.allows_person(self._user(), "person.view", person):
            self.fail("does_not_exist", pk_value=data)
        return person


@extend_schema_field(OpenApiTypes.INT)
class OpenClassField(serializers.PrimaryKeyRelatedField):
    default_error_messages = {
        "does_not_exist": _("未找到该班次，或该班次所属项目尚未发布。"),
        "incorrect_type": _("请填写班次编号（整数）。"),
    }

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            # Classes of published projects: the service says why one takes no enrollment now
            # (its project's or its own state).
            queryset=TrainingClass.objects.filter(project__status__in=LISTED).select_related(
                "project"
            ),
            **kwargs,
        )


class SubmitInput(BuiltOnce, serializers.Serializer):
    programme = ProgrammeField(help_text="培训计划编号")
    item = serializers.CharField(max_length=40, help_text="培训项目代码（见培训计划的 items）")
    person = PersonInScopeField(
        required=False, allow_null=True, help_text="人员编号；与 id_number 二选一"
    )
    id_number = IdNumberField(
        max_length=30,
        required=False,
        help_text="身份证号（推荐报名时用）：已登记的人员按身份证号查找，未登记的在 org 登记",
    )
    name = serializers.CharField(max_length=50, required=False, help_text="姓名（与身份证号一起）")
    mobile = serializers.CharField(
        max_length=20, required=False, allow_blank=True, help_text="手机号（新登记人员时使用）"
    )
    org = OrgInScopeField(
        required=False, help_text="新登记人员所在学校（单位编号）；学校联系人可省略"
    )
    teacher = TeacherSerializer(required=False, help_text="新登记人员的职称、教龄、任教专业")
    channel = serializers.ChoiceField(
        choices=Enrollment.Channel.choices,
        required=False,
        help_text="报名方式；省略时，本人报名为个人报名，否则为培训计划接受的推荐方式",
    )
    training_class = OpenClassField(required=False, allow_null=True, help_text="班次编号")
    answers = serializers.DictField(
        required=False,
        help_text="参训申请表的填写内容（培训计划设有申请表时必填），按问题代码："
        "文字和单选题为文字，逐项评价题为 {评价内容: 选项}，声明题为 true；"
        "取自教师档案的问题不必填写",
    )

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        if bool(data.get("person")) == bool(data.get("id_number")):
            raise serializers.ValidationError(
                {"person": _("请填写人员编号，或填写身份证号和姓名（二选一）。")}
            )
        if data.get("id_number") and not (data.get("name") or "").strip():
            raise serializers.ValidationError({"name": _("按身份证号报名时请填写姓名。")})
        return data


class ReasonInput(serializers.Serializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class BatchInput(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        min_length=1,
        max_length=500,
        help_text="报名编号（最多 500 个）",
    )
    decision = serializers.ChoiceField(
        choices=[("approve", _("通过")), ("reject", _("不通过")), ("return", _("退回修改"))]
    )
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class EnrollmentQuery(serializers.Serializer):
    programme = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    item = serializers.CharField(max_length=40, required=False)
    status = serializers.ChoiceField(choices=Enrollment.Status.choices, required=False)
    org = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text="单位编号（含下级单位）"
    )


class ApplicationAnswer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    kind = serializers.CharField()
    text = serializers.CharField(help_text="填写内容；身份证号和手机号脱敏显示")
    rows = serializers.DictField(
        child=serializers.CharField(), help_text="逐项评价题：{评价内容: 选项}"
    )


class ApplicationOutput(serializers.Serializer):
    enrollment = serializers.IntegerField()
    form = serializers.CharField(help_text="申请表名称")
    signed_at = serializers.DateTimeField(allow_null=True, help_text="申请人确认声明的时间")
    answers = ApplicationAnswer(many=True)
