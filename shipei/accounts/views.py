"""Login, passwords, activation, and the pages for people and their roles."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shipei.accounts import scope
from shipei.audit import selectors as audit_selectors
from shipei.core import excel
from shipei.core.errors import DomainError, NotPermitted
from shipei.core.tables import RequestConfig
from shipei.core.text import is_int
from shipei.core.views_util import apply_errors, client_ip, import_page
from shipei.orgs.models import Organisation

from . import exports, imports, selectors, services
from .backends import is_inactive_login, login_refusal
from .errors import AccountLocked
from .forms import (
    ActivationForm,
    LoginForm,
    MajorClassForm,
    PasswordChangeForm,
    PersonFilterForm,
    PersonForm,
    RoleAssignForm,
)
from .models import Person, RoleAssignment, User
from .tables import PersonTable


def _login_page(
    request: HttpRequest, form: LoginForm, status: int = 200, locked_until: Any = None
) -> HttpResponse:
    return render(
        request, "accounts/login.html", {"form": form, "locked_until": locked_until}, status=status
    )


@sensitive_post_parameters("password")
@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated and request.method == "GET":
        return redirect("dashboard")
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = authenticate(
            request, username=form.cleaned_data["username"], password=form.cleaned_data["password"]
        )
        if user is not None:
            login(request, user)
            if user.must_change_password:
                messages.info(request, _("这是管理员为您设置的初始密码，请先修改密码。"))
                return redirect("password_change")
            target = request.POST.get("next") or request.GET.get("next") or ""
            if not url_has_allowed_host_and_scheme(
                target, {request.get_host()}, require_https=request.is_secure()
            ):
                target = reverse("dashboard")
            return redirect(target)
        refusal = login_refusal(request)
        if isinstance(refusal, AccountLocked):
            return lockout_response(request, None, form.cleaned_data)
        if refusal is not None:
            form.add_error(None, refusal.message)
            response = _login_page(request, form, status=refusal.status)
            response["Retry-After"] = str(refusal.retry_after)
            return response
        if is_inactive_login(form.cleaned_data["username"], form.cleaned_data["password"]):
            form.add_error(None, _("该账号已停用，请联系所在单位的管理员。"))
        else:
            form.add_error(None, _("身份证号/手机号或密码不正确。连续输错多次，账号将被暂时锁定。"))
    return _login_page(request, form)


def lockout_response(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    """Axes calls this when an account is locked: say until when, in Chinese."""
    locked = AccountLocked(seconds=int(settings.AXES_COOLOFF_TIME.total_seconds()))
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {"code": locked.code, "message": locked.message, "fields": {}}, status=locked.status
        )
    else:
        form = LoginForm(request.POST or None)
        form.is_valid()
        until = timezone.localtime(timezone.now() + settings.AXES_COOLOFF_TIME)
        response = _login_page(request, form, status=locked.status, locked_until=until)
    response["Retry-After"] = str(locked.retry_after)
    return response


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, _("您已安全退出。"))
    return redirect("login")


@sensitive_post_parameters()
@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.account_set_password(
                user=request.user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password1"],
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                apply_errors(form, exc)
            else:
                form.add_error("new_password1", exc.messages)
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, _("密码已修改。"))
            return redirect("dashboard")
    return render(
        request,
        "accounts/password_change.html",
        {"form": form, "forced": request.user.must_change_password},
    )


@sensitive_post_parameters()
@never_cache
@require_http_methods(["GET", "POST"])
def activate(request: HttpRequest) -> HttpResponse:
    """First login of a person registered in bulk: ID number, a code sent to the recorded mobile."""
    form = ActivationForm(request.POST or None)
    # "code": the code, password fields are shown; "sent": and a note that a code went out.
    context: dict[str, Any] = {"form": form, "stage": "start"}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        sending = request.POST.get("step") == "send"
        try:
            if sending:
                services.activation_send(id_number=data["id_number"], ip=client_ip(request))
                context["stage"] = "sent"
            else:
                context["stage"] = "code"
                if not data.get("code"):
                    form.add_error("code", _("请填写短信验证码。"))
                elif data.get("new_password1") != data.get("new_password2"):
                    form.add_error("new_password2", _("两次输入的密码不一致。"))
                else:
                    user = services.activation_confirm(
                        id_number=data["id_number"],
                        code=data["code"],
                        new_password=data["new_password1"] or "",
                    )
                    login(request, user, backend="shipei.accounts.backends.PersonBackend")
                    messages.success(request, _("账号已激活，欢迎使用。"))
                    return redirect("dashboard")
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                apply_errors(form, exc)
            else:
                form.add_error("new_password1", exc.messages)
        except DomainError as exc:
            form.add_error(None, exc.message)
            context["stage"] = "start" if sending else "code"
    return render(request, "accounts/activate.html", context)


@require_GET
@login_required
def me(request: HttpRequest) -> HttpResponse:
    person = request.user.person
    if person is None:
        return render(
            request, "accounts/me.html", {"person": None, "breadcrumbs": [(_("我的资料"), None)]}
        )
    return redirect(person)


def _person_orgs(user: User, action: str) -> Any:
    return Organisation.objects.filter(
        scope.orgs_q(user, action, via=None), is_active=True
    ).order_by("path")


@require_http_methods(["GET", "POST"])
@login_required
def person_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not scope.has_any(user, "person.view"):
        raise NotPermitted()
    # Filters are posted and come back as a URL in which a full ID number or mobile is
    # replaced by its token: the number never reaches a URL, a log or the history.
    source = request.POST if request.method == "POST" else request.GET
    token = selectors.identifier_token(source.get("q", ""))
    if request.method == "POST" or token:
        params = source.copy()
        params.pop("csrfmiddlewaretoken", None)
        params.pop("page", None)
        if token:
            params["q"] = token
        return redirect(f"{reverse('accounts:person_list')}?{params.urlencode()}")
    form = PersonFilterForm(
        request.GET or None,
        orgs=_person_orgs(user, "person.view"),
        roles=selectors.person_roles_present(user=user),
    )
    filters = form.cleaned_data if form.is_valid() else {}
    by_identifier = bool(selectors.TOKEN.fullmatch(filters.get("q", "")))
    if by_identifier:
        form.data = form.data.copy()
        form.data["q"] = ""
    table = PersonTable(selectors.person_list(user=user, filters=filters))
    RequestConfig(request).configure(table)
    return render(
        request,
        "accounts/person_list.html",
        {
            "form": form,
            "table": table,
            "can_create": scope.has_any(user, "person.create"),
            "can_export": scope.has_any(user, "person.export"),
            "can_import": scope.has_any(user, "person.import"),
            "can_reveal": scope.has_any(user, "person.reveal"),
            "by_identifier": by_identifier,
            "breadcrumbs": [(_("人员管理"), None)],
        },
    )


def _person(request: HttpRequest, pk: int) -> Person:
    return scope.get_person_in_scope(
        request.user,
        "person.view",
        Person.objects.select_related("org", "teacher_profile", "user"),
        pk=pk,
    )


@require_GET
@login_required
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk)
    user = request.user
    account = getattr(person, "user", None) if hasattr(person, "user") else None
    grantable = {o.pk: scope.grantable_roles(user, o) for o in _person_orgs(user, "role.assign")}
    assign_orgs = [pk for pk, roles in grantable.items() if roles]
    assign_roles = sorted({r for roles in grantable.values() for r in roles})
    is_self = person.pk == user.person_id
    profile = getattr(person, "teacher_profile", None)
    return render(
        request,
        "accounts/person_detail.html",
        {
            "person": person,
            "account": account,
            "assignments": selectors.assignment_list(user=user, person=person),
            "can_change": scope.allows_person(user, "person.change", person),
            "can_reveal": scope.allows_person(user, "person.reveal", person),
            "can_assign": bool(assign_orgs) and account is not None,
            "assign_form": RoleAssignForm(
                orgs=Organisation.objects.filter(pk__in=assign_orgs), roles=assign_roles
            ),
            "is_self": is_self,
            "major_form": MajorClassForm(
                initial={"major_class": getattr(profile, "major_class", "")}
            )
            if is_self and profile is not None
            else None,
            "history": audit_selectors.person_history(person=person.pk)[:20]
            if scope.allows(user, "audit.view", person.org)
            else [],
            "breadcrumbs": (
                [(_("人员管理"), reverse("accounts:person_list"))]
                if scope.has_any(user, "person.view") and not is_self
                else []
            )
            + [(person.name, None)],
        },
    )


@require_POST
@login_required
def major_class_set(request: HttpRequest, pk: int) -> HttpResponse:
    """A teacher's own 专业类, chosen on their page."""
    person = _person(request, pk)
    form = MajorClassForm(request.POST)
    if form.is_valid():
        try:
            services.teacher_major_class_set(
                actor=request.user, person=person, major_class=form.cleaned_data["major_class"]
            )
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, _("专业类已保存。"))
    else:
        messages.error(request, _("请从列表中选择专业类。"))
    return redirect(person)


