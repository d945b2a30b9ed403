"""Reads of attendance: who may take and see it, a class's roster and sheet, and each trainee's
standing against the programme's absence limit, computed live from the records.

Class staff are the training base's users who run its classes (``class.run``) and, for a
session, the teachers the schedule names on it. Everyone who sees the class (``class.view``:
the base, the provinces and the ministry above it) sees its attendance.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from shipei.accounts import scope
from shipei.classes.models import TrainingClass
from shipei.core.errors import NotFound
from shipei.enrollment.models import CHAIN_COMPLETED, Enrollment
from shipei.schedule.models import Session

from .models import MISSED, AttendanceRecord

RUN = "class.run"
VIEW = "class.view"
_BASE = "project__base"


# ---- who --------------------------------------------------------------------------------------


def runs_class(user: Any, training_class: TrainingClass) -> bool:
    return scope.allows(user, RUN, training_class.project.base)


def teaches(user: Any, session: Session) -> bool:
    person_id = getattr(user, "person_id", None)
    return person_id is not None and session.staff.filter(pk=person_id).exists()


def may_take(user: Any, session: Session) -> bool:
    """Whether `user` may record the attendance of `session`: the base runs the class, or the
    schedule names the user among the session's teachers."""
    return runs_class(user, session.training_class) or teaches(user, session)


def may_see_any(user: Any) -> bool:
    """Whether the menu offers 考勤管理: the user runs classes at a base, or teaches a session."""
    if scope.has_any(user, RUN):
        return True
    person_id = getattr(user, "person_id", None)
    return person_id is not None and Session.objects.filter(staff=person_id).exists()


def _staff_q(user: Any, via: str = "") -> Q:
    """Classes (or rows below them, through `via`) where the user teaches some session."""
    person_id = getattr(user, "person_id", None)
    if person_id is None:
        return Q(pk__in=[])
    return Q(**{f"{via}sessions__staff": person_id})


def classes_q(user: Any, *, via: str = "") -> Q:
    """Classes whose attendance `user` sees: in the scope of ``class.view``, or taught by them."""
    return scope.orgs_q(user, VIEW, via=f"{via}{_BASE}") | _staff_q(user, via)


def class_list(*, user: Any) -> QuerySet[TrainingClass]:
    """The classes with a schedule whose attendance the user sees, the latest first."""
    return (
        TrainingClass.objects.filter(classes_q(user))
        .filter(sessions__isnull=False)
        .distinct()
        .select_related("project__programme", "project__base")
        .order_by("-starts_on", "-pk")
    )


