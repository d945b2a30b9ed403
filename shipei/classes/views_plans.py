"""Half-year plan pages (notice 004, 第七条): the institution's plans and their lines (a form,
or an Excel upload), the province's review, the export, the execution rate, and the queue of
what waits for the province or the national centre."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shipei.accounts import scope
from shipei.core import excel
from shipei.core.dates import year_in_range
from shipei.core.errors import DomainError, NotPermitted
from shipei.core.tables import RequestConfig
from shipei.core.views_util import apply_errors, import_page

from . import plan_io, plans, selectors
from .forms import DecisionForm, PlanCreateForm, line_formset, line_rows
from .models import HalfYearPlan
from .tables import PlanTable


def _crumbs(*more: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [(_("半年培训计划"), reverse("classes:plans")), *more]


def _planning() -> list[Any]:
    return [p for p in selectors.stepped_programmes() if p.rules.classes.uses("semiannual_plan")]


@require_GET
@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    if not scope.has_any(request.user, "class.view"):
        raise NotPermitted()
    programmes = _planning()
    table = PlanTable(plans.plan_list(user=request.user))
    RequestConfig(request).configure(table)
    year = year_in_range(request.GET.get("year", "")) or timezone.localdate().year
    reports = [
        (p, plans.plan_execution(user=request.user, programme=p, year=year)) for p in programmes
    ]
    return render(
        request,
        "classes/plans.html",
        {
            "table": table,
            "can_create": scope.has_any(request.user, "class.run") and bool(programmes),
            "year": year,
            "reports": [(p, r) for p, r in reports if r.total.planned],
            "breadcrumbs": [(_("半年培训计划"), None)],
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def plan_create(request: HttpRequest) -> HttpResponse:
    institutions = selectors.institutions_of(request.user)
    if not institutions:
        raise NotPermitted()
    form = PlanCreateForm(request.POST or None, programmes=_planning())
    if request.method == "POST" and form.is_valid():
        try:
            plan = plans.plan_create(
                actor=request.user, institution=institutions[0], **form.cleaned_data
            )
        except (DomainError, ValidationError) as exc:
            apply_errors(form, exc)
        else:
            return redirect(plan)
    return render(
        request,
        "classes/plan_new.html",
        {"form": form, "institution": institutions[0], "breadcrumbs": _crumbs((_("新建"), None))},
    )


def _plan(request: HttpRequest, pk: int) -> HalfYearPlan:
    return plans.plan_get(user=request.user, pk=pk)


@require_http_methods(["GET", "POST"])
@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan and its lines: the institution edits them while the plan is a draft or
    returned ("保存" or "保存并报送"); the province approves or returns it."""
    plan = _plan(request, pk)
    may_run = scope.allows(request.user, "class.run", plan.institution)
    editing = may_run and plan.is_editable
    formset = line_formset(request.POST if request.method == "POST" else None, plan=plan)
    if request.method == "POST":
        if not editing:
            raise NotPermitted()
        if formset.is_valid():
            try:
                plans.plan_save_lines(actor=request.user, plan=plan, lines=line_rows(formset))
                if "submit" in request.POST:
                    plans.plan_submit(actor=request.user, plan=plan)
            except (DomainError, ValidationError) as exc:
                message = exc.message if isinstance(exc, DomainError) else "；".join(exc.messages)
                messages.error(request, message)
            else:
                done = _("已报送省级管理部门审核。") if "submit" in request.POST else _("已保存。")
                messages.success(request, done)
                return redirect(plan)
        else:
            messages.error(request, _("未保存：请按各班次旁的提示修改。"))
    return _page(request, plan, formset=formset if editing else None)


def _page(
    request: HttpRequest, plan: HalfYearPlan, *, formset: Any = None, **forms: Any
) -> HttpResponse:
    may_review = scope.allows(request.user, "class.review", plan.institution)
    return render(
        request,
        "classes/plan.html",
        {
            "plan": plan,
            "lines": plan.lines.select_related("training_class"),
            "formset": formset,
            "can_review": may_review and plan.status == HalfYearPlan.Status.SUBMITTED,
            "review_form": forms.get("review_form") or DecisionForm(),
            "breadcrumbs": _crumbs((str(plan), None)),
        },
    )


@require_POST
@login_required
def plan_decide(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        try:
            plans.plan_decide(
                actor=request.user, plan=plan, approve=approve, reason=form.cleaned_data["reason"]
            )
        except (DomainError, ValidationError) as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("半年培训计划审核通过，各班次已列入计划。")
                if approve
                else _("已退回培训机构修改。"),
            )
            return redirect(plan)
    return _page(request, _plan(request, pk), review_form=form)


@require_GET
@login_required
def plan_export(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    title = _("%(name)s%(period)s工学一体化教师培训计划") % {
        "name": plan.institution.name,
        "period": plan.period_label,
    }
    content = plan_io.plans_xlsx([plan], title=title)
    return excel.xlsx_response(
        content, f"半年培训计划-{plan.institution.name}-{plan.period_label}.xlsx"
    )


@require_GET
@login_required
def plans_export(request: HttpRequest) -> HttpResponse:
    """Every plan in the user's scope for one half-year: a province's summary."""
    if not scope.has_any(request.user, "class.view"):
        raise NotPermitted()
    year = year_in_range(request.GET.get("year", ""))
    half = request.GET.get("half", "")
    qs = plans.plan_list(user=request.user)
    if year:
        qs = qs.filter(year=year)
    if half in ("1", "2"):
        qs = qs.filter(half=int(half))
    content = plan_io.plans_xlsx(
        qs.order_by("institution__name"),
        title=_("半年培训计划汇总（%(y)s）") % {"y": year or _("全部")},
    )
    return excel.xlsx_response(content, "半年培训计划汇总.xlsx")


@require_http_methods(["GET", "POST"])
@login_required
def plan_import(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    scope.require(request.user, "class.run", plan.institution)

    def parse(*, user: Any, upload: Any) -> tuple[Any, Any, list[Any]]:
        return plan_io.parse_plan(plan=plan, upload=upload)

    def apply(*, actor: Any, rows: plan_io.Parsed, filename: str) -> dict[str, int]:
        plans.plan_save_lines(actor=actor, plan=plan, lines=rows.lines, imported=filename)
        return {"n": len(rows.lines)}

    return import_page(
        request,
        action="class.run",
        parse=parse,
        apply=apply,
        done_message=_("导入完成：共 %(n)d 个班次，已替换计划中原有的班次。"),
        success_url=plan.get_absolute_url(),
        page={
            "title": _("导入半年培训计划"),
            "template_url": reverse("classes:plan_export", args=[plan.pk]),
            "template_name": _("本计划（Excel）.xlsx"),
            "fill_hint": _(
                "每行一个班次：培训级别及专业大类写名称（如 二级·机械类），日期写作 2026-03-01；"
                "导入将替换计划中原有的全部班次。"
            ),
            "breadcrumbs": _crumbs((str(plan), plan.get_absolute_url()), (_("导入"), None)),
        },
    )


@require_GET
@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    """What waits for the province (plans, training plans, changes) or the centre (records)."""
    if not (
        scope.has_any(request.user, "class.review") or scope.has_any(request.user, "class.record")
    ):
        raise NotPermitted()
    return render(
        request,
        "classes/queue.html",
        {
            "queue": selectors.review_queue(user=request.user),
            "breadcrumbs": [(_("班次审核"), None)],
        },
    )
