"""The core-teacher pool, recommendations, a half-year's staffing and invitations over the API:
the same selectors and services as the pages, scoped the same way."""

from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from shipei.accounts import scope
from shipei.core.errors import NotFound, NotPermitted
from shipei.orgs.models import Organisation
from shipei.programmes.models import Programme

from . import selectors, services
from .models import Assignment, CoreTeacher, StaffingRun, StaffRole
from .needs import class_needs
from .reasons import shortage_text


def register(router: DefaultRouter) -> None:
    router.register("core-teachers", CoreTeacherViewSet, basename="core-teacher")
    router.register("core-assignments", AssignmentViewSet, basename="core-assignment")
    router.register("staffing-classes", ClassStaffingViewSet, basename="staffing-class")
    router.register("staffing-runs", StaffingRunViewSet, basename="staffing-run")


# ---- the pool -----------------------------------------------------------------------------


class QualificationOutput(serializers.Serializer):
    category = serializers.CharField()
    level = serializers.CharField()


class CoreTeacherOutput(serializers.ModelSerializer):
    name = serializers.CharField(source="person.name", read_only=True)
    home_name = serializers.CharField(source="home.name", read_only=True)
    qualifications = QualificationOutput(many=True, read_only=True)
    year_load = serializers.IntegerField(read_only=True, help_text="本年度已邀请和已接受的班次数")

    class Meta:
        model = CoreTeacher
        fields = [
            "id",
            "person",
            "name",
            "home",
            "home_name",
            "teaches",
            "assesses",
            "is_active",
            "note",
            "qualifications",
            "year_load",
            "updated_at",
        ]


class CoreTeacherChange(serializers.Serializer):
    home = serializers.IntegerField(help_text="所在单位编号")
    teaches = serializers.BooleanField()
    assesses = serializers.BooleanField()
    categories = serializers.ListField(
        child=serializers.CharField(max_length=50), min_length=1, help_text="专业大类，如 机械类"
    )
    levels = serializers.ListField(
        child=serializers.CharField(max_length=20),
        required=False,
        default=list,
        help_text="培训级别，如 三级",
    )
    is_active = serializers.BooleanField(default=True)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

    def validate_home(self, value: int) -> Organisation:
        org = Organisation.objects.filter(pk=value, is_active=True).first()
        if org is None or not scope.allows(
            self.context["request"].user, selectors.POOL_ACTION, org
        ):
            raise serializers.ValidationError(_("未找到该单位，或它不在您的管理范围内。"))
        return org


class CoreTeacherNew(CoreTeacherChange):
    name = serializers.CharField(max_length=50)
    id_number = serializers.CharField(max_length=30, help_text="身份证号（已登记的人员按此查找）")
    mobile = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")


class PoolQuery(serializers.Serializer):
    q = serializers.CharField(required=False, help_text="姓名")
    category = serializers.CharField(required=False)
    level = serializers.CharField(required=False)
    role = serializers.ChoiceField(choices=StaffRole.choices, required=False)
    active = serializers.ChoiceField(choices=[("1", "在库"), ("0", "停用")], required=False)


