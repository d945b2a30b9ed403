"""The programme's application form (``enrollment.application_form``; notice 004: 参训申请表,
附件1): a teacher fills it applying into a class; the base reads it on the enrollment's page,
the class's teaching core teachers on the class's list; both export it as .xlsx. Thin views
over ``services.enrollment_submit`` and ``application``."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from shipei.classes.models import TrainingClass
from shipei.core.errors import DomainError, NotFound
from shipei.core.excel import xlsx_response

from . import application, application_export, selectors, services, terms
from .errors import ApplicationIncomplete
from .forms import new_key
from .models import Enrollment
from .views import _person
from .views_teacher import _submitted_message


def _class(pk: Any) -> TrainingClass:
    try:
        return TrainingClass.objects.select_related("project__programme", "project__base").get(
            pk=pk
        )
    except (TrainingClass.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def answers_from(post: Any, fields: list[Any]) -> dict[str, Any]:
    """The answers a posted form carries: a rating's rows as ``code__index``."""
    out: dict[str, Any] = {}
    for field in fields:
        if field.kind == "rating":
            out[field.code] = {
                row: post.get(f"{field.code}__{n}", "") for n, row in enumerate(field.rows)
            }
        elif field.kind == "declaration":
            out[field.code] = post.get(field.code) == "on"
        elif field.kind != "record":
            out[field.code] = post.get(field.code, "")
    return out


@require_http_methods(["GET", "POST"])
@login_required
def apply_class(request: HttpRequest, pk: int) -> HttpResponse:
    """Apply into one class, filling the programme's application form where it has one."""
    person = _person(request)
    training_class = _class(pk)
    project = training_class.project
    programme = project.programme
    fields = application.questions(programme, project.item)
    answers: dict[str, Any] = {}
    wrong: dict[str, str] = {}
    error = ""
    key = new_key()
    if request.method == "POST":
        answers = answers_from(request.POST, fields)
        key = request.POST.get("key", "")[:40] or new_key()
        try:
            enrollment = services.enrollment_submit(
                actor=request.user,
                programme=programme,
                item=project.item,
                person=person,
                channel=Enrollment.Channel.SELF_REGISTRATION,
                training_class=training_class,
                key=key,
                answers=answers,
            )
        except ApplicationIncomplete as exc:
            wrong, error = exc.problems, exc.message
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(request, _submitted_message(enrollment))
            return redirect(enrollment)
    on = training_class.starts_on
    rows = []
    for field in fields:
        value: Any = answers.get(field.code, "")
        if field.kind == "record":
            value = application.record_fact(person, field.source or "", on=on)
        elif field.kind == "rating":
            given = value if isinstance(value, dict) else {}
            value = [(n, row, given.get(row, "")) for n, row in enumerate(field.rows)]
        rows.append({"field": field, "value": value, "error": wrong.get(field.code, "")})
    title = terms.item_title(programme, project.item)
    return render(
        request,
        "enrollment/apply_class.html",
        {
            "training_class": training_class,
            "project": project,
            "title": title,
            "form_label": (application.form_for(programme) or None),
            "rows": rows,
            "error": error,
            "key": key,
            "left": max(training_class.capacity - training_class.seats_taken, 0),
            "breadcrumbs": [
                (_("我的报名"), reverse("enrollment:mine")),
                (_("报名"), reverse("enrollment:apply")),
                (str(training_class), None),
            ],
        },
        status=400 if error else 200,
    )


@require_GET
@login_required
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One application, read-only: for a teaching core teacher of its class (the base reads it
    on the enrollment's page)."""
    enrollment = application.application_get(user=request.user, pk=pk)
    return render(
        request,
        "enrollment/application_detail.html",
        {
            "enrollment": enrollment,
            "filled": application.filled(enrollment),
            "form": application.form_for(enrollment.programme, enrollment.policy_revision),
            "breadcrumbs": [
                (
                    str(enrollment.training_class),
                    reverse("enrollment:class_applications", args=[enrollment.training_class_id]),
                ),
                (enrollment.person.name, None),
            ],
        },
    )


@require_GET
@login_required
def class_applications(request: HttpRequest, pk: int) -> HttpResponse:
    """The applications of one class: for its base and its teaching core teachers."""
    training_class = _class(pk)
    enrollments = list(application.readable(user=request.user, training_class=training_class))
    readers = application.teaches(request.user, training_class) or (
        selectors.may_view_enrollments(request.user)
    )
    if not enrollments and not readers:
        raise NotFound()
    return render(
        request,
        "enrollment/class_applications.html",
        {
            "training_class": training_class,
            "enrollments": enrollments,
            "breadcrumbs": [(str(training_class), None)],
        },
    )


@require_GET
@login_required
def application_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    enrollment = application.application_get(user=request.user, pk=pk)
    full = request.GET.get("full") == "1"
    book = application_export.workbook(
        actor=request.user, enrollments=[enrollment], full=full, ip=request.META.get("REMOTE_ADDR")
    )
    return xlsx_response(book, f"参训申请表-{enrollment.person.name}.xlsx")


@require_GET
@login_required
def class_applications_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    training_class = _class(pk)
    enrollments = list(application.readable(user=request.user, training_class=training_class))
    if not enrollments:
        raise NotFound(_("该班次暂无您可以查看的参训申请表。"))
    full = request.GET.get("full") == "1"
    book = application_export.workbook(
        actor=request.user, enrollments=enrollments, full=full, ip=request.META.get("REMOTE_ADDR")
    )
    return xlsx_response(book, f"参训申请表-{training_class}.xlsx")
