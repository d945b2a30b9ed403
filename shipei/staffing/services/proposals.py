"""Proposals from the solver for one class (a programme's half-year at once: ``runs``); and the
teachers the institution prefers, which the solver honours first after staffing."""

import datetime
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from shipei.accounts import scope
from shipei.audit.services import record
from shipei.classes.models import TrainingClass
from shipei.core.errors import NotPermitted

from .. import selectors, solver
from ..errors import NoStaffPolicy
from ..models import LIVE, Assignment, CoreTeacher, Preference, StaffRole, busy_span
from ..needs import class_needs
from ..reasons import shortage_text

Status = Assignment.Status
# How long the solver may take for one class (a half-year: ``runs.PLAN_SECONDS``).
CLASS_SECONDS = 2.0


@transaction.atomic
def preferences_set(
    *, actor: Any, training_class: TrainingClass, core_teachers: Sequence[CoreTeacher]
) -> None:
    """The teaching core teachers the institution would like (its application's 选择倾向);
    honoured where they qualify and are free, never more than the teaching places."""
    scope.require(actor, selectors.INVITE_ACTION, training_class.project.base)
    needs = class_needs(training_class)
    places = needs.staff.get(StaffRole.TEACHING, 0)
    if not needs.staff:
        raise NoStaffPolicy()
    if len(core_teachers) > places:
        raise ValidationError(
            {"core_teachers": _("授课骨干教师最多选择 %(n)d 人。") % {"n": places}}
        )
    allowed = set(selectors.candidate_choices(training_class).values_list("pk", flat=True))
    wrong = [t.person.name for t in core_teachers if t.pk not in allowed]
    if wrong:
        raise ValidationError(
            {
                "core_teachers": _(
                    "%(names)s不能作为本班的授课骨干教师（须承担授课、符合本班专业大类和级别、在库且不属于本机构）。"
                )
                % {"names": "、".join(wrong)}
            }
        )
    training_class.core_preferences.all().delete()
    Preference.objects.bulk_create(
        [Preference(training_class=training_class, core_teacher=t) for t in core_teachers]
    )
    record(
        actor,
        "staffing.preferences_set",
        training_class,
        org=training_class.project.base,
        core_teachers=[t.pk for t in core_teachers],
    )


# ---- proposals ----------------------------------------------------------------------------


def problem_of(
    classes: Sequence[TrainingClass], *, keep_proposals: bool
) -> tuple[list[solver.Class], list[solver.Teacher]]:
    """The solver's view of `classes` and of their programme's active pool: each class's open places (its
    policy's, less those invited or accepted, and less its proposals if they stay), each
    teacher's assignments elsewhere (busy dates, and this year's load)."""
    ids = [c.pk for c in classes]
    # One programme's classes at a time (a class, or a programme's half-year): its pool.
    programmes = {c.project.programme_id: c.project.programme for c in classes}
    if len(programmes) > 1:
        raise ValueError("classes of one programme at a time")
    pool = selectors.programme_pool_q(next(iter(programmes.values()))) if programmes else Q()
    year = min((c.starts_on for c in classes), default=timezone.localdate()).year
    elsewhere = (
        Assignment.objects.filter(status__in=LIVE)
        .exclude(training_class__in=ids)
        .values_list("core_teacher", "training_class__starts_on", "training_class__ends_on")
    )
    busy: dict[int, list[tuple[datetime.date, datetime.date]]] = {}
    load: dict[int, int] = {}
    for tid, start, end in elsewhere:
        busy.setdefault(tid, []).append((start, end))
        if start.year == year:
            load[tid] = load.get(tid, 0) + 1
    teachers = [
        solver.Teacher(
            id=t.pk,
            home=t.home.path,
            roles=frozenset(t.roles),
            groups=frozenset((q.category, q.level) for q in t.qualifications.all()),
            load=load.get(t.pk, 0),
            busy=tuple(busy.get(t.pk, ())),
        )
        for t in CoreTeacher.objects.filter(pool, is_active=True)
        .select_related("home")
        .prefetch_related("qualifications")
    ]
    kept = {Status.INVITED, Status.ACCEPTED, *([Status.PROPOSED] if keep_proposals else [])}
    mine = Assignment.objects.filter(training_class__in=ids).values_list(
        "training_class", "core_teacher", "role", "status"
    )
    taken: dict[int, dict[str, int]] = {}
    excluded: dict[int, set[int]] = {}
    for cid, tid, role, status in mine:
        if status in kept:
            taken.setdefault(cid, {}).setdefault(role, 0)
            taken[cid][role] += 1
        # Who declined, or let the invitation lapse, is not proposed for the class again.
        if status in kept or status in (Status.DECLINED, Status.EXPIRED):
            excluded.setdefault(cid, set()).add(tid)
    preferred: dict[int, set[int]] = {}
    for cid, tid in Preference.objects.filter(training_class__in=ids).values_list(
        "training_class", "core_teacher"
    ):
        preferred.setdefault(cid, set()).add(tid)
    out = []
    for c in classes:
        needs = class_needs(c)
        out.append(
            solver.Class(
                id=c.pk,
                category=needs.category,
                level=needs.level,
                starts_on=c.starts_on,
                ends_on=c.ends_on,
                institution=c.project.base.path,
                need={
                    role: max(n - taken.get(c.pk, {}).get(role, 0), 0)
                    for role, n in needs.staff.items()
                },
                preferred=frozenset(preferred.get(c.pk, ())),
                excluded=frozenset(excluded.get(c.pk, ())),
            )
        )
    return out, teachers


