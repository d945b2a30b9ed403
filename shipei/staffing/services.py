"""Writes of the core-teacher pool and of classes' staffing (notice 004, 第八条).

Proposals come from the solver (``solver``): for one class (``class_recommend``) or for a
programme's half-year at once (``plan_staff``). The institution invites a proposed teacher, who
accepts or declines; a decline brings the next proposal for that place. An invitation holds the
teacher's time: inviting and accepting lock the teacher's row, check the holds, and write; on
PostgreSQL an exclusion constraint refuses overlapping holds besides, whatever path a row takes.
"""

import collections
import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shipei.accounts import registry, scope
from shipei.accounts.models import User
from shipei.audit.lifecycle import Lifecycle
from shipei.audit.services import record
from shipei.classes.flow import class_mark_staffed
from shipei.classes.milestones import milestone_require
from shipei.classes.models import TrainingClass
from shipei.core.errors import NotPermitted
from shipei.notifications.services import notify
from shipei.orgs.models import Organisation

from . import selectors, solver
from .errors import ClassStaffed, CoreTeacherBusy, NoStaffPolicy, NotACandidate, NotYours
from .models import (
    HOLDING,
    LIVE,
    Assignment,
    CoreTeacher,
    Preference,
    Qualification,
    StaffingRun,
    StaffRole,
    busy_span,
)
from .needs import class_needs, staff_roles, vocabulary
from .reasons import shortage_rows, shortage_text

Status = Assignment.Status
MOVES = Lifecycle(
    {
        Status.PROPOSED: {Status.INVITED, Status.WITHDRAWN},
        Status.INVITED: {Status.ACCEPTED, Status.DECLINED, Status.WITHDRAWN},
        Status.ACCEPTED: {Status.WITHDRAWN},
    }
)
# How long the solver may take for a half-year, and for one class.
PLAN_SECONDS = 8.0
CLASS_SECONDS = 2.0


# ---- the pool -----------------------------------------------------------------------------


def qualification_problems(categories: Sequence[str], levels: Sequence[str]) -> dict[str, str]:
    """What is wrong with a core teacher's categories and levels, by field."""
    known_categories, known_levels = vocabulary()
    problems = {}
    if not categories:
        problems["categories"] = _("请至少选择一个专业大类。")
    elif unknown := [c for c in categories if c not in known_categories]:
        problems["categories"] = _("“%(v)s”不是培训计划中的专业大类（可选：%(all)s）。") % {
            "v": "、".join(unknown),
            "all": "、".join(known_categories) or "--",
        }
    if known_levels and not levels:
        problems["levels"] = _("请至少选择一个培训级别。")
    elif unknown := [lv for lv in levels if lv not in known_levels]:
        problems["levels"] = _("“%(v)s”不是培训计划中的培训级别（可选：%(all)s）。") % {
            "v": "、".join(unknown),
            "all": "、".join(known_levels) or "--",
        }
    return problems


@transaction.atomic
def core_teacher_save(
    *,
    actor: Any,
    person: Any,
    home: Organisation,
    teaches: bool,
    assesses: bool,
    categories: Sequence[str],
    levels: Sequence[str],
    is_active: bool = True,
    note: str = "",
    core_teacher: CoreTeacher | None = None,
) -> CoreTeacher:
    """Add a person to the pool, or change a core teacher's record."""
    scope.require(actor, selectors.POOL_ACTION, home)
    if core_teacher is not None:
        scope.require(actor, selectors.POOL_ACTION, core_teacher.home)
    problems = qualification_problems(categories, levels)
    if not (teaches or assesses):
        problems["teaches"] = _("请至少选择授课或考核中的一项。")
    if core_teacher is None and CoreTeacher.objects.filter(person=person).exists():
        problems["person"] = _("%(name)s已在骨干教师库中。") % {"name": person.name}
    if problems:
        raise ValidationError(problems)
    created = core_teacher is None
    core_teacher = core_teacher or CoreTeacher(person=person)
    core_teacher.home = home
    core_teacher.teaches, core_teacher.assesses = teaches, assesses
    core_teacher.is_active = is_active
    core_teacher.note = (note or "").strip()
    core_teacher.save()
    _set_qualifications(core_teacher, categories, levels)
    record(
        actor,
        "staffing.core_teacher_added" if created else "staffing.core_teacher_changed",
        core_teacher,
        org=home,
        categories=list(categories),
        levels=list(levels),
        active=is_active,
    )
    return core_teacher


