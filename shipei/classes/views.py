"""Class pages: the list in scope, one class with its state, next milestone and the actions the
user may take now, an unplanned class, the training plan, changes and milestone exceptions.
Thin views over selectors and services (the half-year plans and the review queue:
views_plans.py)."""

from collections.abc import Callable
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
from shipei.audit.services import record
from shipei.core.errors import DomainError, NotFound, NotPermitted
from shipei.core.tables import RequestConfig
from shipei.core.views_util import apply_errors

from . import amendments, extensions, flow, selectors
from .forms import (
    AmendmentDecisionForm,
    AmendmentForm,
    ClassFilterForm,
    DecisionForm,
    ExceptionForm,
    ReasonForm,
    TrainingPlanForm,
    UnplannedForm,
)
from .lifecycle import BEFORE_RUNNING, LIVE, lifecycle_of
from .milestones import AHEAD, label, next_milestone, standing
from .models import ClassAmendment, TrainingClass
from .tables import ClassTable

S = TrainingClass.Status
# The moves an institution takes from the class page, with their words.
RUN_MOVES: dict[str, tuple[Callable[..., Any], Any, Any]] = {
    S.APPLIED: (flow.class_apply, gettext_lazy("提出开班申请"), gettext_lazy("已提出开班申请。")),
    S.ENROLLING: (
        flow.class_open_enrollment,
        gettext_lazy("开始招生"),
        gettext_lazy("班次已开始招生。"),
    ),
    S.RUNNING: (flow.class_start, gettext_lazy("开始培训"), gettext_lazy("班次已开始培训。")),
    S.ASSESSING: (
        flow.class_start_assessment,
        gettext_lazy("开始考核"),
        gettext_lazy("班次已进入考核。"),
    ),
    S.CLOSED: (flow.class_close, gettext_lazy("结班"), gettext_lazy("班次已结班。")),
}


def _crumbs(*more: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [(_("班次管理"), reverse("classes:list")), *more]


@require_GET
@login_required
def class_list(request: HttpRequest) -> HttpResponse:
    if not scope.has_any(request.user, "class.view"):
        raise NotPermitted()
    programmes = selectors.stepped_programmes()
    form = ClassFilterForm(request.GET or None, programmes=programmes)
    filters = form.cleaned_data if form.is_valid() else {}
    table = ClassTable(selectors.class_list(user=request.user, filters=filters))
    RequestConfig(request).configure(table)
    return render(
        request,
        "classes/list.html",
        {
            "form": form,
            "table": table,
            "can_run": scope.has_any(request.user, "class.run"),
            "breadcrumbs": [(_("班次管理"), None)],
        },
    )


def _class(request: HttpRequest, pk: int) -> TrainingClass:
    return selectors.class_get(user=request.user, pk=pk)


@require_GET
@login_required
def class_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _class(request, pk))


def _detail(request: HttpRequest, cls: TrainingClass, **forms: Any) -> HttpResponse:
    user = request.user
    base = cls.project.base
    rules = cls.project.programme.rules
    may_run = scope.allows(user, "class.run", base)
    may_review = scope.allows(user, "class.review", base)
    may_record = scope.allows(user, "class.record", base)
    may_except = scope.allows(user, "class.except", base)
    moves = lifecycle_of(cls).moves.get(cls.status, frozenset())
    consent = flow.has_consent(cls)
    run_moves = [
        (to, words)
        for to, (_call, words, _done) in RUN_MOVES.items()
        if may_run and to in moves and (consent or to == S.APPLIED)
    ]
    pending = {a.pk: a for a in cls.amendments.all()}
    open_amendment = next((a for a in pending.values() if a.status == "submitted"), None)
    milestones = [
        found
        for code in ("class_application", "core_teacher_recommendation", "plan_filing")
        if (found := standing(cls, code)) is not None
    ]
    ahead = AHEAD.get(cls.status, ())
    # A milestone whose step the class has taken is done.
    done = {m.code for m in milestones if m.code not in ahead} if cls.status in LIVE else set()
    late = _exceptable(cls)
    context = {
        "cls": cls,
        "project": cls.project,
        "item_label": cls.project.item_label,
        "staff": cls.staff_needed,
        "next": next_milestone(cls),
        "milestones": [(m, m.code in done) for m in milestones],
        "exceptions": [
            (label(e.milestone), e)
            for e in cls.milestone_exceptions.select_related("granted_by__person")
        ],
        "amendments": list(pending.values()),
        "history": selectors.history(cls),
        "panels": extensions.panels(request, cls),
        "consent": consent,
        "run_moves": run_moves,
        "can_file": may_run and consent and S.PLAN_FILED in moves,
        "can_review": may_review and cls.status == S.PLAN_FILED,
        "can_record": may_record and cls.status == S.PLAN_APPROVED,
        "can_cancel": (may_run or may_review) and S.CANCELLED in moves,
        "can_amend": may_run
        and rules.classes.uses("semiannual_plan")
        and open_amendment is None
        and cls.status in BEFORE_RUNNING | {S.RETURNED},
        "can_except": may_except and bool(late),
        "may_review": may_review,
        "may_record": may_record,
        "review_form": forms.get("review_form") or DecisionForm(),
        "cancel_form": forms.get("cancel_form") or ReasonForm(label=_("取消理由")),
        "except_form": forms.get("except_form") or ExceptionForm(milestones=late),
        "amendment_forms": {
            a.pk: forms.get(f"amendment_form_{a.pk}")
            or AmendmentDecisionForm(addition=a.kind == ClassAmendment.Kind.ADDITION)
            for a in pending.values()
        },
        "breadcrumbs": _crumbs((str(cls), None)),
    }
    return render(request, "classes/detail.html", context)


