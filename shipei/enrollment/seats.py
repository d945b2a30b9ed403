"""An enrollment's seats: the quota's and the class's, taken with the enrollment and freed with
it, always quota row first, then class row (STYLE.md §2); a freed seat goes to the waitlist.

A new enrollment is written with its seats by write_submission, which decides between the
ORM's path and one statement (PostgreSQL, nothing but the seat at stake) and falls back from
the second to the first. The seat counters themselves change in ``quotas.seats`` and
``classes.services``.
"""

from typing import Any, NoReturn

from django.db import IntegrityError, connection, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from shipei.audit.models import AuditEntry
from shipei.classes import services as classes
from shipei.classes.models import TrainingClass
from shipei.core import rows
from shipei.programmes.models import Programme
from shipei.quotas import seats as quota_seats
from shipei.quotas import selectors as quota_selectors
from shipei.quotas.errors import QuotaExhausted
from shipei.quotas.models import Quota
from shipei.quotas.seats import FullFlag

from . import outbox, training
from .errors import AlreadyEnrolled, ClassFull, NoQuotaHere, SeatsGoneAtAdmission
from .events import event_rows, record_event, restate
from .lifecycle import move
from .models import Enrollment, EnrollmentEvent, live_key
from .terms import item_label


def covering(enrollment: Enrollment, *, recent: bool = False) -> Quota | None:
    """The quota the enrollment's seat comes from; None when the programme sets no quota for
    the item at all. NoQuotaHere when it does, but none covers the teacher's organisation.
    With `recent`, as this process found it a few seconds ago (quota_covering_recent)."""
    find = quota_seats.quota_covering_recent if recent else quota_selectors.quota_covering
    quota = find(programme=enrollment.programme, item=enrollment.item, org=enrollment.org)
    if (
        quota is None
        and Quota.objects.filter(programme=enrollment.programme, item=enrollment.item).exists()
    ):
        raise NoQuotaHere(org=enrollment.org.name, what=item_label(enrollment))
    return quota


def take(enrollment: Enrollment, quota: Quota | None, flag: FullFlag | None = None) -> str:
    """Take the quota's and the class's seat, always quota row first, then class row (one order
    everywhere, so that two requests never wait on each other crosswise). Returns "" when both
    are held, else which one is full: "quota" or "class". `flag`: the quota's, to record it
    full (quotas.seats.seat_take)."""
    if quota is not None and not quota_seats.seat_take(quota, flag):
        return "quota"
    if enrollment.training_class_id and not classes.class_seat_take(enrollment.training_class):
        if quota is not None:
            quota_seats.seat_release(quota)
        return "class"
    return ""


def hold(enrollment: Enrollment) -> str:
    """Hold the seats (see take) and record them on the enrollment (not saved)."""
    quota = covering(enrollment)
    full = take(enrollment, quota)
    if not full:
        enrollment.quota = quota
        enrollment.holds_seat = True
    return full


def release(enrollment: Enrollment) -> None:
    """Free the seats the enrollment holds (quota row first, then class row; not saved)."""
    if not enrollment.holds_seat:
        return
    if enrollment.quota_id:
        quota_seats.seat_release(enrollment.quota)
    if enrollment.training_class_id:
        classes.class_seat_release(enrollment.training_class_id)
    enrollment.holds_seat = False


def fill_from_waitlist(enrollment: Enrollment) -> None:
    """A freed seat goes to the longest-waiting request for the same item (and class)."""
    if not enrollment.programme.rules.enrollment.waitlist:
        return
    waiting = (
        Enrollment.objects.select_for_update()
        .filter(
            programme=enrollment.programme,
            item=enrollment.item,
            training_class=enrollment.training_class,
            status=Enrollment.Status.WAITLISTED,
        )
        .order_by("submitted_at", "pk")
    )
    for candidate in waiting:
        if not hold(candidate):
            move(candidate, Enrollment.Status.SUBMITTED)
            candidate.save(update_fields=["status", "quota", "holds_seat", "updated_at"])
            record_event(candidate, None, "promoted", _("候补转为正式报名"))
            return


# ---- a new enrollment with its seat -------------------------------------------------------------


