"""Enrollments over the API: the same selectors and services as the pages, so that a province's
own system can submit its lists and take its approval steps under the same rules.

Person data is masked in every response (ID number 330106********123X, mobile 139****0001).
"""

import contextlib
import copy
import hashlib
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.fields import empty
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter
from rest_framework.utils import html

from shipei.accounts import scope
from shipei.accounts import services as accounts
from shipei.accounts.api import TeacherSerializer
from shipei.accounts.errors import PersonDuplicate
from shipei.accounts.models import ID_CONTEXT, Person, Role
from shipei.accounts.selectors import person_submitting
from shipei.classes.models import TrainingClass
from shipei.core import identifiers, pii
from shipei.core.errors import NotFound, NotPermitted
from shipei.core.text import clean_name
from shipei.orgs.api import OrgInScopeField
from shipei.orgs.models import Organisation
from shipei.programmes.api import ProgrammeField
from shipei.programmes.models import Programme
from shipei.projects.models import Project

from . import approvals, selectors, services
from .errors import FormExpired
from .models import Enrollment, EnrollmentEvent

MAX_ID = 2**63 - 1
# Classes of projects that have been published and not yet closed take enrollments.
OPEN_PROJECTS = (Project.Status.PUBLISHED, Project.Status.ENROLLING)
IDEMPOTENCY_HEADER = "Idempotency-Key"
# What get_FOO_display() gives, without building the choices' mapping for every call.
CHANNEL_LABELS = dict(Enrollment.Channel.choices)
STATUS_LABELS = dict(Enrollment.Status.choices)


