"""Half-year plans (notice 004, 第七条 培训信息报送): an institution reports the classes it plans
for a half-year, the province reviews them, and each approved line becomes a planned class that
the institution later applies to open. Plan against run gives the execution rate (附件6)."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from shipei.accounts import scope
from shipei.audit.lifecycle import Lifecycle
from shipei.audit.services import record
from shipei.core.errors import InvalidTransition, SystemBusy
from shipei.orgs.models import Region
from shipei.programmes.models import Programme

from . import offerings
from .errors import PlanEmpty, PlanExists, ReasonRequired, StepNotUsed
from .lifecycle import RAN
from .models import HalfYearPlan, HalfYearPlanLine, TrainingClass
from .services import class_build, class_problems

Status = HalfYearPlan.Status
LIFECYCLE = Lifecycle(
    {
        Status.DRAFT: {Status.SUBMITTED},
        Status.SUBMITTED: {Status.APPROVED, Status.RETURNED},
        Status.RETURNED: {Status.SUBMITTED},
    }
)
LINE_FIELDS = ("item", "starts_on", "ends_on", "capacity", "enrolls_from", "place", "note")


def _require_planning(programme: Programme) -> None:
    if not programme.rules.classes.uses("semiannual_plan"):
        raise StepNotUsed(programme=programme.title, step="半年培训计划")


def _lock(plan: HalfYearPlan) -> None:
    try:
        fresh = HalfYearPlan.objects.select_for_update().get(pk=plan.pk)
    except OperationalError:
        raise SystemBusy() from None
    plan.status = fresh.status


@transaction.atomic
def plan_create(
    *, actor: Any, programme: Programme, institution: Any, year: int, half: int
) -> HalfYearPlan:
    """Start an institution's plan for a half-year (a draft)."""
    scope.require(actor, "class.run", institution)
    _require_planning(programme)
    if half not in HalfYearPlan.Half.values or not 2000 <= year <= 2100:
        raise ValidationError({"half": _("请选择年度和上半年或下半年。")})
    plan = HalfYearPlan(programme=programme, institution=institution, year=year, half=half)
    try:
        with transaction.atomic():
            plan.save()
    except IntegrityError:
        raise PlanExists(institution=institution.name, period=plan.period_label) from None
    record(actor, "class.half_plan_created", plan, org=institution, programme=programme.pk)
    return plan


def leaf_items(programme: Programme) -> dict[str, Any]:
    """The items a class is planned for (level × category), by code."""
    return {i.code: i for i in programme.rules.leaves() if i.kind != "phase"}


def line_problems(plan: HalfYearPlan, line: dict[str, Any]) -> dict[str, str]:
    """What is wrong with one line, by field: the item, the half-year, the policy's class size
    and length."""
    rules = plan.programme.rules
    problems: dict[str, str] = {}
    item = line.get("item")
    if item not in leaf_items(plan.programme):
        problems["item"] = _("请选择培训级别及专业大类。")
    first, last = plan.period
    starts_on = line.get("starts_on")
    if isinstance(starts_on, datetime.date) and not first <= starts_on <= last:
        problems["starts_on"] = _("开班日期须在%(period)s内（%(first)s～%(last)s）。") % {
            "period": plan.period_label,
            "first": first.isoformat(),
            "last": last.isoformat(),
        }
    found = class_problems(
        starts_on=starts_on,
        ends_on=line.get("ends_on"),
        capacity=line.get("capacity"),
        max_size=rules.classes.max_size,
        length=rules.class_length(item) if "item" not in problems else None,
    )
    for field, message in found.items():
        problems.setdefault(field, message)
    if not str(line.get("enrolls_from") or "").strip():
        problems["enrolls_from"] = _("请填写招生范围，如 全省技工院校。")
    return problems


@transaction.atomic
def plan_save_lines(
    *, actor: Any, plan: HalfYearPlan, lines: Sequence[dict[str, Any]], imported: str = ""
) -> HalfYearPlan:
    """Replace the plan's lines, all of them or none: a refusal names each line's problems."""
    scope.require(actor, "class.run", plan.institution)
    _lock(plan)
    if not plan.is_editable:
        raise InvalidTransition(current=plan.get_status_display())
    errors = []
    for n, line in enumerate(lines, start=1):
        unknown = set(line) - set(LINE_FIELDS)
        if unknown:
            raise ValidationError(_("不可修改的字段：%(f)s") % {"f": ", ".join(sorted(unknown))})
        for message in line_problems(plan, line).values():
            errors.append(_("第%(n)s行：%(why)s") % {"n": n, "why": message})
    if errors:
        raise ValidationError({"lines": errors})
    plan.lines.all().delete()
    HalfYearPlanLine.objects.bulk_create(
        HalfYearPlanLine(
            plan=plan,
            seq=n,
            item=line["item"],
            starts_on=line["starts_on"],
            ends_on=line["ends_on"],
            capacity=line["capacity"],
            enrolls_from=str(line.get("enrolls_from") or "").strip()[:200],
            place=str(line.get("place") or "").strip()[:200],
            note=str(line.get("note") or "").strip()[:200],
        )
        for n, line in enumerate(lines, start=1)
    )
    plan.save(update_fields=["updated_at"])
    if imported:
        record(actor, "class.half_plan_imported", plan, org=plan.institution, file=imported[:100])
    else:
        record(actor, "class.half_plan_saved", plan, org=plan.institution, lines=len(lines))
    return plan


