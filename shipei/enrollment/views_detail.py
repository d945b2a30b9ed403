"""One enrollment's page: where it stands on its chain, and its decisions, withdrawal and
resubmission (thin views over ``services``; scoped by shipei.accounts.scope)."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from shipei.accounts import scope
from shipei.accounts.models import Role
from shipei.core.errors import DomainError
from shipei.core.views_util import apply_errors

from . import application, approvals, navigation, services, terms
from .forms import DecideForm, NoShowForm, WithdrawForm
from .lifecycle import WITHDRAWABLE
from .models import CHAIN_COMPLETED, Enrollment, EnrollmentEvent
from .no_show import may_mark_no_show
from .tables import step_deadline
from .views import _enrollment

Status = Enrollment.Status
ACTION_WORDS = {
    "submitted": _("提交报名"),
    "approved": _("通过"),
    "rejected": _("驳回"),
    "returned": _("退回修改"),
    "resubmitted": _("修改后重新提交"),
    "withdrawn": _("撤回报名"),
    "promoted": _("候补转为正式报名"),
    "no_show": _("标记未报到"),
    "attending": _("开始参训"),
    "passed": _("结业"),
    "failed": _("未结业"),
}


# --- one enrollment --------------------------------------------------------------------------


def _chain(enrollment: Enrollment) -> list[dict[str, Any]]:
    """The approval chain with where this enrollment stands on it."""
    chain = approvals.chain_of(enrollment)
    roles = dict(Role.choices)
    at = {
        Enrollment.Status.SUBMITTED: (_("办理中"), "sp-badge-warn"),
        Enrollment.Status.RETURNED: (_("已退回"), "sp-badge-warn"),
        Enrollment.Status.REJECTED: (_("已驳回"), "sp-badge-off"),
    }.get(enrollment.status, (_("未办理"), "sp-badge-off"))
    steps = []
    for i, step in enumerate(chain):
        if enrollment.status in CHAIN_COMPLETED or i < enrollment.step:
            state = (_("已通过"), "sp-badge-ok")
        elif i == enrollment.step:
            state = at
        else:
            state = (_("待办理"), "sp-badge-off")
        steps.append(
            {
                "label": step.label,
                "role": roles.get(step.role, step.role),
                "state": state[0],
                "css": state[1],
                "current": i == enrollment.step
                and enrollment.status == Enrollment.Status.SUBMITTED,
                "deadline": step.deadline,
            }
        )
    return steps


def _may_act_for(user: Any, enrollment: Enrollment) -> bool:
    """The teacher, or whoever may nominate for the teacher's organisation."""
    own = getattr(user, "person_id", None) == enrollment.person_id
    return own or scope.allows(user, "enrollment.nominate", enrollment.org)


def _detail(
    request: HttpRequest,
    enrollment: Enrollment,
    *,
    decide_form: DecideForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    events = EnrollmentEvent.objects.filter(enrollment=enrollment).select_related("actor__person")
    may_decide = approvals.may_decide(user, enrollment)
    step = approvals.current_step(enrollment)
    approve = _("核准") if step is not None and step.role == Role.BASE_ADMIN else _("通过")
    may_act = _may_act_for(user, enrollment)
    withdrawable = may_act and enrollment.status in WITHDRAWABLE
    closed = services.withdrawal_closed(user, enrollment) if withdrawable else ""
    context = {
        "enrollment": enrollment,
        "person": enrollment.person,
        "item_label": terms.item_label(enrollment),
        "conditions": terms.conditions_to_check(enrollment.programme, enrollment.item),
        "chain": _chain(enrollment),
        "next": approvals.next_step(enrollment),
        "deadline": step_deadline(enrollment),
        "events": [{"event": e, "word": ACTION_WORDS.get(e.action, e.action)} for e in events],
        "may_decide": may_decide,
        "decide_form": decide_form or DecideForm(approve_label=approve),
        "can_withdraw": withdrawable and not closed,
        "withdraw_closed": withdrawable and closed,
        "can_resubmit": may_act and enrollment.status == Enrollment.Status.RETURNED,
        "withdraw_form": WithdrawForm(),
        "can_mark_no_show": may_mark_no_show(user, enrollment),
        "no_show_form": NoShowForm(),
        "from_awaiting": navigation.from_awaiting(request),
        "breadcrumbs": navigation.detail_trail(request, enrollment),
        # The application form the base reviews against (notice 004 第十条).
        "filled": application.filled(enrollment),
        "form": application.form_for(enrollment.programme, enrollment.policy_revision),
    }
    return render(request, "enrollment/detail.html", context, status=status)


@require_GET
@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _enrollment(request, pk))


@require_POST
@login_required
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    enrollment = _enrollment(request, pk)
    step = approvals.current_step(enrollment)
    approve = _("核准") if step is not None and step.role == Role.BASE_ADMIN else _("通过")
    form = DecideForm(request.POST, approve_label=approve)
    if not form.is_valid():
        return _detail(request, enrollment, decide_form=form)
    decision = form.cleaned_data["decision"]
    try:  # the service checks that the user holds this step's role (NotYourStep, 403)
        services.enrollment_decide(
            actor=request.user,
            enrollment=enrollment,
            decision=decision,
            reason=form.cleaned_data["reason"],
        )
    except (DomainError, ValidationError) as exc:
        apply_errors(form, exc)
        code = getattr(exc, "status", 200)
        return _detail(
            request, _enrollment(request, pk), decide_form=form, status=403 if code == 403 else 200
        )
    done = {"approve": _("已%(act)s。") % {"act": approve}, "return": _("已退回修改。")}
    messages.success(request, done.get(decision, _("已驳回。")))
    return redirect(navigation.detail_url(request, enrollment))


@require_POST
@login_required
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    enrollment = _enrollment(request, pk)
    form = WithdrawForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:  # the teacher, or a nominator over the teacher's organisation (403 otherwise)
        services.enrollment_withdraw(actor=request.user, enrollment=enrollment, reason=reason)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已撤回报名。"))
    if request.POST.get("next") == "mine":
        return redirect("enrollment:mine")
    return redirect(enrollment)


@require_POST
@login_required
def resubmit(request: HttpRequest, pk: int) -> HttpResponse:
    enrollment = _enrollment(request, pk)
    try:
        services.enrollment_resubmit(actor=request.user, enrollment=enrollment)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已重新提交，从第一个审核环节重新办理。"))
    return redirect(enrollment)