def write_submission(enrollment: Enrollment, actor: Any) -> EnrollmentEvent:
    """Write the new `enrollment` (not saved), its "submitted" event and audit entry, and its
    seats where they are held from submission (held_at_submission); or, writing nothing, raise
    why not (AlreadyEnrolled, QuotaExhausted, ClassFull, NoQuotaHere). Its live_key is the
    policy's one_active_per's. Where the programme keeps a waitlist, a full quota or class puts
    the enrollment on it; where it names no approval chain, the enrollment is admitted at once.

    Where nothing but the seat's outcome is at stake (fits_one_statement), in one statement:
    the quota's row stays locked only while the statement runs, and a submission costs one
    round trip to PostgreSQL instead of seven. Otherwise, or when the rows cannot be written
    that way, through the ORM in a transaction (nested: a savepoint). Both end alike
    (tests/test_seats.py runs one table of cases through both)."""
    rules = enrollment.programme.rules
    enrollment.live_key = live_key(rules.enrollment.one_active_per, enrollment.item)
    enrollment.holds_seat = held_at_submission(enrollment)
    flag = _refused_if_known_full(enrollment)
    if fits_one_statement(enrollment):
        try:
            return _write_in_one_statement(enrollment, actor, flag)
        except _Declined:
            pass
    quota = covering(enrollment)  # NoQuotaHere, wherever the seat is taken
    enrollment.quota = quota if enrollment.holds_seat else None
    if flag is not None and (quota is None or flag.quota_id != quota.pk):
        flag = None  # read for another quota (a change since): records nothing of this one
    try:
        return _write_through_orm(enrollment, actor, flag)
    except QuotaExhausted:
        if flag is not None:  # known full after the rollback (at the commit of a caller's)
            quota_seats.seen_full(flag)
        raise


def _refused_if_known_full(enrollment: Enrollment) -> FullFlag | None:
    """The rush's fast refusal: where a full quota refuses the submission (its seat taken at
    submission, no waitlist) and the quota covering the teacher is known to be full, refuse it
    as the seat statement would, writing nothing, opening no transaction and locking no row
    (quotas.seats.full_flag). Else the quota's flag, for the write to record what it finds;
    None where no seat is at stake.

    The quota is the one this process found covering the teacher a few seconds ago; known full,
    it is looked up again before the refusal (a read), for a quota given to a closer receiver
    since (on another server) covers the teacher instead."""
    if (
        not enrollment.holds_seat
        or enrollment.programme.rules.enrollment.waitlist
        or quota_seats.shared_cache() is None
    ):
        return None
    kept = covering(enrollment, recent=True)
    if kept is None:
        return None
    flag = quota_seats.full_flag(kept.pk)
    if flag.known:
        quota = covering(enrollment)
        if quota is not None and quota.pk == kept.pk:
            _refuse_full(enrollment, quota)
    return flag


def _refuse_full(enrollment: Enrollment, quota: Quota | None) -> NoReturn:
    """Refuse a submission whose quota is full, having written nothing: an enrollment the
    teacher already has is told first, as the INSERT tells it on the ORM's path."""
    if (
        enrollment.live_key is not None
        and Enrollment.objects.filter(
            programme=enrollment.programme,
            person=enrollment.person,
            live_key=enrollment.live_key,
            live=True,
        ).exists()
    ):
        raise AlreadyEnrolled(name=enrollment.person.name, what=item_label(enrollment))
    raise QuotaExhausted(
        receiver=quota_selectors.receiver_name(quota) if quota else enrollment.org.name
    )


def held_at_submission(enrollment: Enrollment) -> bool:
    """Whether the enrollment's seats are taken when it is submitted (quota.held_from
    "submission", or no approval chain to wait for); else when the last step admits it
    (``hold_on_admission``)."""
    rules = enrollment.programme.rules
    return rules.quota.held_from == "submission" or not rules.chain_for(enrollment.item)


def hold_on_admission(enrollment: Enrollment) -> None:
    """Where seats are held from approval, take them as the last step admits the enrollment;
    SeatsGoneAtAdmission (or ClassFull) when none is left then: the caller's transaction is
    rolled back and the enrollment stays waiting at its step."""
    if enrollment.holds_seat:
        return
    full = hold(enrollment)
    if full == "class":
        training_class = enrollment.training_class
        raise ClassFull(name=str(training_class), capacity=training_class.capacity)
    if full:
        quota = covering(enrollment)
        raise SeatsGoneAtAdmission(
            receiver=quota_selectors.receiver_name(quota) if quota else enrollment.org.name
        )


