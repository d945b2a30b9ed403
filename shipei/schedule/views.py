"""Schedule pages: a class's schedule by day (staff add and change sessions on a phone), its
project's resource package, the Excel export, and a trainee's own sessions, progress and hours.
Thin views over selectors and services."""

from functools import partial
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shipei.accounts import scope
from shipei.classes.models import TrainingClass
from shipei.core.errors import DomainError, NotFound, NotPermitted
from shipei.core.excel import xlsx_response
from shipei.core.views_util import apply_errors
from shipei.enrollment.models import CHAIN_COMPLETED
from shipei.projects.models import Project

from . import exports, hours, selectors, services
from .forms import ResourceForm, SessionForm
from .models import Resource, Session

# The service's fields as the form names them.
FORM_FIELDS = {"starts_at": "starts", "ends_at": "ends"}


def _class(request: HttpRequest, pk: int) -> TrainingClass:
    """The class, to the admins and institution in scope, its trainees and its teachers."""
    user = request.user
    person = getattr(user, "person_id", None) or -1
    mine = Q(enrollments__person_id=person, enrollments__status__in=CHAIN_COMPLETED) | Q(
        sessions__staff=person
    )
    found = (
        TrainingClass.objects.filter(
            scope.orgs_q(user, "class.view", via="project__base") | mine, pk=pk
        )
        .select_related("project__programme", "project__base")
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def _may_run(request: HttpRequest, cls: TrainingClass) -> bool:
    return scope.allows(request.user, "class.run", cls.project.base)


def class_panel(request: HttpRequest, cls: TrainingClass) -> str:
    """The class page's schedule card: content shares, hours and the link to the schedule."""
    return render_to_string(
        "schedule/_class_panel.html",
        {
            "cls": cls,
            "shares": hours.content_shares(cls),
            "count": cls.sessions.count(),
            "hours": hours.scheduled_hours(cls),
        },
        request=request,
    )


@require_GET
@login_required
def class_schedule(request: HttpRequest, pk: int) -> HttpResponse:
    cls = _class(request, pk)
    return render(
        request,
        "schedule/class.html",
        {
            "cls": cls,
            "days": selectors.by_day(selectors.class_sessions(cls)),
            "shares": hours.content_shares(cls),
            "hours": hours.scheduled_hours(cls),
            "may_run": _may_run(request, cls),
            "may_view": scope.allows(request.user, "class.view", cls.project.base),
            "breadcrumbs": [(str(cls), cls.get_absolute_url()), (_("课表"), None)],
        },
    )


def _session_form(request: HttpRequest, cls: TrainingClass, **kwargs: Any) -> SessionForm:
    return SessionForm(
        request.POST or None,
        resources=Resource.objects.filter(project_id=cls.project_id).order_by("pk"),
        staff=services.allowed_staff(cls),
        **kwargs,
    )


def _save_session(request: HttpRequest, form: SessionForm, call: Any) -> bool:
    try:
        call(**form.service_fields())
    except DomainError as exc:
        apply_errors(form, exc)
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            exc = ValidationError({FORM_FIELDS.get(k, k): v for k, v in exc.error_dict.items()})
        apply_errors(form, exc)
    else:
        return True
    return False


@require_http_methods(["GET", "POST"])
@login_required
def session_add(request: HttpRequest, pk: int) -> HttpResponse:
    cls = _class(request, pk)
    if not _may_run(request, cls):
        raise NotPermitted()
    today = timezone.localdate()
    first = today if cls.starts_on <= today <= cls.ends_on else cls.starts_on  # a running class
    form = _session_form(request, cls, initial={"day": request.GET.get("day") or first})
    if request.method == "POST" and form.is_valid():
        call = partial(services.session_add, actor=request.user, training_class=cls)
        if _save_session(request, form, call):
            messages.success(request, _("课次已安排。"))
            return redirect("schedule:class", cls.pk)
    return _form_page(request, cls, form, _("安排课次"))


@require_http_methods(["GET", "POST"])
@login_required
def session_edit(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.session_get(user=request.user, pk=pk)
    cls = session.training_class
    if not _may_run(request, cls):
        raise NotPermitted()
    form = _session_form(request, cls, initial=SessionForm.initial_for(session))
    if request.method == "POST" and form.is_valid():
        call = partial(services.session_update, actor=request.user, session=session)
        if _save_session(request, form, call):
            messages.success(request, _("课次已修改。"))
            return redirect("schedule:class", cls.pk)
    return _form_page(request, cls, form, _("修改课次"), session=session)


def _form_page(
    request: HttpRequest,
    cls: TrainingClass,
    form: SessionForm,
    title: str,
    session: Session | None = None,
) -> HttpResponse:
    return render(
        request,
        "schedule/session_form.html",
        {
            "cls": cls,
            "form": form,
            "title": title,
            "session": session,
            "breadcrumbs": [
                (str(cls), cls.get_absolute_url()),
                (_("课表"), reverse("schedule:class", args=[cls.pk])),
                (title, None),
            ],
        },
    )


@require_POST
@login_required
def session_delete(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.session_get(user=request.user, pk=pk)
    cls = session.training_class
    try:
        services.session_remove(actor=request.user, session=session)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("课次已删除。"))
    return redirect("schedule:class", cls.pk)


@require_GET
@login_required
def class_export(request: HttpRequest, pk: int) -> HttpResponse:
    cls = _class(request, pk)
    return xlsx_response(exports.schedule_xlsx(cls), f"课表-{cls}.xlsx")


# ---- the resource package ------------------------------------------------------------------


def _project(request: HttpRequest, pk: int) -> Project:
    return scope.get_in_scope(
        request.user,
        "class.view",
        Project.objects.select_related("programme", "base"),
        via="base",
        pk=pk,
    )


@require_http_methods(["GET", "POST"])
@login_required
def resources(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    may_run = scope.allows(request.user, "class.run", project.base)
    form = ResourceForm(request.POST or None)
    if request.method == "POST":
        if not may_run:
            raise NotPermitted()
        if form.is_valid():
            try:
                services.resource_add(actor=request.user, project=project, **form.cleaned_data)
            except (DomainError, ValidationError) as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("资源已加入资源包。"))
                return redirect("schedule:resources", project.pk)
    package = list(Resource.objects.filter(project=project).order_by("pk"))
    return render(
        request,
        "schedule/resources.html",
        {
            "project": project,
            "package": package,
            "form": form,
            "may_run": may_run,
            "total": sum(r.minutes for r in package),
            "shares": [hours.video_share(project)],
            "classes": project.classes.order_by("seq"),
            "breadcrumbs": [(project.title, project.get_absolute_url()), (_("资源包"), None)],
        },
    )


@require_POST
@login_required
def resource_delete(request: HttpRequest, pk: int) -> HttpResponse:
    resource = (
        Resource.objects.filter(scope.orgs_q(request.user, "class.view", via="project__base"))
        .select_related("project__base")
        .filter(pk=pk)
        .first()
    )
    if resource is None:
        raise NotFound()
    try:
        services.resource_remove(actor=request.user, resource=resource)
    except DomainError as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("资源已删除。"))
    return redirect("schedule:resources", resource.project_id)


# ---- a trainee's own -----------------------------------------------------------------------


@require_GET
@login_required
def mine(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "schedule/mine.html",
        {
            "learning": selectors.my_learning(user=request.user),
            "teaching": selectors.my_teaching(user=request.user),
            "breadcrumbs": [(_("我的课表与学时"), None)],
        },
    )