@require_POST
@login_required
def person_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """An htmx fragment with one full value; the service audits the view."""
    person = _person(request, pk)
    field = request.POST.get("field", "")
    try:
        value = services.person_reveal(
            actor=request.user, person=person, field=field, ip=client_ip(request)
        )
    except ValidationError:
        return HttpResponse(status=400)
    return render(request, "accounts/_revealed.html", {"value": value})


def _person_form_view(request: HttpRequest, person: Person | None) -> HttpResponse:
    user = request.user
    orgs = _person_orgs(user, "person.create")
    initial: dict[str, Any] = {}
    if person is not None:
        profile = getattr(person, "teacher_profile", None)
        initial = {
            "name": person.name,
            "id_number": person.id_number_masked,
            "gender": person.gender,
            "mobile": person.mobile_masked,
            "email": person.email,
            "org": person.org_id,
            "is_teacher": profile is not None,
        }
        if profile is not None:
            initial.update(
                title=profile.title,
                teaching_major=profile.teaching_major,
                major_class=profile.major_class,
                years_teaching=profile.years_teaching,
                department_post=profile.department_post,
            )
        if not orgs.filter(pk=person.org_id).exists():
            orgs = orgs | Organisation.objects.filter(pk=person.org_id)
    elif is_int(request.GET.get("org", "")):
        initial["org"] = request.GET["org"]
    form = PersonForm(request.POST or None, orgs=orgs, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if person is None:
                person = services.person_create(
                    actor=user,
                    org=data["org"],
                    name=data["name"],
                    id_number=data["id_number"],
                    mobile=data["mobile"],
                    gender=data["gender"] or None,
                    email=data["email"],
                    teacher=form.teacher_data(),
                )
                messages.success(request, _("已登记“%(name)s”。") % {"name": person.name})
            else:
                # Masked values shown in the form mean "unchanged".
                id_number = None if "*" in data["id_number"] else data["id_number"]
                mobile = None if "*" in data["mobile"] else data["mobile"]
                services.person_update(
                    actor=user,
                    person=person,
                    name=data["name"],
                    id_number=id_number,
                    mobile=mobile,
                    gender=data["gender"] or None,
                    email=data["email"],
                    org=data["org"],
                    teacher=form.teacher_data(),
                )
                messages.success(request, _("已保存。"))
        except (ValidationError, DomainError) as exc:
            apply_errors(form, exc)
        else:
            return redirect(person)
    title = _("登记人员") if person is None else _("编辑人员")
    crumbs = [(_("人员管理"), reverse("accounts:person_list"))]
    if person is not None:
        crumbs.append((person.name, person.get_absolute_url()))
    return render(
        request,
        "accounts/person_form.html",
        {
            "form": form,
            "title": title,
            "person": person,
            "breadcrumbs": [*crumbs, (title, None)],
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def person_create(request: HttpRequest) -> HttpResponse:
    if not scope.has_any(request.user, "person.create"):
        raise NotPermitted()
    return _person_form_view(request, None)


@require_http_methods(["GET", "POST"])
@login_required
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk)
    scope.require_person(request.user, "person.change", person)
    return _person_form_view(request, person)


@require_POST
@login_required
def account_open(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk)
    try:
        _user, password = services.account_open(actor=request.user, person=person)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(person)
    return render(
        request,
        "accounts/one_time_password.html",
        {
            "person": person,
            "password": password,
            "breadcrumbs": [(person.name, person.get_absolute_url()), (_("开通账号"), None)],
        },
    )


@require_POST
@login_required
def account_reset(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk)
    account = User.objects.filter(person=person).first()
    if account is None:
        messages.error(request, _("该人员尚未开通账号。"))
        return redirect(person)
    password = services.account_reset_password(actor=request.user, user=account)
    return render(
        request,
        "accounts/one_time_password.html",
        {
            "person": person,
            "password": password,
            "reset": True,
            "breadcrumbs": [(person.name, person.get_absolute_url()), (_("重置密码"), None)],
        },
    )


@require_POST
@login_required
def role_assign(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk)
    account = User.objects.filter(person=person).first()
    form = RoleAssignForm(request.POST, orgs=_person_orgs(request.user, "role.assign"))
    if account is None:
        messages.error(request, _("请先为该人员开通账号。"))
    elif form.is_valid():
        try:
            services.role_assign(
                actor=request.user,
                user=account,
                role=form.cleaned_data["role"],
                org=form.cleaned_data["org"],
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已分配角色。"))
    else:
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
    return redirect(person)


@require_POST
@login_required
def role_revoke(request: HttpRequest, pk: int, assignment_pk: int) -> HttpResponse:
    person = _person(request, pk)
    assignment = scope.get_in_scope(
        request.user,
        "role.view",
        RoleAssignment.objects.select_related("org", "user"),
        pk=assignment_pk,
        user__person=person,
    )
    try:
        services.role_revoke(actor=request.user, assignment=assignment)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已收回角色。"))
    return redirect(person)


@require_GET
@login_required
def person_export(request: HttpRequest) -> HttpResponse:
    """People in scope as .xlsx; masked unless the role may reveal and asks (audited)."""
    user = request.user
    if not scope.has_any(user, "person.export"):
        raise NotPermitted()
    full = request.GET.get("full") == "1"
    form = PersonFilterForm(
        request.GET or None,
        orgs=_person_orgs(user, "person.view"),
        roles=selectors.person_roles_present(user=user, action="person.export"),
    )
    filters = form.cleaned_data if form.is_valid() else {}
    qs = selectors.person_list(user=user, action="person.export", filters=filters)
    content = exports.person_export(actor=user, people=qs, full=full, ip=client_ip(request))
    suffix = "（完整）" if full else ""
    return excel.xlsx_response(content, f"人员名单{suffix}-{timezone.localdate():%Y%m%d}.xlsx")


@require_GET
@login_required
def person_import_template(request: HttpRequest) -> HttpResponse:
    return excel.xlsx_response(imports.people_template(request.user), "教师名单导入模板.xlsx")


@require_http_methods(["GET", "POST"])
@login_required
def person_import(request: HttpRequest) -> HttpResponse:
    return import_page(
        request,
        action="person.import",
        parse=imports.parse_people,
        apply=services.person_import,
        done_message=_(
            "导入完成：新增 %(created)d 人，更新 %(updated)d 人，未变化 %(unchanged)d 人。"
        ),
        success_url=reverse("accounts:person_list") + "?sort=-updated_at",
        page={
            "title": _("导入教师"),
            "template_url": reverse("accounts:person_import_template"),
            "template_name": "教师名单导入模板.xlsx",
            "fill_hint": _(
                "按模板填写，身份证号、手机号等列请保持“文本”格式。"
                "导入的教师暂不开通账号，本人首次登录时用身份证号和短信验证码激活。"
            ),
            "breadcrumbs": [
                (_("人员管理"), reverse("accounts:person_list")),
                (_("导入教师"), None),
            ],
        },
    )
