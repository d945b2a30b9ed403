"""People over the API: masked by default, full values only through the audited reveal."""

from typing import Any

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from shipei.accounts import scope
from shipei.core import majors
from shipei.core.api import ErrorOutput, IdNumberField
from shipei.core.errors import NotPermitted
from shipei.core.views_util import client_ip
from shipei.orgs.api import OrgInScopeField

from . import backends, selectors, services
from .errors import IdentifierInUrl
from .models import Person, Role, TeacherProfile


class TeacherSerializer(serializers.Serializer):
    title = serializers.ChoiceField(choices=TeacherProfile.Title.choices, required=False)
    teaching_major = serializers.CharField(max_length=100, required=False, allow_blank=True)
    major_class = serializers.ChoiceField(
        choices=sorted(majors.class_names()),
        required=False,
        allow_blank=True,
        help_text="职业教育专业目录（2021年）中的专业类，如 计算机类；不填时按任教专业判断",
    )
    years_teaching = serializers.IntegerField(
        min_value=0, max_value=60, required=False, allow_null=True
    )
    department_post = serializers.CharField(max_length=100, required=False, allow_blank=True)


class PersonOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    gender = serializers.CharField()
    id_number = serializers.CharField(
        source="id_number_masked", help_text="脱敏显示，如 330106********1234"
    )
    mobile = serializers.CharField(source="mobile_masked", help_text="脱敏显示，如 186****1402")
    email = serializers.EmailField()
    org = serializers.IntegerField(source="org_id")
    org_name = serializers.CharField(source="org.name")
    has_account = serializers.SerializerMethodField()
    teacher = serializers.SerializerMethodField()

    def get_has_account(self, obj: Person) -> bool:
        return hasattr(obj, "user")

    @extend_schema_field(TeacherSerializer(allow_null=True))
    def get_teacher(self, obj: Person) -> dict[str, Any] | None:
        profile = getattr(obj, "teacher_profile", None)
        if profile is None:
            return None
        return {
            "title": profile.title,
            "teaching_major": profile.teaching_major,
            "major_class": profile.major_class,
            "years_teaching": profile.years_teaching,
            "department_post": profile.department_post,
        }


class PersonInput(serializers.Serializer):
    name = serializers.CharField(max_length=50)
    id_number = IdNumberField(max_length=30)
    mobile = serializers.CharField(max_length=20, required=False, allow_blank=True)
    gender = serializers.ChoiceField(choices=Person.Gender.choices, required=False)
    email = serializers.EmailField(required=False, allow_blank=True)
    org = OrgInScopeField()
    teacher = TeacherSerializer(required=False, allow_null=True)


class PersonUpdate(PersonInput):
    name = serializers.CharField(max_length=50, required=False)
    id_number = IdNumberField(max_length=30, required=False)
    org = OrgInScopeField(required=False)


class RevealInput(serializers.Serializer):
    field = serializers.ChoiceField(
        choices=[("id_number", gettext_lazy("身份证号")), ("mobile", gettext_lazy("手机号"))]
    )


class RevealOutput(serializers.Serializer):
    field = serializers.CharField()
    value = serializers.CharField()


class SearchInput(serializers.Serializer):
    q = serializers.CharField(
        max_length=100, help_text="完整的身份证号或手机号（按索引精确查找），或姓名、拼音"
    )