@transaction.atomic
def core_teacher_add(
    *, actor: Any, name: str, id_number: str, mobile: str = "", home: Organisation, **fields: Any
) -> CoreTeacher:
    """Add someone named by name and ID number: found in the register, or registered at the
    home institution; a refusal of the record leaves no one registered behind it."""
    person = registry.person_by_id_number(
        actor=actor, action="person.view", id_number=id_number, name=name, org=home, mobile=mobile
    )
    return core_teacher_save(actor=actor, person=person, home=home, **fields)


def _set_qualifications(
    core_teacher: CoreTeacher, categories: Iterable[str], levels: Iterable[str]
) -> bool:
    """Make the teacher's qualifications every category with every level; True if changed."""
    wanted = {(c, lv) for c in categories for lv in (list(levels) or [""])}
    have = set(core_teacher.qualifications.values_list("category", "level"))
    if wanted == have:
        return False
    core_teacher.qualifications.exclude(
        pk__in=[q.pk for q in core_teacher.qualifications.all() if (q.category, q.level) in wanted]
    ).delete()
    Qualification.objects.bulk_create(
        [Qualification(core_teacher=core_teacher, category=c, level=lv) for c, lv in wanted - have]
    )
    return True


@transaction.atomic
def core_teacher_import(*, actor: Any, rows: list[Any], filename: str = "") -> dict[str, int]:
    """Write the rows checked by ``imports.parse_core_teachers``, all or nothing: the people
    not yet registered are registered first (``accounts.registry``); a teacher already in the
    pool is brought in line with the row, so the same file imported twice changes nothing."""
    people = registry.people_register(actor=actor, named=[r.named for r in rows], filename=filename)
    counts = {"created": 0, "updated": 0, "unchanged": 0, "registered": people["created"]}
    existing = {
        t.person_id: t
        for t in CoreTeacher.objects.filter(person__in=[r.named.person for r in rows])
        .select_related("home")
        .prefetch_related("qualifications")
    }
    for row in rows:
        scope.require(actor, selectors.POOL_ACTION, row.named.org)
        person = row.named.person
        teacher = existing.get(person.pk)
        if teacher is None:
            teacher = CoreTeacher.objects.create(
                person=person,
                home=row.named.org,
                teaches=row.teaches,
                assesses=row.assesses,
                is_active=row.is_active,
            )
            _set_qualifications(teacher, row.categories, row.levels)
            counts["created"] += 1
            continue
        scope.require(actor, selectors.POOL_ACTION, teacher.home)
        fields = {
            "home": row.named.org,
            "teaches": row.teaches,
            "assesses": row.assesses,
            "is_active": row.is_active,
        }
        changed = [k for k, v in fields.items() if getattr(teacher, k) != v]
        for key in changed:
            setattr(teacher, key, fields[key])
        if changed:
            teacher.save()
        if _set_qualifications(teacher, row.categories, row.levels) or changed:
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
    record(
        actor,
        "staffing.imported",
        None,
        org=scope.top_org(actor, selectors.POOL_ACTION),
        filename=filename[:100],
        **counts,
    )
    return counts


# ---- what the institution asks for --------------------------------------------------------


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


def _problem(
    classes: Sequence[TrainingClass], *, keep_proposals: bool
) -> tuple[list[solver.Class], list[solver.Teacher]]:
    """The solver's view of `classes` and of the active pool: each class's open places (its
    policy's, less those invited or accepted, and less its proposals if they stay), each
    teacher's assignments elsewhere (busy dates, and this year's load)."""
    ids = [c.pk for c in classes]
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
        for t in CoreTeacher.objects.filter(is_active=True)
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
        if status in kept or status == Status.DECLINED:
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