def _exceptable(cls: TrainingClass) -> list[str]:
    """The milestones still ahead of the class that an admin may except it from."""
    return [
        code
        for code in AHEAD.get(cls.status, ())
        if (found := standing(cls, code)) is not None and not found.excepted
    ]


def _act(
    request: HttpRequest,
    cls: TrainingClass,
    call: Callable[[], Any],
    done: str,
    form_key: str = "",
    form: Any = None,
) -> HttpResponse:
    """Run one service call for the class page; a refusal re-renders the page (200) with the
    message on top and field errors beside the fields."""
    try:
        call()
    except DomainError as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        if form is not None:
            apply_errors(form, exc)
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, done)
        return redirect(cls)
    forms = {form_key: form} if form_key else {}
    return _detail(request, _class(request, cls.pk), **forms)


@require_POST
@login_required
def class_move(request: HttpRequest, pk: int, to: str) -> HttpResponse:
    cls = _class(request, pk)
    if to not in RUN_MOVES:
        raise NotFound()
    call, _words, done = RUN_MOVES[to]
    return _act(request, cls, lambda: call(actor=request.user, training_class=cls), str(done))


@require_POST
@login_required
def class_review(request: HttpRequest, pk: int) -> HttpResponse:
    cls = _class(request, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _detail(request, cls, review_form=form)
    approve = form.cleaned_data["decision"] == "approve"
    return _act(
        request,
        cls,
        lambda: flow.class_review_plan(
            actor=request.user,
            training_class=cls,
            approve=approve,
            reason=form.cleaned_data["reason"],
        ),
        _("培训方案审核通过，待部指导中心备案。") if approve else _("培训方案已退回修改。"),
        "review_form",
        form,
    )


@require_POST
@login_required
def class_record(request: HttpRequest, pk: int) -> HttpResponse:
    cls = _class(request, pk)
    return _act(
        request,
        cls,
        lambda: flow.class_record(actor=request.user, training_class=cls),
        _("已备案。"),
    )


@require_POST
@login_required
def class_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    cls = _class(request, pk)
    form = ReasonForm(request.POST, label=_("取消理由"))
    if not form.is_valid():
        return _detail(request, cls, cancel_form=form)
    return _act(
        request,
        cls,
        lambda: flow.class_cancel(
            actor=request.user, training_class=cls, reason=form.cleaned_data["reason"]
        ),
        _("班次已取消。"),
        "cancel_form",
        form,
    )


@require_POST
@login_required
def class_except(request: HttpRequest, pk: int) -> HttpResponse:
    cls = _class(request, pk)
    late = _exceptable(cls)
    form = ExceptionForm(request.POST, milestones=late)
    if not form.is_valid():
        return _detail(request, cls, except_form=form)
    return _act(
        request,
        cls,
        lambda: flow.milestone_except(actor=request.user, training_class=cls, **form.cleaned_data),
        _("已批准节点例外。"),
        "except_form",
        form,
    )


@require_http_methods(["GET", "POST"])
@login_required
def class_file_plan(request: HttpRequest, pk: int) -> HttpResponse:
    """The training plan's form: filed with the province when saved."""
    cls = _class(request, pk)
    scope.require(request.user, "class.run", cls.project.base)
    existing = getattr(cls, "training_plan", None)
    form = TrainingPlanForm(request.POST or None, instance=existing)
    if request.method == "POST" and form.is_valid():
        try:
            flow.class_file_plan(
                actor=request.user,
                training_class=cls,
                **{k: form.cleaned_data[k] for k in form.Meta.fields},
            )
        except (DomainError, ValidationError) as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("培训方案已报省级管理部门审核。"))
            return redirect(cls)
    return render(
        request,
        "classes/plan_file.html",
        {
            "cls": cls,
            "form": form,
            "next": next_milestone(cls),
            "problems": extensions.plan_problems(cls),
            "breadcrumbs": _crumbs((str(cls), cls.get_absolute_url()), (_("报备培训方案"), None)),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def class_unplanned(request: HttpRequest) -> HttpResponse:
    """Apply for a class outside the half-year plan."""
    institutions = selectors.institutions_of(request.user)
    if not institutions:
        raise NotPermitted()
    programmes = [p for p in selectors.stepped_programmes() if p.rules.classes.uses("application")]
    form = UnplannedForm(request.POST or None, programmes=programmes)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            cls = flow.class_apply_unplanned(
                actor=request.user,
                programme=data.pop("programme"),
                institution=institutions[0],
                item=data.pop("item"),
                reason=data.pop("reason"),
                **data,
            )
        except (DomainError, ValidationError) as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已提出开班申请。"))
            return redirect(cls)
    return render(
        request,
        "classes/unplanned.html",
        {
            "form": form,
            "institution": institutions[0],
            "breadcrumbs": _crumbs((_("申请计划外班次"), None)),
        },
    )


# --- changes and unplanned classes ----------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def amendment_request(request: HttpRequest, pk: int) -> HttpResponse:
    cls = _class(request, pk)
    scope.require(request.user, "class.run", cls.project.base)
    form = AmendmentForm(request.POST or None, training_class=cls)
    if request.method == "POST" and form.is_valid():
        try:
            amendments.amendment_request(
                actor=request.user,
                training_class=cls,
                reason=form.cleaned_data["reason"],
                **form.changes(),
            )
        except (DomainError, ValidationError) as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("调整申请已报省级管理部门审核。"))
            return redirect(cls)
    return render(
        request,
        "classes/amend.html",
        {
            "cls": cls,
            "form": form,
            "breadcrumbs": _crumbs((str(cls), cls.get_absolute_url()), (_("申请调整"), None)),
        },
    )


@require_POST
@login_required
def amendment_decide(request: HttpRequest, pk: int) -> HttpResponse:
    amendment = selectors.amendment_get(user=request.user, pk=pk)
    cls = amendment.training_class
    form = AmendmentDecisionForm(
        request.POST, request.FILES, addition=amendment.kind == ClassAmendment.Kind.ADDITION
    )
    key = f"amendment_form_{amendment.pk}"
    if not form.is_valid():
        return _detail(request, cls, **{key: form})
    approve = form.cleaned_data["decision"] == "approve"
    return _act(
        request,
        cls,
        lambda: amendments.amendment_decide(
            actor=request.user,
            amendment=amendment,
            approve=approve,
            reason=form.cleaned_data["reason"],
            scan=form.cleaned_data.get("scan"),
        ),
        _("已同意，待部指导中心备案。") if approve else _("已不同意该申请。"),
        key,
        form,
    )


@require_POST
@login_required
def amendment_record(request: HttpRequest, pk: int) -> HttpResponse:
    amendment = selectors.amendment_get(user=request.user, pk=pk)
    return _act(
        request,
        amendment.training_class,
        lambda: amendments.amendment_record(actor=request.user, amendment=amendment),
        _("已备案。"),
    )


@require_GET
@login_required
def amendment_scan(request: HttpRequest, pk: int) -> FileResponse:
    """The province's stamped scan of an unplanned class; each download is audited."""
    amendment = selectors.amendment_get(user=request.user, pk=pk)
    if not amendment.scan:
        raise NotFound()
    try:
        handle = amendment.scan.open("rb")
    except FileNotFoundError:
        raise NotFound(_("扫描件文件已不存在，请联系省级管理部门。")) from None
    record(
        request.user,
        "class.amendment_scan_downloaded",
        amendment,
        org=amendment.training_class.project.base,
    )
    response = FileResponse(handle, as_attachment=True, filename=amendment.scan_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
