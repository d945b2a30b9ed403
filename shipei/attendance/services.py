"""Writes of attendance: class staff mark a session (the phone grid, the API, an Excel file),
a trainee checks in with the room's code. Each refuses what it cannot take and changes nothing
then: a trainee not on the roster, a session not yet held, a class not running, a bad status,
a forged or expired code."""

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from shipei.audit.services import record
from shipei.core.errors import NotFound, NotPermitted, SystemBusy
from shipei.enrollment.models import Enrollment
from shipei.schedule.models import Session

from . import qr, selectors
from .errors import (
    BadStatus,
    CheckInClosed,
    ClassNotRunning,
    NotOnRoster,
    SelfPaced,
    SessionNotHeld,
)
from .models import AttendanceRecord, credited

S = AttendanceRecord.Status
Source = AttendanceRecord.Source
# The room's code is shown, and taken, from this long before the session starts until it ends.
CHECK_IN_OPENS_BEFORE = datetime.timedelta(minutes=30)


def _require_running(session: Session) -> None:
    training_class = session.training_class
    if not selectors.is_running(training_class):
        raise ClassNotRunning(current=selectors.state_label(training_class))


def _require_taken(session: Session) -> None:
    if not session.holds_people:
        raise SelfPaced(session=session.title)


def _require_held(session: Session, now: datetime.datetime) -> None:
    if not selectors.held(session, now):
        raise SessionNotHeld(
            session=session.title,
            starts=timezone.localtime(session.starts_at).strftime("%Y-%m-%d %H:%M"),
        )


def _write(
    *,
    actor: Any,
    session: Session,
    marks: Mapping[int, str],
    source: str,
    existing: dict[int, AttendanceRecord],
) -> dict[str, int]:
    """Create or change the session's records to `marks` (enrollment id -> status); a mark
    equal to the record leaves it as it is."""
    counts = {"created": 0, "changed": 0, "unchanged": 0}
    new = []
    for enrollment_id, status in marks.items():
        found = existing.get(enrollment_id)
        if found is None:
            new.append(
                AttendanceRecord(
                    session=session,
                    enrollment_id=enrollment_id,
                    status=status,
                    hours=credited(status, session.hours),
                    source=source,
                    recorded_by=actor,
                )
            )
        elif found.status == status:
            counts["unchanged"] += 1
        else:
            found.status = status
            found.hours = credited(status, session.hours)
            found.source = source
            found.recorded_by = actor
            found.save(update_fields=["status", "hours", "source", "recorded_by", "updated_at"])
            counts["changed"] += 1
    AttendanceRecord.objects.bulk_create(new)
    counts["created"] = len(new)
    return counts


def _write_locked(
    *, actor: Any, session: Session, marks: Mapping[int, str], source: str
) -> dict[str, int]:
    """`_write` over the session's records locked. A trainee checking in meanwhile inserts a
    record the lock could not cover: the insert then fails, and a second read finds it and
    changes it (the staff's save comes last and stands)."""
    for _attempt in range(2):
        try:
            with transaction.atomic():
                existing = {
                    r.enrollment_id: r
                    for r in AttendanceRecord.objects.select_for_update().filter(session=session)
                }
                return _write(
                    actor=actor, session=session, marks=marks, source=source, existing=existing
                )
        except IntegrityError:
            continue
    raise SystemBusy()


def _check_marks(
    session: Session, marks: Mapping[int, str], on_roster: dict[int, Enrollment]
) -> None:
    for enrollment_id, status in marks.items():
        if enrollment_id not in on_roster:
            raise NotOnRoster(name=_unknown(enrollment_id))
        if status not in S.values:
            raise BadStatus(value=status)


def _unknown(enrollment_id: Any) -> str:
    # Not the person's name: an enrollment of another class may be outside the actor's reach.
    return f"报名编号 {enrollment_id} 的学员"


@transaction.atomic
def attendance_mark(
    *,
    actor: Any,
    session: Session,
    marks: Mapping[int, str],
    now: datetime.datetime | None = None,
) -> dict[str, int]:
    """Record one session's attendance for the trainees in `marks` (enrollment id -> status),
    the whole class in one call (the phone grid's one submit)."""
    now = now or timezone.now()
    if not selectors.may_take(actor, session):
        raise NotPermitted()
    _require_taken(session)
    _require_running(session)
    _require_held(session, now)
    on_roster = {e.pk: e for e in selectors.roster(session.training_class)}
    _check_marks(session, marks, on_roster)
    counts = _write_locked(actor=actor, session=session, marks=marks, source=Source.GRID)
    record(
        actor,
        "attendance.marked",
        session,
        org=session.training_class.project.base,
        training_class=session.training_class_id,
        **counts,
        **_by_status(marks.values()),
    )
    return counts