@extend_schema_view(
    list=extend_schema(
        parameters=[PoolQuery], description="骨干教师库：所在单位在调用者管理范围内的骨干教师。"
    ),
    retrieve=extend_schema(description="查看一位骨干教师。"),
)
class CoreTeacherViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = CoreTeacherOutput
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return CoreTeacher.objects.none()
        if not selectors.may_keep_pool(self.request.user):
            raise NotPermitted()
        query = PoolQuery(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return selectors.pool_list(user=self.request.user, filters=dict(query.validated_data))

    def get_object(self) -> CoreTeacher:
        teacher = selectors.teacher_get(user=self.request.user, pk=self.kwargs["pk"])
        return selectors.pool_list(user=self.request.user).get(pk=teacher.pk)

    @extend_schema(
        request=CoreTeacherNew,
        responses={201: CoreTeacherOutput},
        description="添加骨干教师：按身份证号在人员库中查找，尚未登记的按所在单位登记。",
    )
    def create(self, request: Request) -> Response:
        data = CoreTeacherNew(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        teacher = services.core_teacher_add(actor=request.user, **data.validated_data)
        out = selectors.pool_list(user=request.user).get(pk=teacher.pk)
        return Response(CoreTeacherOutput(out).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=CoreTeacherChange,
        responses={200: CoreTeacherOutput},
        description="修改骨干教师的所在单位、专业大类、培训级别、承担任务和在库状态。",
    )
    def update(self, request: Request, pk: str | None = None) -> Response:
        teacher = selectors.teacher_get(user=request.user, pk=pk)
        data = CoreTeacherChange(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        services.core_teacher_save(
            actor=request.user, person=teacher.person, core_teacher=teacher, **data.validated_data
        )
        return Response(CoreTeacherOutput(self.get_object()).data)


# ---- assignments --------------------------------------------------------------------------


class AssignmentOutput(serializers.ModelSerializer):
    core_teacher_name = serializers.CharField(source="core_teacher.person.name", read_only=True)
    home_name = serializers.CharField(source="core_teacher.home.name", read_only=True)
    class_name = serializers.CharField(source="training_class.__str__", read_only=True)
    starts_on = serializers.DateField(source="training_class.starts_on", read_only=True)
    ends_on = serializers.DateField(source="training_class.ends_on", read_only=True)
    institution = serializers.CharField(source="training_class.project.base.name", read_only=True)
    role_label = serializers.CharField(source="get_role_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Assignment
        fields = [
            "id",
            "training_class",
            "class_name",
            "starts_on",
            "ends_on",
            "institution",
            "core_teacher",
            "core_teacher_name",
            "home_name",
            "role",
            "role_label",
            "status",
            "status_label",
            "preferred",
            "invited_at",
            "answered_at",
            "reason",
        ]


class AnswerReasonInput(serializers.Serializer):
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class DeclineOutput(serializers.Serializer):
    assignment = AssignmentOutput()
    open_reasons = serializers.ListField(
        child=serializers.CharField(), help_text="重新推荐后仍空缺的岗位及原因"
    )


def _assignments(user: Any) -> Any:
    """A core teacher's own invitations and answers, and the staffing of classes in scope."""
    person_id = getattr(user, "person_id", None) or 0
    own = Q(core_teacher__person_id=person_id) & ~Q(status=Assignment.Status.PROPOSED)
    return (
        Assignment.objects.filter(
            own | scope.orgs_q(user, selectors.CLASS_ACTION, via="training_class__project__base")
        )
        .select_related(
            "core_teacher__person", "core_teacher__home", "training_class__project__base"
        )
        .order_by("training_class__starts_on", "pk")
    )


@extend_schema_view(
    list=extend_schema(
        description="骨干教师任务：调用者本人收到的邀请及答复，以及其管理范围内班次的推荐和邀请。"
    ),
    retrieve=extend_schema(description="查看一项骨干教师任务。"),
)
class AssignmentViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = AssignmentOutput
    filterset_fields = ["status", "training_class", "role"]

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return Assignment.objects.none()
        return _assignments(self.request.user)

    def get_object(self) -> Assignment:
        try:
            return _assignments(self.request.user).get(pk=self.kwargs["pk"])
        except (Assignment.DoesNotExist, ValueError, TypeError):
            raise NotFound() from None

    def _answer(self, assignment: Assignment) -> Response:
        assignment.refresh_from_db()
        return Response(AssignmentOutput(assignment).data)

    @extend_schema(
        request=None,
        responses={200: AssignmentOutput},
        description="培训机构向推荐的骨干教师发出邀请；该骨干教师在培训日期前后（含前一天行程）"
        "已有邀请或任务时拒绝（409）。",
    )
    @action(detail=True, methods=["post"])
    def invite(self, request: Request, pk: str | None = None) -> Response:
        assignment = self.get_object()
        services.assignment_invite(actor=request.user, assignment=assignment)
        return self._answer(assignment)

    @extend_schema(
        request=None, responses={200: AssignmentOutput}, description="骨干教师接受邀请。"
    )
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str | None = None) -> Response:
        assignment = self.get_object()
        services.assignment_accept(actor=request.user, assignment=assignment)
        return self._answer(assignment)

    @extend_schema(
        request=AnswerReasonInput,
        responses={200: DeclineOutput},
        description="骨干教师谢绝邀请；平台随即为该岗位重新推荐（不再推荐谢绝者）。",
    )
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk: str | None = None) -> Response:
        assignment = self.get_object()
        data = AnswerReasonInput(data=request.data)
        data.is_valid(raise_exception=True)
        reasons = services.assignment_decline(
            actor=request.user, assignment=assignment, **data.validated_data
        )
        assignment.refresh_from_db()
        return Response({"assignment": AssignmentOutput(assignment).data, "open_reasons": reasons})

    @extend_schema(
        request=AnswerReasonInput,
        responses={200: AssignmentOutput},
        description="培训机构撤回推荐或邀请。",
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str | None = None) -> Response:
        assignment = self.get_object()
        data = AnswerReasonInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.assignment_withdraw(
            actor=request.user, assignment=assignment, **data.validated_data
        )
        return self._answer(assignment)


# ---- a class ------------------------------------------------------------------------------


class RoleOutput(serializers.Serializer):
    role = serializers.ChoiceField(choices=StaffRole.choices)
    label = serializers.CharField()
    places = serializers.IntegerField()
    accepted = serializers.IntegerField()
    open = serializers.IntegerField(help_text="尚无推荐、邀请或接受的岗位数")
    rows = AssignmentOutput(many=True)


class ClassStaffingOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    institution = serializers.CharField()
    category = serializers.CharField()
    level = serializers.CharField()
    preferred = serializers.ListField(
        child=serializers.IntegerField(), help_text="授课骨干教师选择倾向"
    )
    roles = RoleOutput(many=True)
    open_reasons = serializers.ListField(child=serializers.CharField(), required=False)


class PreferencesInput(serializers.Serializer):
    core_teachers = serializers.ListField(
        child=serializers.IntegerField(), max_length=20, help_text="骨干教师编号"
    )


def _class_output(training_class: Any, reasons: list[str] | None = None) -> dict[str, Any]:
    needs = class_needs(training_class)
    return {
        "id": training_class.pk,
        "name": str(training_class),
        "starts_on": training_class.starts_on,
        "ends_on": training_class.ends_on,
        "institution": training_class.project.base.name,
        "category": needs.category,
        "level": needs.level,
        "preferred": list(training_class.core_preferences.values_list("core_teacher", flat=True)),
        "roles": selectors.class_staffing(training_class),
        **({"open_reasons": reasons} if reasons is not None else {}),
    }


class ClassStaffingViewSet(viewsets.GenericViewSet):
    serializer_class = ClassStaffingOutput
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        return Assignment.objects.none()

    def _class(self) -> Any:
        return selectors.class_get(user=self.request.user, pk=self.kwargs["pk"])

    @extend_schema(responses={200: ClassStaffingOutput}, description="一个班次的骨干教师配备情况。")
    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        return Response(ClassStaffingOutput(_class_output(self._class())).data)

    @extend_schema(
        request=None,
        responses={200: ClassStaffingOutput},
        description="为本班空缺的岗位推荐骨干教师（替换未发出邀请的推荐）：符合专业大类和级别、"
        "培训日期前后（含前一天行程）无其他安排、不属于本机构，采纳选择倾向，本年度任务少者优先。"
        "open_reasons 说明仍空缺的岗位及原因。",
    )
    @action(detail=True, methods=["post"])
    def recommend(self, request: Request, pk: str | None = None) -> Response:
        training_class = self._class()
        reasons = services.class_recommend(actor=request.user, training_class=training_class)
        return Response(ClassStaffingOutput(_class_output(training_class, reasons)).data)

    @extend_schema(
        request=PreferencesInput,
        responses={200: ClassStaffingOutput},
        description="培训机构填写授课骨干教师的选择倾向（不超过授课岗位数）。",
    )
    @action(detail=True, methods=["post"])
    def preferences(self, request: Request, pk: str | None = None) -> Response:
        training_class = self._class()
        data = PreferencesInput(data=request.data)
        data.is_valid(raise_exception=True)
        ids = data.validated_data["core_teachers"]
        # Looked up among the class's candidates only: the number of a core teacher the class
        # may not draw on reads as unknown, with no name (the pool of another region).
        candidates = selectors.candidate_choices(training_class).filter(pk__in=ids)
        found = {t.pk: t for t in candidates}
        missing = [i for i in ids if i not in found]
        if missing:
            raise serializers.ValidationError(
                {
                    "core_teachers": _("骨干教师编号不存在，或不能作为本班的授课骨干教师：%(ids)s")
                    % {"ids": "、".join(map(str, missing))}
                }
            )
        services.preferences_set(
            actor=request.user, training_class=training_class, core_teachers=[found[i] for i in ids]
        )
        return Response(ClassStaffingOutput(_class_output(training_class)).data)


# ---- a half-year at once ------------------------------------------------------------------


class RunInput(serializers.Serializer):
    programme = serializers.IntegerField(help_text="培训计划编号")
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    half = serializers.ChoiceField(choices=[(1, "上半年"), (2, "下半年")])

    def validate_programme(self, value: int) -> Programme:
        found = next(
            (p for p in selectors.plan_programmes(self.context["request"].user) if p.pk == value),
            None,
        )
        if found is None:
            raise serializers.ValidationError(_("未找到该培训计划，或您不能为其统一配备骨干教师。"))
        return found


class OpenClassOutput(serializers.Serializer):
    training_class = serializers.IntegerField()
    reasons = serializers.ListField(child=serializers.CharField())


class RunOutput(serializers.ModelSerializer):
    open_classes = serializers.SerializerMethodField()
    status_url = serializers.SerializerMethodField(help_text="查询本次配备进度和结果的地址")

    class Meta:
        model = StaffingRun
        fields = [
            "id",
            "programme",
            "year",
            "half",
            "state",
            "error",
            "status_url",
            "classes",
            "staffed",
            "bound",
            "preferences",
            "max_load",
            "status",
            "seconds",
            "open_classes",
            "created_at",
            "started_at",
            "finished_at",
        ]

    def get_status_url(self, run: StaffingRun) -> str:
        url = reverse("staffing-run-detail", args=[run.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url

    @extend_schema_field(OpenClassOutput(many=True))
    def get_open_classes(self, run: StaffingRun) -> list[dict[str, Any]]:
        return [
            {"training_class": int(cid), "reasons": [shortage_text(r) for r in rows]}
            for cid, rows in run.shortages.items()
        ]


@extend_schema_view(
    list=extend_schema(description="调用者可统一配备的培训计划的配备记录。"),
    retrieve=extend_schema(description="查看一次统一配备的结果。"),
)
class StaffingRunViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = RunOutput
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return StaffingRun.objects.none()
        programmes = [p.pk for p in selectors.plan_programmes(self.request.user)]
        return StaffingRun.objects.filter(programme__in=programmes)

    @extend_schema(
        request=RunInput,
        responses={202: RunOutput},
        description="为培训计划某半年的全部班次统一配备骨干教师（后台进行，约十秒）：配齐的班次最多，"
        "其次采纳选择倾向最多，再次年度任务最均衡；已邀请、已接受的不变，原有推荐被替换。"
        "答复 202，state 为 queued / running 时请按 status_url（亦见 Location）查询，直至 done"
        "（open_classes 说明未配齐的班次及原因）或 failed（error 说明原因）。"
        "同一培训计划已有配备在进行时拒绝（409 staffing_run_in_progress）。",
    )
    def create(self, request: Request) -> Response:
        data = RunInput(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        run = services.plan_staff(actor=request.user, **data.validated_data)
        out = RunOutput(run, context={"request": request}).data
        return Response(
            out, status=status.HTTP_202_ACCEPTED, headers={"Location": out["status_url"]}
        )