def class_get(*, user: Any, pk: Any) -> TrainingClass:
    found = (
        TrainingClass.objects.filter(classes_q(user), pk=pk)
        .select_related("project__programme", "project__base")
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def session_get(*, user: Any, pk: Any) -> Session:
    found = (
        Session.objects.filter(classes_q(user, via="training_class__"), pk=pk)
        .select_related("training_class__project__programme", "training_class__project__base")
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def record_list(*, user: Any) -> QuerySet[AttendanceRecord]:
    """Records the user sees: of classes in their scope or taught by them, and their own."""
    q = classes_q(user, via="session__training_class__")
    if getattr(user, "person_id", None):
        q |= Q(enrollment__person_id=user.person_id)
    return (
        AttendanceRecord.objects.filter(q)
        .distinct()
        .select_related("session", "enrollment__person")
        .order_by("session__starts_at", "session_id", "enrollment_id")
    )


# ---- what -------------------------------------------------------------------------------------


def is_running(training_class: TrainingClass) -> bool:
    """Attendance is taken while the class runs: its own state where the programme gives
    classes a lifecycle (004), else its project's."""
    if training_class.project.programme.rules.classes.steps:
        return training_class.status == TrainingClass.Status.RUNNING
    return training_class.project.status == "running"


def state_label(training_class: TrainingClass) -> str:
    if training_class.project.programme.rules.classes.steps:
        return training_class.get_status_display()
    return training_class.project.get_status_display()


def roster(training_class: TrainingClass) -> QuerySet[Enrollment]:
    """The class's trainees: enrollments admitted into it, and what follows admission."""
    return (
        Enrollment.objects.filter(training_class=training_class, status__in=CHAIN_COMPLETED)
        .select_related("person", "org")
        .order_by("person__name_pinyin", "pk")
    )


def sessions(training_class: TrainingClass) -> QuerySet[Session]:
    """The sessions that take attendance: all but self-paced ones, whose hours come from the
    progress the player reports (schedule.hours)."""
    return (
        Session.objects.filter(training_class=training_class)
        .exclude(kind=Session.Kind.SELF_PACED)
        .order_by("starts_at", "pk")
    )


def attended_hours(enrollment: Enrollment) -> Decimal:
    """The class hours the trainee's records credit (present and late)."""
    found = AttendanceRecord.objects.filter(enrollment=enrollment).aggregate(h=Sum("hours"))["h"]
    return found or Decimal(0)


def session_records(session: Session) -> dict[int, AttendanceRecord]:
    """The session's records by enrollment id."""
    return {r.enrollment_id: r for r in AttendanceRecord.objects.filter(session=session)}


def held(session: Session, now: datetime.datetime | None = None) -> bool:
    return session.starts_at <= (now or timezone.now())


@dataclass
class Sheet:
    """A class's attendance sheet: its sessions, and per trainee their record of each."""

    sessions: list[Session]
    rows: list[tuple[Enrollment, list[AttendanceRecord | None]]]


def sheet(training_class: TrainingClass) -> Sheet:
    found = sessions(training_class)
    trainees = list(roster(training_class))
    records = {
        (r.enrollment_id, r.session_id): r
        for r in AttendanceRecord.objects.filter(session__training_class=training_class)
    }
    return Sheet(
        sessions=list(found),
        rows=[(e, [records.get((e.pk, s.pk)) for s in found]) for e in trainees],
    )


# ---- the absence limit ------------------------------------------------------------------------


def absence_limit(enrollment: Enrollment) -> Decimal | None:
    """The class hours of leave and absence above which the trainee may not be assessed: the
    policy's, for the enrollment's item (its own, its parent's, else the programme's)."""
    rules = enrollment.programme.rules
    try:
        return rules.assessment_for(enrollment.item).absence_limit_hours
    except StopIteration:  # an item no longer in the policy: the programme's own setting
        return rules.assessment.absence_limit_hours


@dataclass
class Standing:
    """A trainee's attendance so far against the absence limit."""

    enrollment: Enrollment
    attended_hours: Decimal = Decimal(0)  # credited by present and late records
    missed_hours: Decimal = Decimal(0)  # leave and absence
    late: int = 0
    limit: Decimal | None = None
    # The most hours of one session still to come: one more absence costs up to this.
    next_hours: Decimal = Decimal(0)
    by_status: dict[str, int] = field(default_factory=dict)

    @property
    def barred(self) -> bool:
        """More leave and absence than the limit: not admitted to the assessment."""
        return self.limit is not None and self.missed_hours > self.limit

    @property
    def at_risk(self) -> bool:
        """Not barred yet, has missed some, and missing one more session would bar them."""
        return (
            self.limit is not None
            and not self.barred
            and self.missed_hours > 0
            and self.missed_hours + self.next_hours > self.limit
        )

    @property
    def allowance(self) -> Decimal | None:
        """Hours the trainee may still miss before being barred (0 once there)."""
        if self.limit is None:
            return None
        return max(self.limit - self.missed_hours, Decimal(0))


def standings(
    training_class: TrainingClass, now: datetime.datetime | None = None
) -> list[Standing]:
    """Each trainee of the class against the limit, from two queries (the sums by trainee and
    status, and the longest session still to come)."""
    now = now or timezone.now()
    trainees = list(roster(training_class).select_related("programme"))
    upcoming = (
        sessions(training_class)
        .filter(starts_at__gt=now)
        .order_by("-hours")
        .values_list("hours", flat=True)
        .first()
    ) or Decimal(0)
    sums: dict[int, dict[str, tuple[int, Decimal, Decimal]]] = defaultdict(dict)
    for row in (
        AttendanceRecord.objects.filter(enrollment__in=[e.pk for e in trainees])
        .values("enrollment_id", "status")
        .annotate(credited=Sum("hours"), scheduled=Sum("session__hours"))
        .order_by()
    ):
        sums[row["enrollment_id"]][row["status"]] = (row["credited"], row["scheduled"])
    out = []
    for e in trainees:
        s = Standing(enrollment=e, limit=absence_limit(e), next_hours=upcoming)
        for status, (credited_hours, scheduled) in sums[e.pk].items():
            s.attended_hours += credited_hours or 0
            if status in MISSED:
                s.missed_hours += scheduled or 0
        out.append(s)
    return out


def standing(enrollment: Enrollment, now: datetime.datetime | None = None) -> Standing:
    """One trainee's standing (the assessment asks for one at a time)."""
    now = now or timezone.now()
    s = Standing(enrollment=enrollment, limit=absence_limit(enrollment))
    for row in (
        AttendanceRecord.objects.filter(enrollment=enrollment)
        .values("status")
        .annotate(credited=Sum("hours"), scheduled=Sum("session__hours"))
        .order_by()
    ):
        s.attended_hours += row["credited"] or 0
        if row["status"] in MISSED:
            s.missed_hours += row["scheduled"] or 0
    if enrollment.training_class_id:
        s.next_hours = (
            Session.objects.filter(
                training_class_id=enrollment.training_class_id, starts_at__gt=now
            )
            .order_by("-hours")
            .values_list("hours", flat=True)
            .first()
        ) or Decimal(0)
    return s


def assessment_bar(enrollment: Enrollment) -> str | None:
    """Why the trainee may not take the assessment, or None when they may: leave and absence
    above the programme's limit bar it (notice 004, 第十二条: more than 4 class hours).

    The assessment app calls this before it admits anyone to a component."""
    found = standing(enrollment)
    if not found.barred:
        return None
    return _(
        "请假和缺勤累计 %(missed)s 学时，超过培训计划规定的 %(limit)s 学时，不能参加考核。"
    ) % {"missed": _hours(found.missed_hours), "limit": _hours(found.limit)}


def _hours(value: Decimal | None) -> str:
    """4.0 -> "4", 1.5 -> "1.5"."""
    return "--" if value is None else format(value.normalize(), "f")
