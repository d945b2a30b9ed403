"""Pages of the core-teacher pool, of a class's staffing, of a half-year staffed at once, and
the core teacher's own invitations."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shipei.accounts import scope
from shipei.core import excel
from shipei.core.errors import DomainError, NotFound, NotPermitted
from shipei.core.tables import RequestConfig
from shipei.core.views_util import apply_errors, import_page
from shipei.orgs.models import Organisation
from shipei.programmes.models import Programme

from . import exports, imports, selectors, services
from .forms import CoreTeacherForm, DeclineForm, PlanForm, PoolFilterForm, PreferenceForm
from .models import Assignment, StaffingRun
from .needs import class_needs
from .reasons import shortage_text
from .services.runs import PLAN_SECONDS
from .tables import PoolTable


def _pool_crumbs(*more: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [(_("骨干教师库"), reverse("staffing:pool")), *more]


@require_GET
@login_required
def pool(request: HttpRequest) -> HttpResponse:
    if not selectors.may_keep_pool(request.user):
        raise NotPermitted()
    form = PoolFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    table = PoolTable(selectors.pool_list(user=request.user, filters=filters))
    RequestConfig(request).configure(table)
    return render(
        request,
        "staffing/pool.html",
        {"form": form, "table": table, "breadcrumbs": [(_("骨干教师库"), None)]},
    )


def _homes(user: Any) -> Any:
    return Organisation.objects.filter(
        scope.orgs_q(user, selectors.POOL_ACTION, via=None), is_active=True
    ).order_by("name_pinyin")


@require_http_methods(["GET", "POST"])
@login_required
def teacher_create(request: HttpRequest) -> HttpResponse:
    if not selectors.may_keep_pool(request.user):
        raise NotPermitted()
    form = CoreTeacherForm(request.POST or None, homes=_homes(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            teacher = services.core_teacher_add(actor=request.user, **data)
        except (ValidationError, DomainError) as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request, _("已将%(name)s加入骨干教师库。") % {"name": teacher.person.name}
            )
            return redirect(teacher)
    return render(
        request,
        "staffing/teacher_form.html",
        {"form": form, "title": _("添加骨干教师"), "breadcrumbs": _pool_crumbs((_("添加"), None))},
    )


@require_http_methods(["GET", "POST"])
@login_required
def teacher_edit(request: HttpRequest, pk: int) -> HttpResponse:
    teacher = selectors.teacher_get(user=request.user, pk=pk)
    quals = list(teacher.qualifications.all())
    initial = {
        "home": teacher.home,
        "categories": sorted({q.category for q in quals}),
        "levels": sorted({q.level for q in quals if q.level}),
        "teaches": teacher.teaches,
        "assesses": teacher.assesses,
        "is_active": teacher.is_active,
        "note": teacher.note,
    }
    form = CoreTeacherForm(
        request.POST or None, initial=initial, homes=_homes(request.user), editing=True
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.core_teacher_save(
                actor=request.user,
                person=teacher.person,
                core_teacher=teacher,
                home=data["home"],
                teaches=data["teaches"],
                assesses=data["assesses"],
                categories=data["categories"],
                levels=data["levels"],
                is_active=data["is_active"],
                note=data["note"],
            )
        except (ValidationError, DomainError) as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect(teacher)
    return render(
        request,
        "staffing/teacher_form.html",
        {
            "form": form,
            "teacher": teacher,
            "title": _("修改骨干教师：%(name)s") % {"name": teacher.person.name},
            "breadcrumbs": _pool_crumbs(
                (teacher.person.name, teacher.get_absolute_url()), (_("修改"), None)
            ),
        },
    )


@require_GET
@login_required
def teacher_detail(request: HttpRequest, pk: int) -> HttpResponse:
    teacher = selectors.teacher_get(user=request.user, pk=pk)
    return render(
        request,
        "staffing/teacher_detail.html",
        {
            "teacher": teacher,
            "assignments": selectors.teacher_assignments(teacher),
            "breadcrumbs": _pool_crumbs((teacher.person.name, None)),
        },
    )


@require_GET
@login_required
def pool_import_template(request: HttpRequest) -> HttpResponse:
    if not selectors.may_keep_pool(request.user):
        raise NotPermitted()
    return excel.xlsx_response(imports.template(request.user), "骨干教师库导入模板.xlsx")


@require_http_methods(["GET", "POST"])
@login_required
def pool_import(request: HttpRequest) -> HttpResponse:
    return import_page(
        request,
        action=selectors.POOL_ACTION,
        parse=imports.parse_core_teachers,
        apply=services.core_teacher_import,
        done_message=_(
            "导入完成：新增 %(created)d 人，更新 %(updated)d 人，未变化 %(unchanged)d 人"
            "（其中新登记人员 %(registered)d 人）。"
        ),
        success_url=reverse("staffing:pool"),
        page={
            "title": _("导入骨干教师"),
            "template_url": reverse("staffing:pool_import_template"),
            "template_name": "骨干教师库导入模板.xlsx",
            "fill_hint": _(
                "按模板填写，每行一位骨干教师；专业大类、培训级别可填多个，用顿号分隔。"
            ),
            "breadcrumbs": _pool_crumbs((_("导入"), None)),
        },
    )


@require_GET
@login_required
def pool_export(request: HttpRequest) -> HttpResponse:
    if not selectors.may_keep_pool(request.user):
        raise NotPermitted()
    form = PoolFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    content = exports.pool_xlsx(selectors.pool_list(user=request.user, filters=filters))
    stamp = timezone.localdate().strftime("%Y%m%d")
    return excel.xlsx_response(content, f"骨干教师库_{stamp}.xlsx")


# ---- a class's staffing -------------------------------------------------------------------


@require_GET
@login_required
def class_list(request: HttpRequest) -> HttpResponse:
    if not scope.has_any(request.user, selectors.CLASS_ACTION):
        raise NotPermitted()
    classes = selectors.class_list(user=request.user)
    state = selectors.classes_staffing_state(classes)
    return render(
        request,
        "staffing/classes.html",
        {
            "rows": [{"cls": c, **state[c.pk]} for c in classes],
            "breadcrumbs": [(_("班次骨干教师"), None)],
        },
    )


def _class_page(request: HttpRequest, training_class: Any, **extra: Any) -> HttpResponse:
    base = training_class.project.base
    may_invite = scope.allows(request.user, selectors.INVITE_ACTION, base)
    may_plan = scope.allows_programme(
        request.user, selectors.POOL_ACTION, training_class.project.programme
    )
    choices = selectors.candidate_choices(training_class)
    form = extra.pop("form", None) or PreferenceForm(
        initial={
            "core_teachers": [p.core_teacher_id for p in training_class.core_preferences.all()]
        },
        choices=choices,
    )
    history = [
        a
        for a in selectors.class_assignments(training_class)
        if a.status
        in (Assignment.Status.DECLINED, Assignment.Status.WITHDRAWN, Assignment.Status.EXPIRED)
    ]
    return render(
        request,
        "staffing/class.html",
        {
            "cls": training_class,
            "needs": class_needs(training_class),
            "roles": selectors.class_staffing(training_class),
            "history": history,
            "preferred": [
                p.core_teacher
                for p in training_class.core_preferences.select_related(
                    "core_teacher__person", "core_teacher__home"
                )
            ],
            "form": form,
            "may_invite": may_invite,
            "may_recommend": may_invite or may_plan,
            "breadcrumbs": [
                (training_class.project.title, training_class.project.get_absolute_url()),
                (_("第%(n)d期 骨干教师") % {"n": training_class.seq}, None),
            ],
            **extra,
        },
    )


@require_GET
@login_required
def class_staffing(request: HttpRequest, pk: int) -> HttpResponse:
    return _class_page(request, selectors.class_get(user=request.user, pk=pk))


@require_POST
@login_required
def class_preferences(request: HttpRequest, pk: int) -> HttpResponse:
    training_class = selectors.class_get(user=request.user, pk=pk)
    form = PreferenceForm(request.POST, choices=selectors.candidate_choices(training_class))
    if form.is_valid():
        try:
            services.preferences_set(
                actor=request.user,
                training_class=training_class,
                core_teachers=list(form.cleaned_data["core_teachers"]),
            )
        except (ValidationError, DomainError) as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已保存授课骨干教师选择倾向。"))
            return redirect("staffing:class", pk=pk)
    return _class_page(request, training_class, form=form)


@require_POST
@login_required
def class_recommend(request: HttpRequest, pk: int) -> HttpResponse:
    training_class = selectors.class_get(user=request.user, pk=pk)
    try:
        reasons = services.class_recommend(actor=request.user, training_class=training_class)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已按本班条件重新推荐骨干教师。"))
        for reason in reasons:
            messages.warning(request, reason)
    return redirect("staffing:class", pk=pk)


def _assignment_for_institution(request: HttpRequest, pk: int) -> Assignment:
    return scope.get_in_scope(
        request.user,
        selectors.CLASS_ACTION,
        Assignment.objects.select_related("training_class__project__base", "core_teacher__person"),
        via="training_class__project__base",
        pk=pk,
    )


@require_POST
@login_required
def assignment_invite(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _assignment_for_institution(request, pk)
    try:
        services.assignment_invite(actor=request.user, assignment=assignment)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("已向%(name)s发出邀请。") % {"name": assignment.core_teacher.person.name}
        )
    return redirect("staffing:class", pk=assignment.training_class_id)


@require_POST
@login_required
def assignment_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _assignment_for_institution(request, pk)
    try:
        services.assignment_withdraw(
            actor=request.user, assignment=assignment, reason=request.POST.get("reason", "")
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已撤回。"))
    return redirect("staffing:class", pk=assignment.training_class_id)


# ---- a half-year at once ------------------------------------------------------------------


def _plan_programmes(user: Any) -> Any:
    return Programme.objects.filter(pk__in=[p.pk for p in selectors.plan_programmes(user)])


@require_http_methods(["GET", "POST"])
@login_required
def plan(request: HttpRequest) -> HttpResponse:
    programmes = _plan_programmes(request.user)
    if not programmes.exists():
        raise NotPermitted()
    form = PlanForm(request.POST or request.GET or None, programmes=programmes)
    classes, state = [], {}
    if form.is_valid():
        data = form.cleaned_data
        if request.method == "POST":
            try:
                run = services.plan_staff(actor=request.user, **data)
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                return redirect(run)
        classes = list(selectors.half_classes(**data))
        state = selectors.classes_staffing_state(classes)
    rows = [{"cls": c, **state.get(c.pk, {}), "needs": class_needs(c)} for c in classes]
    return render(
        request,
        "staffing/plan.html",
        {
            "form": form,
            "rows": rows,
            "runs": StaffingRun.objects.filter(programme__in=programmes)[:10],
            "breadcrumbs": [(_("骨干教师统一配备"), None)],
        },
    )


@require_GET
@login_required
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A run's result; while it is queued or running, its progress (the fragment polls)."""
    run = get_object_or_404(StaffingRun.objects.select_related("programme", "actor"), pk=pk)
    if not scope.allows_programme(request.user, selectors.POOL_ACTION, run.programme):
        raise NotFound()
    context: dict[str, Any] = {"run": run, "limit": int(PLAN_SECONDS)}
    if run.in_progress:
        elapsed = (timezone.now() - (run.started_at or timezone.now())).total_seconds()
        context["elapsed"] = int(elapsed)
        context["percent"] = min(int(elapsed / PLAN_SECONDS * 100), 99)
    elif run.state == StaffingRun.State.DONE:
        classes = list(
            selectors.half_classes(programme=run.programme, year=run.year, half=run.half)
        )
        state = selectors.classes_staffing_state(classes)
        context["classes"] = [{"cls": c, **state[c.pk]} for c in classes]
        context["open_rows"] = [
            {"cls": c, "reasons": [shortage_text(r) for r in run.shortages[str(c.pk)]]}
            for c in classes
            if run.shortages.get(str(c.pk))
        ]
    if request.htmx:
        return render(request, "staffing/_run_body.html", context)
    context["breadcrumbs"] = [
        (_("骨干教师统一配备"), reverse("staffing:plan")),
        (str(run), None),
    ]
    return render(request, "staffing/run.html", context)


