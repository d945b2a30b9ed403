"""Project pages: the base's applications, a project's page and actions, and the catalogue
(the ministry's review queue and the experts' scoring: views_review.py). Thin views over
selectors and services, scoped by shipei.accounts.scope."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shipei.accounts import scope
from shipei.core.errors import DomainError, NotFound, NotPermitted
from shipei.core.forms import valid_filters
from shipei.core.tables import RequestConfig
from shipei.core.text import is_int
from shipei.core.views_util import apply_errors
from shipei.programmes.models import Programme

from . import attachments, selectors, services
from .forms import (
    AssignExpertsForm,
    AttachmentForm,
    CancelForm,
    CatalogueFilterForm,
    DecideForm,
    ProjectFilterForm,
    ProjectForm,
    bound_copy,
    class_changes,
    class_formset,
)
from .models import ADVANCES, LISTED, STATE_ALLOWS, Project, ProjectAttachment
from .tables import CatalogueTable, ProjectTable

SUBMIT_FAILED = _("未能提交申报，请按提示修改后重新提交。")
# The buttons that move a published project on, with what they say once done.
ADVANCE_WORDS = {
    Project.Status.ENROLLING: (gettext_lazy("开始报名"), gettext_lazy("项目已开始报名。")),
    Project.Status.ENROLLMENT_CLOSED: (
        gettext_lazy("截止报名"),
        gettext_lazy("报名已截止，不再接受报名。"),
    ),
    Project.Status.RUNNING: (gettext_lazy("开始培训"), gettext_lazy("项目已开始培训。")),
    Project.Status.COMPLETED: (gettext_lazy("培训结束"), gettext_lazy("项目培训已结束。")),
}


def _list_crumb(user: Any) -> tuple[str, str]:
    label = _("我的项目") if scope.has_any(user, "project.apply") else _("培训项目")
    return (label, reverse("projects:list"))


# --- the base's applications ----------------------------------------------------------------


@require_GET
@login_required
def project_list(request: HttpRequest) -> HttpResponse:
    if not scope.has_any(request.user, "project.view"):
        raise NotPermitted()
    facets = selectors.project_facets(user=request.user)
    form = ProjectFilterForm(request.GET or None, facets=facets)
    filters = form.cleaned_data if form.is_valid() else {}
    # One base's own list: every row would name it again.
    table = ProjectTable(
        selectors.project_list(user=request.user, filters=filters),
        exclude=() if facets["several_bases"] else ("base",),
    )
    RequestConfig(request).configure(table)
    mine = scope.has_any(request.user, "project.apply")
    return render(
        request,
        "projects/list.html",
        {
            "form": form,
            "table": table,
            "title": _("我的项目") if mine else _("培训项目"),
            "can_apply": mine,
            "breadcrumbs": [(_("我的项目") if mine else _("培训项目"), None)],
        },
    )


def _programme_for_new(request: HttpRequest) -> Programme | None:
    value = request.GET.get("programme", "")
    if not is_int(value):
        return None
    programme = Programme.objects.filter(pk=value).first()
    if programme is None or not selectors.accepts_projects(programme):
        raise NotFound()
    return programme


def _base_for_new(request: HttpRequest) -> Any:
    bases = selectors.base_choices(user=request.user)
    value = request.POST.get("base") or request.GET.get("base", "")
    if is_int(value):
        base = bases.filter(pk=value).first()
        if base is None:
            raise NotFound()
        return base, bases
    return bases.first(), bases


@require_http_methods(["GET", "POST"])
@login_required
def project_create(request: HttpRequest) -> HttpResponse:
    if not scope.has_any(request.user, "project.apply"):
        raise NotPermitted()
    programme = _programme_for_new(request)
    base, bases = _base_for_new(request)
    if programme is None or base is None:
        programmes = [
            {
                "programme": p,
                "deadline": selectors.application_deadline(p),
                "left": selectors.time_left(selectors.application_deadline(p)),
            }
            for p in selectors.programmes_open_for_projects()
        ]
        return render(
            request,
            "projects/pick_programme.html",
            {
                "programmes": programmes,
                "breadcrumbs": [_list_crumb(request.user), (_("新建项目申报"), None)],
            },
        )
    return _edit_page(request, project=None, programme=programme, base=base, bases=bases)


def _project(request: HttpRequest, pk: int) -> Project:
    return selectors.project_get(user=request.user, pk=pk)


@require_http_methods(["GET", "POST"])
@login_required
def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    scope.require(request.user, "project.apply", project.base)
    return _edit_page(request, project=project, programme=project.programme, base=project.base)


def _edit_page(
    request: HttpRequest,
    *,
    project: Project | None,
    programme: Programme,
    base: Any,
    bases: Any = None,
    refusal: ValidationError | DomainError | None = None,
) -> HttpResponse:
    """The application form with its class rows; "保存并提交" saves, then submits."""
    initial = ProjectForm.initial_from(project) if project else {}
    posted = request.method == "POST" and refusal is None
    form = ProjectForm(
        request.POST if posted else None, initial=initial, programme=programme, base=base
    )
    formset = class_formset(request.POST if posted else None, project=project, programme=programme)
    attachment_form = AttachmentForm(
        request.POST if posted else None, request.FILES if posted else None
    )
    if refusal is not None:
        # Show the refusal on what is saved: the same values, with the errors beside them.
        form = ProjectForm(bound_copy(form), programme=programme, base=base)
        data = {
            "classes-TOTAL_FORMS": str(len(formset.forms)),
            "classes-INITIAL_FORMS": str(len(formset.initial_forms)),
        }
        for f in formset.forms:
            data.update(bound_copy(f))
        formset = class_formset(data, project=project, programme=programme)
        form.is_valid()
        formset.is_valid()
        _refusal_on(form, formset, refusal)
    elif posted and form.is_valid() and formset.is_valid() and attachment_form.is_valid():
        saved = _save(request, form, formset, attachment_form, project, programme, base)
        if saved is not None:
            return saved
    if project is None:
        title = _("新建项目申报")
        trail = [_list_crumb(request.user), (title, None)]
    else:
        title = _("编辑项目申报")
        trail = [
            _list_crumb(request.user),
            (project.title, project.get_absolute_url()),
            (title, None),
        ]
    deadline = selectors.application_deadline(programme)
    return render(
        request,
        "projects/form.html",
        {
            "form": form,
            "formset": formset,
            "attachment_form": attachment_form,
            "project": project,
            "programme": programme,
            "base": base,
            "bases": bases if bases is not None and len(bases) > 1 else None,
            "deadline": deadline,
            "time_left": selectors.time_left(deadline),
            "title": title,
            "breadcrumbs": trail,
        },
    )


def _refusal_on(form: Any, formset: Any, exc: ValidationError | DomainError) -> None:
    form.add_error(None, SUBMIT_FAILED)
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            if field == "classes":
                formset._non_form_errors = formset.error_class(
                    errors, error_class="nonform", renderer=formset.renderer
                )
            else:
                form.add_error(field if field in form.fields else None, errors)
    else:
        apply_errors(form, exc)


def _save(
    request: HttpRequest,
    form: Any,
    formset: Any,
    attachment_form: Any,
    project: Project | None,
    programme: Programme,
    base: Any,
) -> HttpResponse | None:
    fields = {k: v for k, v in form.cleaned_data.items() if k != "base_kind" or v}
    submit = "submit" in request.POST
    try:
        if project is None:
            project = services.project_create(
                actor=request.user,
                programme=programme,
                base=base,
                classes=class_changes(formset),
                **fields,
            )
        else:
            services.project_update(
                actor=request.user, project=project, classes=class_changes(formset), **fields
            )
        upload = attachment_form.cleaned_data.get("file")
        if upload:
            attachments.attachment_add(actor=request.user, project=project, upload=upload)
    except (ValidationError, DomainError) as exc:
        if isinstance(exc, ValidationError) and "classes" in getattr(exc, "error_dict", {}):
            formset._non_form_errors = formset.error_class(
                exc.message_dict["classes"], error_class="nonform", renderer=formset.renderer
            )
            return None
        apply_errors(form, exc)
        if isinstance(exc, ValidationError) and "file" in getattr(exc, "error_dict", {}):
            attachment_form.add_error("file", exc.message_dict["file"])
        return None
    if not submit:
        messages.success(request, _("已保存草稿。"))
        return redirect(project)
    return _submit(request, Project.objects.get(pk=project.pk))


def _submit(request: HttpRequest, project: Project) -> HttpResponse:
    try:
        services.project_submit(actor=request.user, project=project)
    except (ValidationError, DomainError) as exc:
        request.method = "GET"
        return _edit_page(
            request,
            project=Project.objects.get(pk=project.pk),
            programme=project.programme,
            base=project.base,
            refusal=exc,
        )
    messages.success(request, _("已提交申报，等待评审。"))
    return redirect(project)


@require_POST
@login_required
def project_submit(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    scope.require(request.user, "project.apply", project.base)
    return _submit(request, project)


# --- the project page -----------------------------------------------------------------------


@require_GET
@login_required
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    return _detail(request, project)


def _detail(request: HttpRequest, project: Project, **forms: Any) -> HttpResponse:
    user = request.user
    may_apply = scope.allows(user, "project.apply", project.base)
    may_decide = scope.allows_programme(user, "project.decide", project.programme)
    S = Project.Status
    can_assign = may_decide and project.status in (S.SUBMITTED, S.IN_REVIEW)
    context = {
        "project": project,
        "classes": selectors.project_classes(project),
        "can_roster": project.status in LISTED
        and (scope.allows(user, "enrollment.view_base", project.base) or may_decide),
        "attachments": project.attachments.all(),
        "may_apply": may_apply,
        "may_decide": may_decide,
        "can_edit": may_apply and project.is_editable,
        "can_submit": may_apply and project.is_editable,
        "can_assign": can_assign,
        "can_decide": may_decide and project.status == S.IN_REVIEW,
        "can_publish": may_decide and project.status == S.APPROVED,
        "can_cancel": (may_decide or may_apply) and S.CANCELLED in _moves(project),
        "advances": [
            (to, ADVANCE_WORDS[to][0])
            for to in ADVANCES
            if to in _moves(project)
            and services.may_run(user, project)
            and not project.programme.rules.classes.steps
        ],
        "state_allows": STATE_ALLOWS.get(project.status, ""),
        "assign_form": forms.get("assign_form")
        or (AssignExpertsForm(project=project) if can_assign else None),
        "decide_form": forms.get("decide_form") or DecideForm(),
        "cancel_form": forms.get("cancel_form") or CancelForm(),
        "reviews": selectors.review_table(project) if may_decide else None,
        "breadcrumbs": [
            (_("项目评审"), reverse("projects:queue")) if may_decide else _list_crumb(user),
            (project.title, None),
        ],
    }
    return render(request, "projects/detail.html", context)


def _moves(project: Project) -> frozenset[str]:
    return services.LIFECYCLE.moves.get(project.status, frozenset())


def _act(
    request: HttpRequest, project: Project, call: Any, done: str, form_key: str, form: Any
) -> HttpResponse:
    """Run one service call for the project page; a refusal re-renders the page (200) with
    the message on top and field errors beside the fields."""
    try:
        call()
    except DomainError as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        apply_errors(form, exc)
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, done)
        return redirect(project)
    return _detail(request, _project(request, project.pk), **{form_key: form})


@require_POST
@login_required
def project_assign(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    scope.require_programme(request.user, "project.decide", project.programme)
    form = AssignExpertsForm(request.POST, project=project)
    if not form.is_valid():
        return _detail(request, project, assign_form=form)
    experts = list(form.cleaned_data["experts"])
    return _act(
        request,
        project,
        lambda: services.project_assign_experts(
            actor=request.user, project=project, experts=experts
        ),
        _("已分配 %(n)s 位评审专家。") % {"n": len(experts)},
        "assign_form",
        form,
    )


@require_POST
@login_required
def project_decide(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    form = DecideForm(request.POST)
    if not form.is_valid():
        return _detail(request, project, decide_form=form)
    decision = form.cleaned_data["decision"]
    done = {
        "approve": _("评审通过。"),
        "return": _("已退回基地修改。"),
        "reject": _("已决定不予通过。"),
    }[decision]
    return _act(
        request,
        project,
        lambda: services.project_decide(
            actor=request.user,
            project=project,
            decision=decision,
            reason=form.cleaned_data["reason"],
        ),
        done,
        "decide_form",
        form,
    )


@require_POST
@login_required
def project_publish(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    try:
        services.project_publish(actor=request.user, project=project)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已发布，教师可在项目目录中查看。"))
    return redirect(project)


@require_POST
@login_required
def project_advance(request: HttpRequest, pk: int, to: str) -> HttpResponse:
    project = _project(request, pk)
    if to not in ADVANCE_WORDS:
        raise NotFound()
    try:
        services.project_advance(actor=request.user, project=project, to=to)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, str(ADVANCE_WORDS[to][1]))
    return redirect(project)


@require_POST
@login_required
def project_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    form = CancelForm(request.POST)
    if not form.is_valid():
        return _detail(request, project, cancel_form=form)
    return _act(
        request,
        project,
        lambda: services.project_cancel(
            actor=request.user, project=project, reason=form.cleaned_data["reason"]
        ),
        _("项目已撤销。"),
        "cancel_form",
        form,
    )


# --- attachments (never served publicly) ----------------------------------------------------


def _attachment(request: HttpRequest, pk: int, att_pk: int) -> ProjectAttachment:
    project = selectors.project_for_reading(user=request.user, pk=pk)
    attachment = project.attachments.filter(pk=att_pk).first()
    if attachment is None:
        raise NotFound()
    return attachment


@require_GET
@login_required
def attachment_download(request: HttpRequest, pk: int, att_pk: int) -> FileResponse:
    attachment = _attachment(request, pk, att_pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise NotFound(_("附件文件已不存在，请联系上传单位。")) from None
    response = FileResponse(handle, as_attachment=True, filename=attachment.name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@login_required
def attachment_remove(request: HttpRequest, pk: int, att_pk: int) -> HttpResponse:
    project = _project(request, pk)
    attachment = project.attachments.filter(pk=att_pk).first()
    if attachment is None:
        raise NotFound()
    try:
        attachments.attachment_remove(actor=request.user, attachment=attachment)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已删除附件“%(name)s”。") % {"name": attachment.name})
    if request.POST.get("next") == "edit":
        return redirect("projects:edit", pk=pk)
    return redirect(project)


# --- the catalogue --------------------------------------------------------------------------


@require_GET
@login_required
def catalogue(request: HttpRequest) -> HttpResponse:
    form = CatalogueFilterForm(request.GET or None)
    filters = valid_filters(form)
    table = CatalogueTable(selectors.catalogue_list(user=request.user, filters=filters))
    RequestConfig(request).configure(table)
    return render(
        request,
        "projects/catalogue.html",
        {"form": form, "table": table, "breadcrumbs": [(_("项目目录"), None)]},
    )


@require_GET
@login_required
def catalogue_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.catalogue_get(user=request.user, pk=pk)
    return render(
        request,
        "projects/catalogue_detail.html",
        {
            "project": project,
            "classes": project.classes.all(),
            "breadcrumbs": [(_("项目目录"), reverse("projects:catalogue")), (project.title, None)],
        },
    )