def _propose(
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
    return _recommend(actor, training_class, keep_proposals=keep_proposals)


def _recommend(actor: Any, training_class: TrainingClass, *, keep_proposals: bool) -> list[str]:
    if not class_needs(training_class).staff:
        raise NoStaffPolicy()
    classes, teachers = _problem([training_class], keep_proposals=keep_proposals)
    solution = solver.solve(classes, teachers, partial=True, time_limit=CLASS_SECONDS, workers=1)
    made = _propose(
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


@transaction.atomic
def plan_staff(*, actor: Any, programme: Any, year: int, half: int) -> StaffingRun:
    """Staff every class of the programme starting in the half-year at once: the most classes
    fully staffed, then the most preferences honoured, then the fairest spread (``solver``).
    The classes' earlier proposals are replaced; invitations and acceptances stay."""
    scope.require_programme(actor, selectors.POOL_ACTION, programme)
    if not staff_roles(programme.rules):
        raise NoStaffPolicy()
    classes = list(selectors.half_classes(programme=programme, year=year, half=half))
    problem, teachers = _problem(classes, keep_proposals=False)
    solution = solver.solve(problem, teachers, time_limit=PLAN_SECONDS)
    _propose(classes, solution, source=Assignment.Source.PLAN, replace=True)
    run = StaffingRun.objects.create(
        programme=programme,
        year=year,
        half=half,
        actor=actor if getattr(actor, "pk", None) else None,
        classes=len(classes),
        staffed=len(solution.staffed),
        bound=solution.bound,
        preferences=solution.preferences,
        max_load=solution.max_load,
        status=solution.status,
        seconds=round(solution.seconds, 2),
        shortages={str(cid): shortage_rows(rows) for cid, rows in solution.shortages.items()},
    )
    record(
        actor,
        "staffing.plan_staffed",
        run,
        org=programme.owner,
        classes=run.classes,
        staffed=run.staffed,
        status=run.status,
    )
    return run


# ---- invitations --------------------------------------------------------------------------


def _lock_teacher(core_teacher_id: int) -> CoreTeacher:
    """The teacher's row, locked until commit: invitations and acceptances of one teacher go
    one at a time, so two institutions inviting at the same moment see each other's hold."""
    return (
        CoreTeacher.objects.select_for_update()
        .select_related("person", "home")
        .get(pk=core_teacher_id)
    )


def _check_free(teacher: CoreTeacher, assignment: Assignment) -> None:
    clash = (
        Assignment.objects.filter(
            core_teacher=teacher,
            status__in=HOLDING,
            busy_from__lte=assignment.busy_until,
            busy_until__gte=assignment.busy_from,
        )
        .exclude(pk=assignment.pk)
        .select_related("training_class")
        .first()
    )
    if clash is not None:
        raise CoreTeacherBusy(
            name=teacher.person.name,
            start=clash.training_class.starts_on.isoformat(),
            end=clash.training_class.ends_on.isoformat(),
        )


def _save_hold(assignment: Assignment, fields: list[str]) -> None:
    """Save a move into a holding state; the database's own refusal (PostgreSQL's exclusion
    constraint) reads as the service's."""
    try:
        with transaction.atomic():
            assignment.save(update_fields=[*fields, "updated_at"])
    except IntegrityError:
        teacher = assignment.core_teacher
        c = assignment.training_class
        raise CoreTeacherBusy(
            name=teacher.person.name, start=c.starts_on.isoformat(), end=c.ends_on.isoformat()
        ) from None


def _teacher_users(teacher: CoreTeacher) -> list[User]:
    return list(User.objects.filter(person_id=teacher.person_id, is_active=True))


@transaction.atomic
def assignment_invite(*, actor: Any, assignment: Assignment) -> Assignment:
    """The institution invites a proposed core teacher (the 邀请函): the teacher's time is held
    from now on."""
    c = assignment.training_class
    scope.require(actor, selectors.INVITE_ACTION, c.project.base)
    teacher = _lock_teacher(assignment.core_teacher_id)
    assignment.refresh_from_db()
    MOVES.check(assignment, Status.INVITED)
    if not teacher.is_active:
        raise NotACandidate(
            name=teacher.person.name,
            role=assignment.get_role_display(),
            reason=_("已不在骨干教师库中。"),
        )
    # Notice 004: core teachers recommended and invited 35 days before the start at the latest.
    milestone_require(c, "core_teacher_recommendation")
    places = class_needs(c).staff.get(assignment.role, 0)
    held = c.core_assignments.filter(role=assignment.role, status__in=HOLDING).count()
    if held >= places:
        raise ClassStaffed(role=assignment.get_role_display(), n=places)
    assignment.busy_from, assignment.busy_until = busy_span(c.starts_on, c.ends_on)
    _check_free(teacher, assignment)
    assignment.core_teacher = teacher
    assignment.status = Status.INVITED
    assignment.invited_by = actor
    assignment.invited_at = timezone.now()
    _save_hold(assignment, ["status", "invited_by", "invited_at", "busy_from", "busy_until"])
    record(actor, "staffing.invited", assignment, org=c.project.base, role=assignment.role)
    title = _("骨干教师邀请：%(cls)s") % {"cls": str(c)}
    body = _(
        "%(base)s邀请您担任%(role)s，培训时间 %(start)s ～ %(end)s。请在平台上接受或谢绝。"
    ) % {
        "base": c.project.base.name,
        "role": assignment.get_role_display(),
        "start": c.starts_on.isoformat(),
        "end": c.ends_on.isoformat(),
    }
    notify(_teacher_users(teacher), title=title, body=body, url=reverse("staffing:mine"))
    return assignment


@transaction.atomic
def assignment_accept(*, actor: Any, assignment: Assignment) -> Assignment:
    """The core teacher accepts the invitation."""
    teacher = _lock_teacher(assignment.core_teacher_id)
    if teacher.person_id != getattr(actor, "person_id", None):
        raise NotYours()
    assignment.refresh_from_db()
    MOVES.check(assignment, Status.ACCEPTED)
    _check_free(teacher, assignment)
    assignment.status = Status.ACCEPTED
    assignment.answered_at = timezone.now()
    _save_hold(assignment, ["status", "answered_at"])
    c = assignment.training_class
    record(actor, "staffing.accepted", assignment, org=c.project.base, role=assignment.role)
    _tell_institution(assignment, _("%(name)s已接受邀请：%(cls)s（%(role)s）"))
    if _fully_accepted(c):
        class_mark_staffed(actor=actor, training_class=c)
    return assignment


def _fully_accepted(c: TrainingClass) -> bool:
    """Every place the policy gives the class is taken by an accepted invitation, and the
    class's own lifecycle (where its programme uses the staffing step) waits for that."""
    if c.status != TrainingClass.Status.APPLIED or not c.project.programme.rules.classes.uses(
        "staffing"
    ):
        return False
    accepted = collections.Counter(
        c.core_assignments.filter(status=Status.ACCEPTED).values_list("role", flat=True)
    )
    return all(accepted[role] >= n for role, n in class_needs(c).staff.items())


@transaction.atomic
def assignment_decline(*, actor: Any, assignment: Assignment, reason: str = "") -> list[str]:
    """The core teacher declines; the place gets the next proposal at once (the teacher is
    not proposed for this class again). Returns why, if no one else could be proposed."""
    teacher = _lock_teacher(assignment.core_teacher_id)
    if teacher.person_id != getattr(actor, "person_id", None):
        raise NotYours()
    assignment.refresh_from_db()
    MOVES.check(assignment, Status.DECLINED)
    assignment.status = Status.DECLINED
    assignment.answered_at = timezone.now()
    assignment.reason = (reason or "").strip()[:200]
    assignment.save(update_fields=["status", "answered_at", "reason", "updated_at"])
    c = assignment.training_class
    record(actor, "staffing.declined", assignment, org=c.project.base, role=assignment.role)
    reasons = _recommend(actor, c, keep_proposals=True)
    _tell_institution(assignment, _("%(name)s谢绝了邀请：%(cls)s（%(role)s），平台已重新推荐"))
    return reasons


@transaction.atomic
def assignment_withdraw(*, actor: Any, assignment: Assignment, reason: str = "") -> Assignment:
    """The institution withdraws a proposal or an invitation (with the province's consent
    for a change after acceptance: notice 004, footnote ⑤)."""
    c = assignment.training_class
    scope.require(actor, selectors.INVITE_ACTION, c.project.base)
    assignment.reason = (reason or "").strip()[:200]
    MOVES.move(
        assignment,
        Status.WITHDRAWN,
        actor=actor,
        action="staffing.withdrawn",
        org=c.project.base,
        fields=["reason"],
        role=assignment.role,
    )
    if assignment.invited_at is not None:
        notify(
            _teacher_users(assignment.core_teacher),
            title=_("邀请已撤回：%(cls)s") % {"cls": str(c)},
            body=_("%(base)s撤回了请您担任%(role)s的邀请。")
            % {
                "base": c.project.base.name,
                "role": assignment.get_role_display(),
            },
            url=reverse("staffing:mine"),
        )
    return assignment


def _tell_institution(assignment: Assignment, template: str) -> None:
    """The one who sent the invitation hears the answer."""
    inviter = assignment.invited_by
    if inviter is None or not inviter.is_active:
        return
    c = assignment.training_class
    notify(
        [inviter],
        title=template
        % {
            "name": assignment.core_teacher.person.name,
            "cls": str(c),
            "role": assignment.get_role_display(),
        },
        url=reverse("staffing:class", args=[c.pk]),
    )