# ---- the core teacher's own page ----------------------------------------------------------


@require_GET
@login_required
def mine(request: HttpRequest) -> HttpResponse:
    rows = list(selectors.my_assignments(request.user))
    today = timezone.localdate()
    return render(
        request,
        "staffing/mine.html",
        {
            "invited": [a for a in rows if a.status == Assignment.Status.INVITED],
            "upcoming": [
                a
                for a in rows
                if a.status == Assignment.Status.ACCEPTED and a.training_class.ends_on >= today
            ],
            "past": [
                a
                for a in rows
                if a.status == Assignment.Status.ACCEPTED and a.training_class.ends_on < today
            ],
            "answered": [
                a
                for a in rows
                if a.status
                in (
                    Assignment.Status.DECLINED,
                    Assignment.Status.WITHDRAWN,
                    Assignment.Status.EXPIRED,
                )
            ],
            "core_teacher": selectors.my_core_teacher(request.user),
            "decline_form": DeclineForm(),
            "breadcrumbs": [(_("我的骨干教师任务"), None)],
        },
    )


@require_POST
@login_required
def my_accept(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = selectors.my_assignment_get(user=request.user, pk=pk)
    try:
        services.assignment_accept(actor=request.user, assignment=assignment)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("已接受邀请：%(cls)s。") % {"cls": str(assignment.training_class)}
        )
    return redirect("staffing:mine")


@require_POST
@login_required
def my_decline(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = selectors.my_assignment_get(user=request.user, pk=pk)
    form = DeclineForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.assignment_decline(actor=request.user, assignment=assignment, reason=reason)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("已谢绝邀请：%(cls)s。") % {"cls": str(assignment.training_class)}
        )
    return redirect("staffing:mine")