def fits_one_statement(enrollment: Enrollment) -> bool:
    """Whether the enrollment, its event and audit entry and its seat can be written in one
    statement: on PostgreSQL, outside a transaction (a failed statement inside one would
    abort it: there the ORM's savepoint is used), when the seat's outcome changes nothing else
    (no waitlist, no class, an approval chain to wait at), and nobody listens to the rows'
    saves (one statement sends no signals)."""
    rules = enrollment.programme.rules
    return (
        connection.vendor == "postgresql"
        and not connection.in_atomic_block
        and enrollment.training_class_id is None
        and not rules.enrollment.waitlist
        and bool(rules.chain_for(enrollment.item))
        and not any(rows.has_save_receivers(m) for m in (Enrollment, EnrollmentEvent, AuditEntry))
    )


class _Declined(Exception):
    """The rows cannot be written in one statement (a value the database gives): nothing was
    written, the ORM's path writes them."""


def _write_in_one_statement(
    enrollment: Enrollment, actor: Any, flag: FullFlag | None
) -> EnrollmentEvent:
    """write_submission in one statement. Nothing is written unless the seat is taken.

    The quota covering the teacher is the one found a few seconds ago. The statement takes its
    seat only if it is still the most specific quota covering the teacher; when it is not, or is
    full, or gone, the quota is looked up afresh and, if another covers the teacher now, tried
    once more. `flag`: the kept quota's, to record it full when its last seat goes, or when it
    is found full and is still the one covering the teacher."""
    kept = enrollment.quota = covering(enrollment, recent=True)
    if not enrollment.holds_seat:
        # Held from approval: the quota is looked up (NoQuotaHere), its seat taken later; the
        # statement takes no seat, so it always writes (or finds the teacher enrolled).
        kept = enrollment.quota = None
    event = _one_statement(enrollment, kept, actor, flag)
    if event is not None:
        return event
    fresh = enrollment.quota = covering(enrollment)
    if fresh is None or fresh.pk != kept.pk:
        event = _one_statement(enrollment, fresh, actor, None)
        if event is not None:
            return event
    elif flag is not None:
        quota_seats.seen_full(flag)
    # Nothing written: the seat came first, so an enrollment the teacher already has is told
    # here, as the ORM's INSERT tells it.
    _refuse_full(enrollment, fresh)


def _one_statement(
    enrollment: Enrollment, quota: Quota | None, actor: Any, flag: FullFlag | None
) -> EnrollmentEvent | None:
    """The statement itself, taking a seat of `quota`; None when the seat was not taken. When
    it took the last, `flag` (the quota's) records the quota full."""
    event, entry = event_rows(enrollment, actor, "submitted")
    parts = [
        rows.insert_select_parts(enrollment, {}, connection),
        rows.insert_select_parts(event, {"enrollment_id": "e.id"}, connection),
        rows.insert_select_parts(entry, {"target_id": "CAST(e.id AS varchar)"}, connection),
    ]
    if None in parts:
        raise _Declined()
    (e_cols, e_vals, e_params), (v_cols, v_vals, v_params), (a_cols, a_vals, a_params) = parts
    table = {m: m._meta.db_table for m in (Enrollment, EnrollmentEvent, AuditEntry)}
    seat_sql, seat_params, source, last = "", [], "", "false"
    if quota is not None:
        take_sql, seat_params = quota_seats.seat_take_sql(quota, enrollment.org)
        seat_sql, source = f"seat AS ({take_sql}), ", " FROM seat"
        last = "(SELECT last FROM seat)"  # whether it was the quota's last seat
    sql = (
        f"WITH {seat_sql}"
        f"e AS (INSERT INTO {table[Enrollment]} ({e_cols}) SELECT {e_vals}{source} RETURNING id), "
        f"v AS (INSERT INTO {table[EnrollmentEvent]} ({v_cols}) SELECT {v_vals} FROM e "
        "RETURNING id), "
        f"a AS (INSERT INTO {table[AuditEntry]} ({a_cols}) SELECT {a_vals} FROM e RETURNING id) "
        f"SELECT e.id, v.id, a.id, {last} FROM e, v, a"
    )
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, [*seat_params, *e_params, *v_params, *a_params])
            written = cursor.fetchone()
    except IntegrityError:  # a live enrollment for the item, or the key's, maybe just now
        raise AlreadyEnrolled(name=enrollment.person.name, what=item_label(enrollment)) from None
    # Nothing written: the quota is full, or gone, or no longer the closest to the teacher.
    if written is None:
        return None
    if written[3] and flag is not None:
        quota_seats.seen_full(flag)
    rows.mark_saved(enrollment, written[0])
    rows.mark_saved(event, written[1])
    rows.mark_saved(entry, written[2])
    event.enrollment = enrollment
    entry.target_id = str(enrollment.pk)
    outbox.notices_due()
    return event