class PersonPage(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = PersonOutput(many=True)


@extend_schema_view(
    list=extend_schema(
        description="调用者管理范围内的人员（以及本人）；身份证号和手机号脱敏显示。",
        parameters=[
            OpenApiParameter(
                "q",
                str,
                description="姓名或拼音。完整的身份证号、手机号不能放在网址中（会进入访问日志，"
                "返回 400 identifier_in_url）：请用 POST /api/v1/people/search/。",
            )
        ],
        responses={200: PersonOutput(many=True), 400: ErrorOutput},
    ),
    retrieve=extend_schema(description="查看一个人员；范围外与不存在一样返回 404。"),
)
class PersonViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    # People in the caller's scope and the caller's own record; ID numbers and mobiles masked.
    serializer_class = PersonOutput
    filter_backends: list[Any] = []  # the selector filters by `q`; a `search` here did nothing

    def get_queryset(self) -> Any:
        return self._people(self.request.query_params.get("q", ""))

    def _people(self, q: str) -> Any:
        return selectors.person_list(user=self.request.user, filters={"q": q}).order_by(
            "name_pinyin", "pk"
        )

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # A number in the URL would land in every access log on the way (README, personal data).
        if selectors.identifier_token(request.query_params.get("q", "")):
            raise IdentifierInUrl()
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request=SearchInput,
        responses={200: PersonPage, 400: ErrorOutput},
        description="按完整的身份证号或手机号查找人员（也可按姓名、拼音）：号码在请求正文中，"
        "不进入网址和访问日志。结果与人员列表相同，按页返回（下一页：同样的请求加 ?page=2）。",
    )
    @action(detail=False, methods=["post"])
    def search(self, request: Request) -> Response:
        data = SearchInput(data=request.data)
        data.is_valid(raise_exception=True)
        page = self.paginate_queryset(self._people(data.validated_data["q"]))
        return self.get_paginated_response(PersonOutput(page, many=True).data)

    def get_object(self) -> Person:
        return scope.get_person_in_scope(
            self.request.user,
            "person.view",
            Person.objects.select_related("org", "teacher_profile"),
            pk=self.kwargs["pk"],
        )

    @extend_schema(
        request=PersonInput,
        responses={201: PersonOutput},
        description="在管理范围内的单位登记人员。",
    )
    def create(self, request: Request) -> Response:
        if not scope.has_any(request.user, "person.create"):
            raise NotPermitted()  # the role registers no one: say so, whatever the org
        data = PersonInput(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        person = services.person_create(actor=request.user, org=v.pop("org"), **v)
        return Response(PersonOutput(person).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=PersonUpdate, responses={200: PersonOutput}, description="修改人员信息。"
    )
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        person = self.get_object()
        data = PersonUpdate(data=request.data, partial=True, context={"request": request})
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        services.person_update(actor=request.user, person=person, **v)
        return Response(PersonOutput(self.get_object()).data)

    @extend_schema(
        request=RevealInput,
        responses={200: RevealOutput},
        description="完整查看身份证号或手机号（仅限有权角色，每次查看都记入审计日志）。",
    )
    @action(detail=True, methods=["post"])
    def reveal(self, request: Request, pk: str | None = None) -> Response:
        person = self.get_object()
        data = RevealInput(data=request.data)
        data.is_valid(raise_exception=True)
        field = data.validated_data["field"]
        value = services.person_reveal(
            actor=request.user, person=person, field=field, ip=client_ip(request)
        )
        return Response({"field": field, "value": value})


class MeRole(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices)
    role_name = serializers.CharField()
    org = serializers.IntegerField()
    org_name = serializers.CharField()


class Me(serializers.Serializer):
    username = serializers.CharField()
    name = serializers.CharField()
    person = serializers.IntegerField(allow_null=True)
    roles = MeRole(many=True)


class MeView(APIView):
    @extend_schema(responses={200: Me}, description="当前登录账号及其在各机构担任的角色。")
    def get(self, request: Request) -> Response:
        user = request.user
        return Response(
            {
                "username": user.username,
                "name": user.display_name,
                "person": user.person_id,
                "roles": [
                    {
                        "role": a.role,
                        "role_name": a.get_role_display(),
                        "org": a.org_id,
                        "org_name": a.org.name,
                    }
                    for a in scope.active_assignments(user)
                ],
            }
        )


class TokenInput(serializers.Serializer):
    username = serializers.CharField(
        max_length=100, help_text="身份证号或手机号（超级管理员为登录名）"
    )
    password = serializers.CharField(
        max_length=128, trim_whitespace=False, style={"input_type": "password"}
    )


class TokenOutput(serializers.Serializer):
    token = serializers.CharField()


class ObtainToken(APIView):
    """A token for ID number or mobile and password; not while a one-time password is in use.
    Failed tries count as on the login page: per account and per address."""

    authentication_classes: list[Any] = []
    permission_classes: list[Any] = []

    @extend_schema(
        request=TokenInput,
        responses={200: TokenOutput, 400: ErrorOutput, 403: ErrorOutput, 429: ErrorOutput},
        description="用身份证号或手机号和密码换取接口令牌（请求头 Authorization: Token …）。"
        "连续输错会锁定账号（429 account_locked），同一网络地址失败过多也会暂停尝试"
        "（429 too_many_failures）；两者都带 Retry-After（秒）。",
    )
    def post(self, request: Request) -> Response:
        data = TokenInput(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(request, **data.validated_data)
        if user is None:
            refusal = backends.login_refusal(request)
            if refusal is not None:
                raise refusal
            raise serializers.ValidationError(
                {
                    "non_field_errors": [
                        _("身份证号/手机号或密码不正确。连续输错多次，账号将被暂时锁定。")
                    ]
                }
            )
        if user.must_change_password:
            raise NotPermitted(_("请先登录网页修改初始密码，再申请接口令牌。"))
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})
