"""Enrollments over the API: the same selectors and services as the pages, so that a province's
own system can submit its lists and take its approval steps under the same rules. The answers'
and inputs' shapes are in serializers.py.

Person data is masked in every response (ID number 330106********123X, mobile 139****0001).
"""

import hashlib
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from shipei.core.errors import NotFound

from . import application, selectors, services
from .api_lists import ListViewSet
from .errors import FormExpired
from .models import Enrollment
from .no_show import enrollment_mark_no_show
from .serializers import (
    ApplicationOutput,
    BatchInput,
    BatchOutput,
    EnrollmentDetail,
    EnrollmentOutput,
    EnrollmentQuery,
    ReasonInput,
    SubmitInput,
)

IDEMPOTENCY_HEADER = "Idempotency-Key"
# The API's error shape (core.api), as a busy answer carries it.
BUSY_ERROR = inline_serializer(
    "SystemBusyError",
    {
        "code": serializers.CharField(help_text="system_busy"),
        "message": serializers.CharField(help_text="系统繁忙，请稍后再试。"),
        "fields": serializers.DictField(),
    },
)


def register(router: DefaultRouter) -> None:
    """Add the enrollment endpoints to the API router."""
    router.register("enrollments", EnrollmentViewSet, basename="enrollment")
    router.register("participant-lists", ListViewSet, basename="participant-list")


# --- helpers --------------------------------------------------------------------------------


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
            enrollment = selectors.enrollment_shown(enrollment.pk) or enrollment
        context = self.get_serializer_context()
        return Response(EnrollmentDetail(enrollment, context=context).data, status=code)

    @extend_schema(
        request=SubmitInput,
        responses={
            201: EnrollmentDetail,
            200: EnrollmentDetail,
            503: OpenApiResponse(
                BUSY_ERROR,
                description="系统繁忙（报名高峰时本服务器已满负荷，或数据库正在重启）：本次请求"
                "没有执行，没有报名，也没有占用名额。请按 Retry-After 等待后用同一个 "
                "Idempotency-Key 重试。",
            ),
        },
        parameters=[
            OpenApiParameter(
                IDEMPOTENCY_HEADER,
                str,
                OpenApiParameter.HEADER,
                description="建议每份报名都带上，每份报名一个新键（1～200 个字符）。重试同一份报名时"
                "带上相同的键：不会重复报名、不会多占名额，第一次已报名成功的返回第一次的结果（200）。"
                "因此超时、断网或 503 之后重试都是安全的。",
            ),
            OpenApiParameter(
                "Retry-After",
                int,
                OpenApiParameter.HEADER,
                response=[503],
                description="建议等待的秒数，之后再用同一个 Idempotency-Key 重试。",
            ),
        ],
        description="报名并占用名额。本人报名填 person（本人编号）；学校联系人和各级管理员推荐报名"
        "可填 person，或填身份证号、姓名（及手机号）：已登记的人员按身份证号查找，未登记的登记在 "
        "org（学校联系人默认本校）。不在报名时间（400）、不符合条件（400）、名额或班次已满（409）、"
        "重复报名（409）时拒绝，不占用名额，也不会留下新登记的人员（登记与报名在同一事务中）。"
        "每次提交都会得到明确的答复：成功（201，或重试时的 200）、拒绝（4xx，原因见 message），"
        "或系统繁忙（503，带 Retry-After）。繁忙时请等待后重试：带 Idempotency-Key 的重试不会"
        "重复报名。",
    )
    def create(self, request: Request) -> Response:
        data = SubmitInput(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        v = data.validated_data
        asked = {
            "actor": request.user,
            "programme": v["programme"],
            "item": v["item"],
            "training_class": v.get("training_class"),
            "key": _submission_key(request),
            "answers": v.get("answers"),
        }
        person = v.get("person")
        try:
            if person is None:
                # Registered, if new, with the submission: a refusal registers no one.
                enrollment = services.enrollment_submit_named(
                    **asked,
                    id_number=v["id_number"],
                    name=v["name"],
                    org=v.get("org"),
                    mobile=v.get("mobile", ""),
                    teacher=v.get("teacher"),
                    channel=v.get("channel") or "",
                )
            else:
                if person.pk == request.user.person_id:
                    request.user.person = person  # the caller's own, loaded: named in the history
                enrollment = services.enrollment_submit(
                    **asked,
                    person=person,
                    channel=v.get("channel")
                    or services.default_channel(v["programme"], v["item"], person, request.user),
                )
        except FormExpired:  # the caller's key, used before for another enrollment
            raise _key_reused() from None
        if enrollment.replayed:  # a retry: the first request's answer
            return self._detail(enrollment)
        # The new row's programme, person, org and class are the ones just used: no refetch.
        return self._detail(enrollment, status.HTTP_201_CREATED, refetch=False)

    @extend_schema(
        responses={200: ApplicationOutput},
        description="报名时填写的参训申请表（培训计划设有申请表时）：报名可见者和该班次的授课骨干"
        "教师可查看；身份证号和手机号脱敏显示。没有申请表或无权查看时返回 404。",
    )
    @action(detail=True, methods=["get"])
    def application(self, request: Request, pk: str | None = None) -> Response:
        enrollment = application.application_get(user=request.user, pk=pk)
        form = application.form_for(enrollment.programme, enrollment.policy_revision)
        answers = [
            {
                "code": entry["field"].code,
                "label": entry["label"],
                "kind": entry["field"].kind,
                "text": entry["text"],
                "rows": dict(entry["rows"]),
            }
            for entry in application.filled(enrollment)
        ]
        body = {
            "enrollment": enrollment.pk,
            "form": form.label if form else "",
            "signed_at": enrollment.application.signed_at,
            "answers": answers,
        }
        return Response(ApplicationOutput(body).data)

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
        request=ReasonInput,
        responses={200: EnrollmentDetail},
        description="培训基地（无基地的由培训计划主办方管理员）将已录取的学员标记为未报到（须填原因）；"
        "按培训计划的规定释放或保留名额。",
    )
    @action(detail=True, methods=["post"], url_path="no-show", url_name="no-show")
    def no_show(self, request: Request, pk: str | None = None) -> Response:
        data = ReasonInput(data=request.data)
        data.is_valid(raise_exception=True)
        enrollment = enrollment_mark_no_show(
            actor=request.user, enrollment=self.get_object(), **data.validated_data
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