def _by_status(statuses: Iterable[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for status in statuses:
        out[status] = out.get(status, 0) + 1
    return out


@dataclass
class ImportRow:
    """One cell of an imported sheet: this trainee's status in this session."""

    row: int
    enrollment: Enrollment
    session: Session
    status: str


@transaction.atomic
def attendance_import(
    *, actor: Any, training_class: Any, rows: list[ImportRow], filename: str = ""
) -> dict[str, int]:
    """Write a checked sheet (imports.py) in one transaction: every session's cells or none.
    The same file again changes nothing."""
    now = timezone.now()
    if not selectors.runs_class(actor, training_class):
        raise NotPermitted()
    by_session: dict[int, dict[int, str]] = {}
    sessions: dict[int, Session] = {}
    for r in rows:
        sessions[r.session.pk] = r.session
        by_session.setdefault(r.session.pk, {})[r.enrollment.pk] = r.status
    on_roster = {e.pk: e for e in selectors.roster(training_class)}
    totals = {"created": 0, "changed": 0, "unchanged": 0}
    for pk in sorted(by_session):  # rows locked in one order: two imports never deadlock
        session = sessions[pk]
        _require_taken(session)
        _require_running(session)
        _require_held(session, now)
        _check_marks(session, by_session[pk], on_roster)
        counts = _write_locked(
            actor=actor, session=session, marks=by_session[pk], source=Source.IMPORT
        )
        for key, n in counts.items():
            totals[key] += n
    record(
        actor,
        "attendance.imported",
        training_class,
        org=training_class.project.base,
        filename=filename[:100],
        sessions=len(by_session),
        **totals,
    )
    return totals


@dataclass
class CheckIn:
    record: AttendanceRecord
    created: bool  # False: the trainee had checked in already, nothing changed


def attendance_check_in(
    *,
    actor: Any,
    session_id: int,
    slot: int,
    sig: str,
    now: datetime.datetime | None = None,
) -> CheckIn:
    """A trainee checks in with the code on the room's screen: present when before the start,
    late after it. The code is checked before anything is read (a forged one costs nothing);
    checking in twice keeps the first time. The record itself says who and when (source,
    checked_in_at): no audit entry for each of a class's check-ins."""
    now = now or timezone.now()
    qr.verify(session_id, slot, sig, now)
    session = (
        Session.objects.select_related("training_class__project__programme")
        .filter(pk=session_id)
        .first()
    )
    if session is None:  # a valid signature names a session we made: it has been deleted
        raise NotFound()
    _require_taken(session)
    opens, closes = session.starts_at - CHECK_IN_OPENS_BEFORE, session.ends_at
    if not opens <= now <= closes:
        raise CheckInClosed(
            session=session.title,
            opens=timezone.localtime(opens).strftime("%Y-%m-%d %H:%M"),
            closes=timezone.localtime(closes).strftime("%H:%M"),
        )
    _require_running(session)
    enrollment = (
        selectors.roster(session.training_class).filter(person_id=actor.person_id).first()
        if actor.person_id
        else None
    )
    if enrollment is None:
        raise NotOnRoster(name=actor.person.name if actor.person_id else actor.get_username())
    status = S.PRESENT if now <= session.starts_at else S.LATE
    return _check_in(actor, session, enrollment, status, now)


def _check_in(
    actor: Any, session: Session, enrollment: Enrollment, status: str, now: datetime.datetime
) -> CheckIn:
    values = {
        "status": status,
        "hours": credited(status, session.hours),
        "source": Source.QR,
        "checked_in_at": now,
        "recorded_by": actor,
    }
    try:
        with transaction.atomic():
            created = AttendanceRecord.objects.create(
                session=session, enrollment=enrollment, **values
            )
            return CheckIn(created, True)
    except IntegrityError:  # a record exists: staff marked the trainee, or a second tap
        pass
    with transaction.atomic():
        found = AttendanceRecord.objects.select_for_update().get(
            session=session, enrollment=enrollment
        )
        if found.status in (S.PRESENT, S.LATE):
            return CheckIn(found, False)
        # Marked absent or on leave before they came: the code shows they are in the room.
        for key, value in values.items():
            setattr(found, key, value)
        found.save()
        return CheckIn(found, True)