@transaction.atomic
def plan_submit(*, actor: Any, plan: HalfYearPlan) -> HalfYearPlan:
    """Report the plan to the province."""
    scope.require(actor, "class.run", plan.institution)
    _lock(plan)
    LIFECYCLE.check(plan, Status.SUBMITTED)
    lines = list(plan.lines.all())
    if not lines:
        raise PlanEmpty()
    errors = [
        _("第%(n)s行：%(why)s") % {"n": line.seq, "why": message}
        for line in lines
        for message in line_problems(plan, _as_dict(line)).values()
    ]
    if errors:  # the policy changed since the lines were saved
        raise ValidationError({"lines": errors})
    plan.submitted_at = timezone.now()
    plan.status_reason = ""
    LIFECYCLE.move(
        plan,
        Status.SUBMITTED,
        actor=actor,
        action="class.half_plan_submitted",
        org=plan.institution,
        fields=["submitted_at", "status_reason"],
        lines=len(lines),
    )
    return plan


def _as_dict(line: HalfYearPlanLine) -> dict[str, Any]:
    return {field: getattr(line, field) for field in LINE_FIELDS}


@transaction.atomic
def plan_decide(*, actor: Any, plan: HalfYearPlan, approve: bool, reason: str = "") -> HalfYearPlan:
    """The province approves the plan (each line becomes a planned class) or returns it with
    the reason."""
    scope.require(actor, "class.review", plan.institution)
    _lock(plan)
    to = Status.APPROVED if approve else Status.RETURNED
    LIFECYCLE.check(plan, to)
    reason = (reason or "").strip()
    if not approve and not reason:
        raise ReasonRequired(what=_("退回"))
    plan.status_reason = reason[:500]
    plan.decided_by, plan.decided_at = actor, timezone.now()
    LIFECYCLE.move(
        plan,
        to,
        actor=actor,
        action="class.half_plan_approved" if approve else "class.half_plan_returned",
        org=plan.institution,
        fields=["status_reason", "decided_by", "decided_at"],
        reason=reason[:200],
    )
    if approve:
        for line in plan.lines.order_by("seq"):
            project = offerings.project_for(
                actor=actor, programme=plan.programme, base=plan.institution, item=line.item
            )
            class_build(
                project=project,
                plan_line=line,
                starts_on=line.starts_on,
                ends_on=line.ends_on,
                capacity=line.capacity,
                place=line.place,
                status=TrainingClass.Status.PLANNED,
            )
    return plan


# --- reading ---------------------------------------------------------------------------------


def plan_list(*, user: Any, programme: Programme | None = None) -> QuerySet[HalfYearPlan]:
    qs = HalfYearPlan.objects.filter(scope.orgs_q(user, "class.view", via="institution"))
    if programme is not None:
        qs = qs.filter(programme=programme)
    return qs.select_related("programme", "institution").annotate(n_lines=Count("lines"))


def plan_get(*, user: Any, pk: Any) -> HalfYearPlan:
    return scope.get_in_scope(
        user,
        "class.view",
        HalfYearPlan.objects.select_related("programme", "institution"),
        via="institution",
        pk=pk,
    )


@dataclass
class Execution:
    """Planned classes against those that ran, for one institution or a sum of them."""

    name: str
    planned: int
    ran: int

    @property
    def rate(self) -> Decimal | None:
        """The execution rate in per cent, one decimal (None with nothing planned)."""
        if not self.planned:
            return None
        return (Decimal(100 * self.ran) / self.planned).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass
class ExecutionReport:
    institutions: list[Execution]
    provinces: list[Execution]
    total: Execution


def plan_execution(
    *, user: Any, programme: Programme, year: int, half: int | None = None
) -> ExecutionReport:
    """Approved plans' classes against those that ran (running, assessing or closed), per
    institution, per province and in all (notice 004 附件6: 培训计划执行率); classes outside
    the plan count in neither."""
    plans = plan_list(user=user, programme=programme).filter(year=year, status=Status.APPROVED)
    if half is not None:
        plans = plans.filter(half=half)
    rows = (
        HalfYearPlanLine.objects.filter(plan__in=plans.values("pk"))
        .values("plan__institution__name", "plan__institution__region_id")
        .annotate(
            planned=Count("pk"),
            ran=Count("pk", filter=Q(training_class__status__in=RAN)),
        )
        .order_by("plan__institution__region_id", "plan__institution__name")
    )
    institutions, provinces = [], {}
    for row in rows:
        institutions.append(
            Execution(name=row["plan__institution__name"], planned=row["planned"], ran=row["ran"])
        )
        code = (row["plan__institution__region_id"] or "")[:2]
        sums = provinces.setdefault(code, [0, 0])
        sums[0] += row["planned"]
        sums[1] += row["ran"]
    names = _province_names(provinces)
    by_province = [
        Execution(name=names.get(code, _("未注明地区")), planned=p, ran=r)
        for code, (p, r) in provinces.items()
    ]
    total = Execution(
        name=_("合计"),
        planned=sum(e.planned for e in institutions),
        ran=sum(e.ran for e in institutions),
    )
    return ExecutionReport(institutions=institutions, provinces=by_province, total=total)


def _province_names(codes: Any) -> dict[str, str]:
    wanted = [f"{c}0000" for c in codes if c]
    return {r.code[:2]: r.name for r in Region.objects.filter(code__in=wanted)}