def register(router: DefaultRouter) -> None:
    """Add the enrollment endpoints to the API router."""
    router.register("enrollments", EnrollmentViewSet, basename="enrollment")


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
        if obj.status != Enrollment.Status.SUBMITTED:
            return ""
        chain = self._rules(obj).enrollment.approval_chain
        return chain[obj.step].label if obj.step < len(chain) else ""


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
        return selectors.next_step(obj)

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
        "does_not_exist": _("未找到该班次，或该班次不在报名中。"),
        "incorrect_type": _("请填写班次编号（整数）。"),
    }

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            queryset=TrainingClass.objects.filter(project__status__in=OPEN_PROJECTS).select_related(
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
    id_number = serializers.CharField(
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


# --- helpers --------------------------------------------------------------------------------


def _own_or_nominating(programme: Programme, person: Person, user: Any) -> str:
    """The channel a request means when it names none: one's own record is a self-registration,
    anyone else's the nomination the programme accepts."""
    channels = programme.rules.enrollment.channels
    if person.pk == getattr(user, "person_id", None) and "self_registration" in channels:
        return Enrollment.Channel.SELF_REGISTRATION
    return next((c for c in channels if c in services.NOMINATING), channels[0])


def _default_school(user: Any) -> Organisation | None:
    """A school coordinator's school, when it coordinates exactly one."""
    schools = {a.org for a in scope.active_assignments(user) if a.role == Role.SCHOOL_COORDINATOR}
    return schools.pop() if len(schools) == 1 else None


def _person_by_id_number(user: Any, data: dict[str, Any]) -> Person:
    """Find a nominee by ID number, or register them at a school in the caller's scope.

    A registered person must carry the name given (a typo in the number would otherwise enroll
    someone else). A new person stays registered even if the enrollment is then refused, as if
    the school had added them first; a retry then finds them.
    """
    if not scope.has_any(user, "enrollment.nominate"):
        raise NotPermitted(_("只有学校联系人和各级管理员可以按身份证号推荐报名。"))
    try:
        number = identifiers.id_number_clean(data["id_number"])
    except DjangoValidationError as exc:
        raise serializers.ValidationError({"id_number": exc.messages}) from None
    name = clean_name(data["name"])

    def find() -> Person | None:
        digest = pii.blind_index(number, context=ID_CONTEXT)
        return (
            Person.objects.select_related("org", "teacher_profile")
            .filter(id_number_hash=digest)
            .first()
        )

    person = find()
    if person is None:
        org = data.get("org") or _default_school(user)
        if org is None:
            raise serializers.ValidationError(
                {"org": _("该身份证号尚未登记，请填写其所在学校（单位编号）以便登记。")}
            )
        # PersonDuplicate: registered a moment ago by a concurrent request; find them below.
        with contextlib.suppress(PersonDuplicate):
            accounts.person_create(
                actor=user,
                org=org,
                name=name,
                id_number=number,
                mobile=data.get("mobile", ""),
                teacher=data.get("teacher"),
            )
        person = find()
        if person is None:  # pragma: no cover - removed again between the two statements
            raise NotFound()
    # Scope first: outside it the answer must not depend on the name, or the API would confirm
    # which name belongs to any ID number in the country.
    if not scope.allows(user, "enrollment.nominate", person.org):
        raise serializers.ValidationError(
            {"id_number": _("该身份证号的人员已在其他单位登记，不在您的管理范围内。")}
        )
    if person.name != name:
        raise serializers.ValidationError({"name": _("姓名与该身份证号登记的姓名不一致，请核对。")})
    return person


def _submission_key(request: Request) -> str | None:
    """The service's form key for an Idempotency-Key header, per caller: one caller's key
    never finds another caller's enrollment."""
    raw = request.headers.get(IDEMPOTENCY_HEADER)
    if raw is None:
        return None
    raw = raw.strip()
    if not 1 <= len(raw) <= 200:
        raise serializers.ValidationError(
            {IDEMPOTENCY_HEADER: [_("幂等键（Idempotency-Key）应为 1～200 个字符。")]}
        )
    digest = hashlib.sha256(raw.encode()).hexdigest()[:40]
    return f"api:{request.user.pk}:{digest}"


def _key_reused() -> serializers.ValidationError:
    return serializers.ValidationError(
        {IDEMPOTENCY_HEADER: [_("该幂等键已用于另一份报名，请为新的报名使用新的键。")]}
    )


# --- endpoints ------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        description="调用者可见的报名（本人的、辖区内教师的、本基地班次的），新提交的在前；"
        "可按培训计划、培训项目代码、状态、单位（含下级）筛选。身份证号和手机号脱敏显示。",
        parameters=[EnrollmentQuery],
    ),
    retrieve=extend_schema(
        description="查看一条报名及其审核记录和下一步由谁办理；范围外与不存在一样返回 404。"
    ),
)
class EnrollmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    filter_backends: list[Any] = []

    def get_serializer_class(self) -> Any:
        return EnrollmentOutput if self.action == "list" else EnrollmentDetail

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return Enrollment.objects.none()
        qs = selectors.enrollment_list(user=self.request.user)
        if self.action != "list":
            return qs
        query = EnrollmentQuery(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        f = query.validated_data
        if f.get("programme"):
            qs = qs.filter(programme_id=f["programme"])
        if f.get("item"):
            qs = qs.filter(item=f["item"])
        if f.get("status"):
            qs = qs.filter(status=f["status"])
        if f.get("org"):
            qs = qs.filter(Q(org_id=f["org"]) | Q(org__path__contains=f"/{f['org']}/"))
        return qs

    def get_object(self) -> Enrollment:
        try:
            return selectors.enrollment_list(user=self.request.user).get(pk=self.kwargs["pk"])
        except (Enrollment.DoesNotExist, ValueError, TypeError, OverflowError):
            raise NotFound() from None

    def _detail(
        self, enrollment: Enrollment, code: int = status.HTTP_200_OK, *, refetch: bool = True
    ) -> Response:
        if refetch:  # the services' instances lack some of the related rows shown
            qs = selectors.enrollment_list(user=self.request.user)
            enrollment = qs.filter(pk=enrollment.pk).first() or enrollment
        context = self.get_serializer_context()
        return Response(EnrollmentDetail(enrollment, context=context).data, status=code)

    @extend_schema(
        request=SubmitInput,
        responses={201: EnrollmentDetail, 200: EnrollmentDetail},
        parameters=[
            OpenApiParameter(
                IDEMPOTENCY_HEADER,
                str,
                OpenApiParameter.HEADER,
                description="可选。重试同一请求时带上相同的键：不会重复报名，返回第一次的结果（200）。",
            )
        ],
        description="报名并占用名额。本人报名填 person（本人编号）；学校联系人和各级管理员推荐报名"
        "可填 person，或填身份证号、姓名（及手机号）：已登记的人员按身份证号查找，未登记的登记在 "
        "org（学校联系人默认本校）。不在报名时间（400）、不符合条件（400）、名额或班次已满（409）、"
        "重复报名（409）时拒绝，且不占用名额。",
    )
    def create(self, request: Request) -> Response:
        data = SubmitInput(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        v = data.validated_data
        key = _submission_key(request)
        person = v.get("person") or _person_by_id_number(request.user, v)
        if person.pk == request.user.person_id:
            request.user.person = person  # the caller's own record, loaded: named in the history
        programme = v["programme"]
        try:
            enrollment = services.enrollment_submit(
                actor=request.user,
                programme=programme,
                item=v["item"],
                person=person,
                channel=v.get("channel") or _own_or_nominating(programme, person, request.user),
                training_class=v.get("training_class"),
                key=key,
            )
        except FormExpired:  # the caller's key, used before for another enrollment
            raise _key_reused() from None
        if enrollment.replayed:  # a retry: the first request's answer
            return self._detail(enrollment)
        # The new row's programme, person, org and class are the ones just used: no refetch.
        return self._detail(enrollment, status.HTTP_201_CREATED, refetch=False)

    def _decide(self, request: Request, decision: str) -> Response:
        enrollment = self.get_object()
        data = ReasonInput(data=request.data)
        data.is_valid(raise_exception=True)
        enrollment = services.enrollment_decide(
            actor=request.user, enrollment=enrollment, decision=decision, **data.validated_data
        )
        return self._detail(enrollment)

    @extend_schema(
        request=ReasonInput,
        responses={200: EnrollmentDetail},
        description="通过当前审核环节（最后一个环节通过即录取）；不是您办理的环节返回 403。",
    )
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        return self._decide(request, "approve")

    @extend_schema(
        request=ReasonInput,
        responses={200: EnrollmentDetail},
        description="不予通过（须填原因），释放所占名额。",
    )
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str | None = None) -> Response:
        return self._decide(request, "reject")

    @extend_schema(
        request=ReasonInput,
        responses={200: EnrollmentDetail},
        description="退回修改（须填原因）；名额保留，修改后重新提交。",
    )
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def send_back(self, request: Request, pk: str | None = None) -> Response:
        return self._decide(request, "return")

    @extend_schema(
        request=ReasonInput,
        responses={200: EnrollmentDetail},
        description="撤回报名（本人或推荐单位）；按培训计划的规定释放名额。",
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str | None = None) -> Response:
        enrollment = self.get_object()
        data = ReasonInput(data=request.data)
        data.is_valid(raise_exception=True)
        enrollment = services.enrollment_withdraw(
            actor=request.user, enrollment=enrollment, **data.validated_data
        )
        return self._detail(enrollment)

    @extend_schema(
        request=None,
        responses={200: EnrollmentDetail},
        description="退回修改的报名修改后重新提交，从第一个审核环节开始。",
    )
    @action(detail=True, methods=["post"])
    def resubmit(self, request: Request, pk: str | None = None) -> Response:
        enrollment = services.enrollment_resubmit(actor=request.user, enrollment=self.get_object())
        return self._detail(enrollment)

    @extend_schema(
        request=BatchInput,
        responses={200: BatchOutput},
        description="批量审核：对多条报名作同一决定（approve 通过、reject 不通过、return 退回），"
        "全部成功或全部不变；任何一条不可见（404）或不由您办理（403）时都不做改动。",
    )
    @action(detail=False, methods=["post"])
    def decide(self, request: Request) -> Response:
        data = BatchInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        ids = list(dict.fromkeys(v["ids"]))
        found = list(selectors.enrollment_list(user=request.user).filter(pk__in=ids))
        missing = sorted(set(ids) - {e.pk for e in found})
        if missing:
            raise NotFound(
                _("未找到编号为 %(ids)s 的报名，或您无权查看。")
                % {"ids": "、".join(str(i) for i in missing[:20])}
            )
        count = services.enrollment_decide_many(
            actor=request.user, enrollments=found, decision=v["decision"], reason=v["reason"]
        )
        fresh = selectors.enrollment_list(user=request.user).filter(pk__in=ids).order_by("pk")
        context = self.get_serializer_context()
        return Response(
            {"count": count, "results": EnrollmentOutput(fresh, many=True, context=context).data}
        )
