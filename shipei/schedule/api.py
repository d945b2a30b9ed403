"""Sessions, resource packages and self-paced progress over the API: the same selectors and
services as the pages, scoped the same way. A trainee posts their own progress events here."""

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from shipei.accounts import scope
from shipei.classes.models import TrainingClass
from shipei.core.api import DateField
from shipei.core.errors import NotFound
from shipei.enrollment.models import Enrollment
from shipei.projects.models import Project

from . import hours, progress, selectors, services
from .models import Progress, Resource, Session


def register(router: DefaultRouter) -> None:
    router.register("sessions", SessionViewSet, basename="session")
    router.register("resources", ResourceViewSet, basename="resource")
    router.register("progress", ProgressViewSet, basename="progress")


# ---- sessions ------------------------------------------------------------------------------


class SessionOutput(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    class_name = serializers.CharField(source="training_class.__str__", read_only=True)
    staff_names = serializers.SerializerMethodField()

    class Meta:
        model = Session
        fields = [
            "id",
            "training_class",
            "class_name",
            "kind",
            "kind_label",
            "title",
            "starts_at",
            "ends_at",
            "hours",
            "link",
            "resource",
            "room",
            "practice_site",
            "place",
            "staff",
            "staff_names",
            "note",
        ]

    def get_staff_names(self, obj: Session) -> list[str]:
        return [p.name for p in obj.staff.all()]


class SessionInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Session.Kind.choices)
    title = serializers.CharField(max_length=200)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    hours = serializers.DecimalField(max_digits=5, decimal_places=1)
    link = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    resource = serializers.IntegerField(required=False, allow_null=True, default=None)
    room = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    practice_site = serializers.ChoiceField(
        choices=Session.PracticeSite.choices, required=False, allow_blank=True, default=""
    )
    place = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    staff = serializers.ListField(
        child=serializers.IntegerField(), required=False, default=list, help_text="授课人员编号"
    )
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class SessionCreateInput(SessionInput):
    training_class = serializers.IntegerField(help_text="班次编号")


class SessionQuery(serializers.Serializer):
    training_class = serializers.IntegerField(required=False)
    on = DateField(required=False, help_text="只看这一天的课次（北京时间）")


def _resource(pk: int | None) -> Resource | None:
    """The resource named by id; one of another project is refused by the service's check."""
    if pk is None:
        return None
    found = Resource.objects.filter(pk=pk).first()
    if found is None:
        raise serializers.ValidationError({"resource": ["该学习资源不存在。"]})
    return found


class SessionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = SessionOutput
    filter_backends: list[Any] = []
    lookup_value_regex = r"\d+"
    queryset = Session.objects.none()

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        qs = selectors.session_list(user=self.request.user)
        if self.action == "list":
            query = SessionQuery(data=self.request.query_params)
            query.is_valid(raise_exception=True)
            if "training_class" in query.validated_data:
                qs = qs.filter(training_class_id=query.validated_data["training_class"])
            if "on" in query.validated_data:
                qs = qs.filter(starts_at__date=query.validated_data["on"])
        return qs

    def get_object(self) -> Session:
        return selectors.session_get(user=self.request.user, pk=self.kwargs["pk"])

    @extend_schema(
        request=SessionCreateInput,
        responses={201: SessionOutput},
        description="安排课次：须在班次培训日期之内，授课教师和本班学员同一时间不能在其他课次中。",
    )
    def create(self, request: Request) -> Response:
        data = SessionCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        cls = (
            TrainingClass.objects.filter(
                scope.orgs_q(request.user, "class.view", via="project__base"),
                pk=fields.pop("training_class"),
            )
            .select_related("project__base")
            .first()
        )
        if cls is None:
            raise NotFound()
        fields["resource"] = _resource(fields["resource"])
        session = services.session_add(actor=request.user, training_class=cls, **fields)
        return Response(SessionOutput(session).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=SessionInput, responses={200: SessionOutput}, description="修改课次。")
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        session = self.get_object()
        data = SessionInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        if "resource" in fields:
            fields["resource"] = _resource(fields["resource"])
        session = services.session_update(actor=request.user, session=session, **fields)
        return Response(SessionOutput(session).data)

    @extend_schema(responses={204: None}, description="删除课次。")
    def destroy(self, request: Request, pk: str | None = None) -> Response:
        services.session_remove(actor=request.user, session=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


# ---- the resource package ------------------------------------------------------------------


class ResourceOutput(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Resource
        fields = ["id", "project", "title", "kind", "kind_label", "minutes", "source"]
        read_only_fields = ["project"]


class ResourceInput(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=Resource.Kind.choices)
    minutes = serializers.IntegerField(help_text="时长（分钟）")
    source = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class ResourceCreateInput(ResourceInput):
    project = serializers.IntegerField(help_text="培训项目编号")


class ResourceQuery(serializers.Serializer):
    project = serializers.IntegerField(required=False)


class ResourceViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = ResourceOutput
    filter_backends: list[Any] = []
    lookup_value_regex = r"\d+"
    queryset = Resource.objects.none()

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        qs = selectors.resource_list(user=self.request.user)
        if self.action == "list":
            query = ResourceQuery(data=self.request.query_params)
            query.is_valid(raise_exception=True)
            if "project" in query.validated_data:
                qs = qs.filter(project_id=query.validated_data["project"])
        return qs

    @extend_schema(
        request=ResourceCreateInput,
        responses={201: ResourceOutput},
        description="向项目资源包添加资源（视频、文档或课程，时长以分钟计）。",
    )
    def create(self, request: Request) -> Response:
        data = ResourceCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        project = Project.objects.select_related("base").filter(pk=fields.pop("project")).first()
        if project is None:
            raise NotFound()
        resource = services.resource_add(actor=request.user, project=project, **fields)
        return Response(ResourceOutput(resource).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ResourceInput, responses={200: ResourceOutput}, description="修改资源。")
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        resource = self.get_object()
        data = ResourceInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        resource = services.resource_update(
            actor=request.user, resource=resource, **data.validated_data
        )
        return Response(ResourceOutput(resource).data)

    @extend_schema(responses={204: None}, description="删除资源（未被课次使用的）。")
    def destroy(self, request: Request, pk: str | None = None) -> Response:
        services.resource_remove(actor=request.user, resource=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


# ---- progress ------------------------------------------------------------------------------


class ProgressOutput(serializers.ModelSerializer):
    watched_minutes = serializers.DecimalField(max_digits=8, decimal_places=1, read_only=True)
    resource_minutes = serializers.IntegerField(source="resource.minutes", read_only=True)
    learning_hours = serializers.SerializerMethodField(
        help_text="该报名线上自学累计学时（按政策的每学时分钟数折算）"
    )

    class Meta:
        model = Progress
        fields = [
            "id",
            "enrollment",
            "resource",
            "watched_minutes",
            "resource_minutes",
            "learning_hours",
            "updated_at",
        ]

    @extend_schema_field(serializers.DecimalField(max_digits=6, decimal_places=1))
    def get_learning_hours(self, obj: Progress) -> str:
        return str(hours.learning_hours(obj.enrollment))


class ProgressEventInput(serializers.Serializer):
    event_id = serializers.CharField(
        max_length=64, help_text="客户端生成的事件编号；重发同一事件不会重复计时"
    )
    enrollment = serializers.IntegerField(help_text="本人的报名编号")
    resource = serializers.IntegerField(help_text="学习资源编号")
    from_minute = serializers.DecimalField(
        max_digits=8, decimal_places=2, help_text="本段起点（资源中的位置，分钟）"
    )
    to_minute = serializers.DecimalField(
        max_digits=8, decimal_places=2, help_text="本段终点（分钟）"
    )
    occurred_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class ProgressRecorded(ProgressOutput):
    event_id = serializers.CharField(read_only=True)
    replayed = serializers.BooleanField(read_only=True, help_text="该事件此前已收到，未重复计时")

    class Meta(ProgressOutput.Meta):
        fields = [*ProgressOutput.Meta.fields, "event_id", "replayed"]


class ProgressViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = ProgressOutput
    filter_backends: list[Any] = []
    queryset = Progress.objects.none()

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        qs = selectors.progress_list(user=self.request.user)
        enrollment = self.request.query_params.get("enrollment", "")
        return qs.filter(enrollment_id=enrollment) if enrollment.isdigit() else qs

    @extend_schema(
        request=ProgressEventInput,
        responses={201: ProgressRecorded, 200: ProgressRecorded},
        description="学员提交本人的线上自学进度：看过资源的哪一段（起点、终点，分钟）。"
        "已学时长为各段的并集，重复、迟到或乱序的事件不会重复计时；同一事件编号重发返回 200。",
    )
    def create(self, request: Request) -> Response:
        data = ProgressEventInput(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        enrollment = Enrollment.objects.filter(pk=fields.pop("enrollment")).first()
        resource = Resource.objects.filter(pk=fields.pop("resource")).first()
        if enrollment is None or resource is None:
            raise NotFound()
        event, found, replayed = progress.progress_record(
            actor=request.user, enrollment=enrollment, resource=resource, **fields
        )
        found.event_id, found.replayed = event.event_id, replayed
        return Response(
            ProgressRecorded(found).data,
            status=status.HTTP_200_OK if replayed else status.HTTP_201_CREATED,
        )