def propose(
    classes: Sequence[TrainingClass], solution: solver.Solution, *, source: str, replace: bool
) -> int:
    """Write the solver's answer as proposals (replacing the classes' earlier ones, or adding to
    them). The classes' rows are locked only now, in primary-key order, not while the solver
    runs (an enrollment taking a class seat would wait behind it): a place another request
    filled meanwhile, or a teacher it proposed, is left out."""
    ids = sorted(c.pk for c in classes)
    list(TrainingClass.objects.select_for_update().filter(pk__in=ids).order_by("pk").values("pk"))
    if replace:
        Assignment.objects.filter(training_class__in=ids, status=Status.PROPOSED).delete()
    taken: dict[tuple[int, str], int] = {}
    present: set[tuple[int, int]] = set()
    for cid, role, tid in Assignment.objects.filter(
        training_class__in=ids, status__in=LIVE
    ).values_list("training_class", "role", "core_teacher"):
        taken[cid, role] = taken.get((cid, role), 0) + 1
        present.add((cid, tid))
    by_id = {c.pk: c for c in classes}
    preferred = set(
        Preference.objects.filter(training_class__in=ids).values_list(
            "training_class", "core_teacher"
        )
    )
    rows = []
    for cid, staff in solution.staff.items():
        c = by_id[cid]
        places = class_needs(c).staff
        start, end = busy_span(c.starts_on, c.ends_on)
        for role, tid in staff:
            if (cid, tid) in present or taken.get((cid, role), 0) >= places.get(role, 0):
                continue
            taken[cid, role] = taken.get((cid, role), 0) + 1
            present.add((cid, tid))
            rows.append(
                Assignment(
                    training_class=c,
                    core_teacher_id=tid,
                    role=role,
                    source=source,
                    preferred=(cid, tid) in preferred,
                    busy_from=start,
                    busy_until=end,
                )
            )
    Assignment.objects.bulk_create(rows)
    return len(rows)


@transaction.atomic
def class_recommend(
    *, actor: Any, training_class: TrainingClass, keep_proposals: bool = False
) -> list[str]:
    """Propose core teachers for the class's open places (as many as can be found, fairly);
    returns why any place stays open, in words."""
    if not (
        scope.allows(actor, selectors.INVITE_ACTION, training_class.project.base)
        or scope.allows_programme(actor, selectors.POOL_ACTION, training_class.project.programme)
    ):
        raise NotPermitted()
    return recommend(actor, training_class, keep_proposals=keep_proposals)


def recommend(actor: Any, training_class: TrainingClass, *, keep_proposals: bool) -> list[str]:
    if not class_needs(training_class).staff:
        raise NoStaffPolicy()
    classes, teachers = problem_of([training_class], keep_proposals=keep_proposals)
    solution = solver.solve(classes, teachers, partial=True, time_limit=CLASS_SECONDS, workers=1)
    made = propose(
        [training_class],
        solution,
        source=Assignment.Source.RECOMMENDATION,
        replace=not keep_proposals,
    )
    reasons = [shortage_text(s) for s in solution.shortages.get(training_class.pk, [])]
    record(
        actor,
        "staffing.recommended",
        training_class,
        org=training_class.project.base,
        proposed=made,
        open=len(reasons),
    )
    return reasons