@transaction.atomic
def _write_through_orm(
    enrollment: Enrollment, actor: Any, flag: FullFlag | None
) -> EnrollmentEvent:
    """write_submission through the ORM, in a transaction (or, nested, a savepoint), taking a
    seat of ``enrollment.quota`` (whose flag `flag` is)."""
    rules = enrollment.programme.rules
    quota = enrollment.quota
    training_class = enrollment.training_class
    try:
        # No savepoint of its own: the error leaves this function at once, and this function's
        # transaction (or, nested, its savepoint) is rolled back as a whole.
        rows.insert(enrollment)
    except IntegrityError:  # a live enrollment for the item, or the key's, maybe just now
        raise AlreadyEnrolled(name=enrollment.person.name, what=item_label(enrollment)) from None
    # Written as holding its seat, which is taken last (below): a busy quota's row stays
    # locked only from there to the commit. Nothing of this is seen before the commit, and a
    # seat not taken is undone below (or the whole transaction refused).
    event = record_event(enrollment, actor, "submitted")
    if not enrollment.holds_seat:  # held from approval: taken when the last step admits
        return event
    full = take(enrollment, quota, flag)
    if full and not rules.enrollment.waitlist:
        if full == "class":
            raise ClassFull(name=str(training_class), capacity=training_class.capacity)
        raise QuotaExhausted(
            receiver=quota_selectors.receiver_name(quota) if quota else enrollment.org.name
        )
    if full:
        move(enrollment, Enrollment.Status.WAITLISTED)
        enrollment.quota = None
        enrollment.holds_seat = False
        enrollment.save(update_fields=["status", "quota", "holds_seat", "updated_at"])
        restate(event, enrollment)
    elif not rules.chain_for(enrollment.item):
        move(enrollment, Enrollment.Status.ADMITTED)
        enrollment.decided_at = timezone.now()
        enrollment.save(update_fields=["status", "decided_at", "updated_at"])
        restate(event, enrollment)
        # Into a class (or project) already under way: attending it at once.
        training.attend_if_under_way(enrollment, actor)
    return event


# ---- the admin check -----------------------------------------------------------------------------


def seats_consistent(programme: Programme) -> list[str]:
    """Admin check: each quota's and class's held count against the enrollments holding seats."""
    problems = []
    holding = Enrollment.objects.filter(programme=programme, holds_seat=True)
    held = dict(holding.filter(quota__isnull=False).values_list("quota").annotate(n=Count("pk")))
    for quota in Quota.objects.filter(programme=programme):
        if quota.seats_held != held.get(quota.pk, 0):
            problems.append(
                f"{quota.receiver_name} {quota.item}：记录占用 {quota.seats_held}，"
                f"实际 {held.get(quota.pk, 0)}"
            )
    taken = dict(
        holding.filter(training_class__isnull=False)
        .values_list("training_class")
        .annotate(n=Count("pk"))
    )
    for training_class in TrainingClass.objects.filter(project__programme=programme):
        if training_class.seats_taken != taken.get(training_class.pk, 0):
            problems.append(
                f"{training_class}：记录已报名 {training_class.seats_taken}，"
                f"实际 {taken.get(training_class.pk, 0)}"
            )
    return problems
