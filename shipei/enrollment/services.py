"""Writes of enrollments: submission with the seat it holds, the approval chain, withdrawal.

Every rule comes from the programme's policy (channels, windows, eligibility, approval chain,
what releases a seat, substitutions, waitlist); the seat counters change only through the quota
and class services, in the same transaction as the enrollment (STYLE.md §2).
"""

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from shipei.accounts import scope
from shipei.accounts.models import Person, Role
from shipei.audit.models import AuditEntry
from shipei.audit.services import entry_for
from shipei.classes.models import TrainingClass
from shipei.core import rows
from shipei.core.errors import DomainError, InvalidTransition, NotPermitted
from shipei.notifications import services as notifications
from shipei.orgs.models import Organisation
from shipei.orgs.selectors import org_recent
from shipei.programmes.models import Programme
from shipei.programmes.policy import SHANGHAI, Eligibility, Item, Window
from shipei.projects.models import Project
from shipei.quotas import selectors as quota_selectors
from shipei.quotas import services as quotas
from shipei.quotas.errors import QuotaExhausted
from shipei.quotas.models import Quota

from .errors import (
    AlreadyEnrolled,
    ChannelNotOpen,
    ClassFull,
    EnrollmentClosed,
    FormExpired,
    NoQuotaHere,
    NotEligible,
    NotYourStep,
    OwnEnrollment,
    ReasonRequired,
)
from .models import Enrollment, EnrollmentEvent

S = Enrollment.Status
NOMINATING = {
    Enrollment.Channel.NOMINATION,
    Enrollment.Channel.SIGNUP_TABLE,
    Enrollment.Channel.COORDINATOR_ENROLLMENT,
}
# Classes of projects the ministry has published and whose enrollment has not closed.
ENROLLABLE = frozenset({Project.Status.PUBLISHED, Project.Status.ENROLLING})
ROLE_LABELS = dict(Role.choices)


# ---- reading the policy -------------------------------------------------------------------------


def _lineage(programme: Programme, code: str) -> list[Item]:
    """The item and its parents, nearest first: a field inherits its phase's rules."""
    rules = programme.rules
    out, item = [], rules.item(code)
    while item is not None:
        out.append(item)
        item = rules.item(item.parent) if item.parent else None
    return out


def registration_window(programme: Programme, code: str) -> Window | None:
    """The item's own registration window, else its parent's, else the programme's."""
    for item in _lineage(programme, code):
        if item.registration is not None:
            return item.registration
    return programme.rules.enrollment.window


def window_text(window: Window) -> str:
    """ "2026-11-01 00:00 ～ 2026-11-30 23:59", or "截至 ..." / "... 起" when one end is open."""

    def fmt(moment: datetime.datetime | None) -> str:
        return moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") if moment else ""

    start, end = fmt(window.opens_at()), fmt(window.closes_at())
    if start and end:
        return f"{start} ～ {end}"
    return _("截至 %(end)s") % {"end": end} if end else _("%(start)s 起") % {"start": start}


def eligibility_problems(programme: Programme, code: str, person: Person) -> list[str]:
    """Every rule of the item (and its parents) the person does not meet, in Chinese."""
    problems: list[str] = []
    owner = org_recent(programme.owner_id) if programme.owner_id else None
    if not scope.in_area(owner, org=person.org):
        problems.append(
            _("本计划由%(owner)s组织，只接受其所辖地区的教师（%(org)s不在其中）")
            % {"owner": owner.name, "org": person.org.name}
        )
    profile = getattr(person, "teacher_profile", None)
    for item in _lineage(programme, code):
        rules: Eligibility = item.eligibility
        if rules.min_years_teaching is not None:
            years = profile.years_teaching if profile else None
            if years is None or years < rules.min_years_teaching:
                problems.append(
                    _("教龄应不少于 %(n)s 年（登记为 %(have)s）")
                    % {"n": rules.min_years_teaching, "have": _years(years)}
                )
        if rules.titles:
            title = profile.title if profile else "none"
            if title not in rules.titles:
                problems.append(
                    _("职称应为%(want)s（登记为%(have)s）")
                    % {"want": "、".join(_title(t) for t in rules.titles), "have": _title(title)}
                )
        if rules.school_kinds:
            kind = person.org.school_kind
            if kind not in rules.school_kinds:
                problems.append(
                    _("只接受%(want)s的教师（%(org)s为%(have)s）")
                    % {
                        "want": "、".join(_school_kind(k) for k in rules.school_kinds),
                        "org": person.org.name,
                        "have": _school_kind(kind) if kind else _("非学校"),
                    }
                )
        if rules.major_must_match and not (profile and profile.teaching_major.strip()):
            problems.append(_("须与任教专业对口：请先在个人信息中填写任教专业"))
    return list(dict.fromkeys(problems))


def _years(years: int | None) -> str:
    return _("未填写") if years is None else _("%(n)s 年") % {"n": years}


def _title(code: str) -> str:
    from shipei.accounts.models import TeacherProfile

    return str(dict(TeacherProfile.Title.choices).get(code, code))


def _school_kind(code: str | None) -> str:
    return str(dict(Organisation.SchoolKind.choices).get(code, code or ""))


def current_step(enrollment: Enrollment) -> Any:
    chain = enrollment.programme.rules.enrollment.approval_chain
    return chain[enrollment.step] if enrollment.step < len(chain) else None


def step_org(enrollment: Enrollment, role: str) -> Organisation | None:
    """The organisation a step's role must reach: the base for a base's step, the programme's
    owner for the ministry's, else the teacher's organisation."""
    if role == Role.BASE_ADMIN:
        project = enrollment.project or (
            enrollment.training_class.project if enrollment.training_class_id else None
        )
        return project.base if project else None
    if role == Role.NATIONAL_ADMIN:
        return enrollment.programme.owner or enrollment.org
    return enrollment.org


def may_act_for_programme(user: Any, programme: Programme) -> bool:
    """A national admin's step: over the programme's owner, or any when it names none."""
    if not scope.may_hold(user, Role.NATIONAL_ADMIN):
        return False  # without loading the owner
    if programme.owner_id:
        return scope.acts_as(user, Role.NATIONAL_ADMIN, programme.owner)
    return Role.NATIONAL_ADMIN in scope.roles(user)


def _own(user: Any, enrollment: Enrollment) -> bool:
    person_id = getattr(user, "person_id", None)
    return person_id is not None and person_id == enrollment.person_id


def may_decide(user: Any, enrollment: Enrollment) -> bool:
    """Whether `user` may take the enrollment's current step. Never on one's own enrollment:
    an approver who enrolls is approved by another holder of the step's role."""
    return not _own(user, enrollment) and holds_step(user, enrollment)


def holds_step(user: Any, enrollment: Enrollment) -> bool:
    """Whether `user` holds the role of the enrollment's current step where it applies,
    whoever's enrollment it is."""
    step = current_step(enrollment)
    if step is None or enrollment.status != S.SUBMITTED:
        return False
    if not scope.may_hold(user, step.role):
        return False  # a teacher's own answer, say: no need to load the step's organisation
    if step.role == Role.NATIONAL_ADMIN:
        return may_act_for_programme(user, enrollment.programme)
    return scope.acts_as(user, step.role, step_org(enrollment, step.role))


# ---- seats ----------------------------------------------------------------------------------------


def _class_take(training_class: TrainingClass) -> bool:
    return bool(
        TrainingClass.objects.filter(pk=training_class.pk, seats_taken__lt=F("capacity")).update(
            seats_taken=F("seats_taken") + 1
        )
    )


def _class_release(training_class_id: int) -> None:
    TrainingClass.objects.filter(pk=training_class_id, seats_taken__gt=0).update(
        seats_taken=F("seats_taken") - 1
    )


def _covering(enrollment: Enrollment, *, recent: bool = False) -> Quota | None:
    """The quota the enrollment's seat comes from; None when the programme sets no quota for
    the item at all. NoQuotaHere when it does, but none covers the teacher's organisation.
    With `recent`, as found a few seconds ago (quota_covering_recent)."""
    find = quota_selectors.quota_covering_recent if recent else quota_selectors.quota_covering
    quota = find(programme=enrollment.programme, item=enrollment.item, org=enrollment.org)
    if (
        quota is None
        and Quota.objects.filter(programme=enrollment.programme, item=enrollment.item).exists()
    ):
        raise NoQuotaHere(org=enrollment.org.name, what=_item_label(enrollment))
    return quota


def _take(enrollment: Enrollment, quota: Quota | None) -> str:
    """Take the quota's and the class's seat, always quota row first, then class row (one order
    everywhere, so that two requests never wait on each other crosswise). Returns "" when both
    are held, else which one is full: "quota" or "class"."""
    if quota is not None and not quotas.seat_take(quota):
        return "quota"
    if enrollment.training_class_id and not _class_take(enrollment.training_class):
        if quota is not None:
            quotas.seat_release(quota)
        return "class"
    return ""


def _hold(enrollment: Enrollment) -> str:
    """Hold the seats (see _take) and record them on the enrollment (not saved)."""
    quota = _covering(enrollment)
    full = _take(enrollment, quota)
    if not full:
        enrollment.quota = quota
        enrollment.holds_seat = True
    return full


def _release(enrollment: Enrollment) -> None:
    if not enrollment.holds_seat:
        return
    if enrollment.quota_id:
        quotas.seat_release(enrollment.quota)
    if enrollment.training_class_id:
        _class_release(enrollment.training_class_id)
    enrollment.holds_seat = False


def _fill_from_waitlist(enrollment: Enrollment) -> None:
    """A freed seat goes to the longest-waiting request for the same item (and class)."""
    if not enrollment.programme.rules.enrollment.waitlist:
        return
    waiting = (
        Enrollment.objects.select_for_update()
        .filter(
            programme=enrollment.programme,
            item=enrollment.item,
            training_class=enrollment.training_class,
            status=S.WAITLISTED,
        )
        .order_by("submitted_at", "pk")
    )
    for candidate in waiting:
        if not _hold(candidate):
            candidate.status = S.SUBMITTED
            candidate.save(update_fields=["status", "quota", "holds_seat", "updated_at"])
            _event(candidate, None, "promoted", _("候补转为正式报名"))
            return


# ---- submission ------------------------------------------------------------------------------------


def _item_label(enrollment: Enrollment) -> str:
    return enrollment.programme.rules.item(enrollment.item).label


def _event(enrollment: Enrollment, actor: Any, action: str, reason: str = "") -> EnrollmentEvent:
    event, entry = _event_rows(enrollment, actor, action, reason)
    rows.insert(event)
    rows.insert(entry)
    notifications.enrollment_notices_due()
    return event


def _event_rows(
    enrollment: Enrollment, actor: Any, action: str, reason: str = ""
) -> tuple[EnrollmentEvent, AuditEntry]:
    """The event and its audit entry, not yet written."""
    step = current_step(enrollment)
    event = EnrollmentEvent(
        enrollment=enrollment,
        action=action,
        step=enrollment.step if step else None,
        step_label=step.label if step else "",
        actor=actor if getattr(actor, "pk", None) else None,
        reason=reason,
        # Before the enrollment moves on: its notices name the step just taken and the next.
        **notifications.enrollment_notice_fields(enrollment, action),
    )
    entry = entry_for(
        actor,
        f"enrollment.{action}",
        enrollment,
        org=enrollment.org,
        programme=enrollment.programme_id,
        item=enrollment.item,
        status=enrollment.status,
        reason=reason,
    )
    return event, entry


def _check_actor(actor: Any, channel: str, person: Person) -> None:
    if channel == Enrollment.Channel.SELF_REGISTRATION:
        if getattr(actor, "person_id", None) != person.pk:
            raise NotPermitted(_("个人报名只能为本人报名。"))
    elif channel in NOMINATING:
        scope.require(actor, "enrollment.nominate", person.org)


def enrollment_submit(
    *,
    actor: Any,
    programme: Programme,
    item: str,
    person: Person,
    channel: str,
    training_class: TrainingClass | None = None,
    key: str | None = None,
    now: datetime.datetime | None = None,
) -> Enrollment:
    """Enroll `person` for `item` (and `training_class`) through `channel`, holding a seat.

    Refused, changing nothing, outside the registration window, for a channel the programme
    does not use, for an ineligible teacher, for a second live enrollment, or when the
    teacher's quota (or the class) is full and the programme keeps no waitlist.

    With `key` (the one-time key of a form or API request), a second submission of the same
    form returns the enrollment the first one made, with ``replayed`` set, whatever happened
    since (the window closed, the quota filled); a key of another user's form is refused. The
    key is not looked up first: the new row carries it, and only a refusal looks for an
    earlier submission, so that a first submission (nearly all of them) costs no query for it.

    The new enrollment comes back with its history as written (``history``: the one
    "submitted" event), for its answer to show without reading it back.
    """
    try:
        return _submit(
            actor=actor,
            programme=programme,
            item=item,
            person=person,
            channel=channel,
            training_class=training_class,
            key=key,
            now=now,
        )
    except (DomainError, PermissionDenied):
        # Rolled back (to its savepoint, when nested): the earlier submission can be read.
        asked = (actor, programme, item, person, training_class)
        earlier = _submitted_with(key, *asked) if key else None
        if earlier is None:
            raise
        return earlier


def _submitted_with(
    key: str,
    actor: Any,
    programme: Programme,
    item: str,
    person: Person,
    training_class: TrainingClass | None,
) -> Enrollment | None:
    """The enrollment a first submission with `key` made, if it asked for the same; else
    FormExpired: a key is one form of one user, never an answer for another enrollment."""
    earlier = Enrollment.objects.filter(submission_key=key).first()
    if earlier is None:
        return None
    asked = (
        getattr(actor, "pk", None),
        programme.pk,
        item,
        person.pk,
        training_class.pk if training_class else None,
    )
    made = (
        earlier.submitted_by_id,
        earlier.programme_id,
        earlier.item,
        earlier.person_id,
        earlier.training_class_id,
    )
    if asked != made:
        raise FormExpired()
    earlier.replayed = True
    return earlier


def _submit(
    *,
    actor: Any,
    programme: Programme,
    item: str,
    person: Person,
    channel: str,
    training_class: TrainingClass | None,
    key: str | None,
    now: datetime.datetime | None,
) -> Enrollment:
    rules = programme.rules
    if channel not in rules.enrollment.channels:
        raise ChannelNotOpen(channel=Enrollment.Channel(channel).label)
    _check_actor(actor, channel, person)
    try:
        target = rules.item(item)
    except StopIteration:
        raise NotEligible(why=_("培训计划中没有该培训项目")) from None
    window = registration_window(programme, item)
    if window is not None and not window.contains(now or timezone.now()):
        raise EnrollmentClosed(what=target.label, window=window_text(window))
    problems = eligibility_problems(programme, item, person)
    if problems:
        raise NotEligible(why="；".join(problems))
    if training_class is not None:
        project = training_class.project
        if project.programme_id != programme.pk or project.item != item:
            raise NotEligible(why=_("所选班次不属于该培训项目"))
        if project.status not in ENROLLABLE:
            raise NotEligible(why=_("项目“%(title)s”未在报名中") % {"title": project.title})
    elif channel == Enrollment.Channel.COORDINATOR_ENROLLMENT:
        raise NotEligible(why=_("请选择要报名的项目班次"))
    # One live enrollment per item is the table's unique constraint (the INSERT below fails);
    # one per programme, where the policy says so, is checked here.
    if rules.enrollment.one_active_per == "programme" and (
        Enrollment.objects.filter(person=person, live=True, programme=programme).exists()
    ):
        raise AlreadyEnrolled(name=person.name, what=programme.title)
    enrollment = Enrollment(
        programme=programme,
        item=item,
        project=training_class.project if training_class else None,
        training_class=training_class,
        person=person,
        org=person.org,
        channel=channel,
        status=S.SUBMITTED,
        submitted_by=actor if getattr(actor, "pk", None) else None,
        submission_key=key or None,
        # Written as holding its seat: the seat is taken with it, or nothing is written.
        holds_seat=True,
    )
    if _in_one_statement(rules, training_class):
        event = _write_at_once(enrollment, actor)
    else:
        enrollment.quota = _covering(enrollment)
        event = _write(enrollment, enrollment.quota, actor)
    enrollment.history = [event]
    return enrollment


def _in_one_statement(rules: Any, training_class: TrainingClass | None) -> bool:
    """Whether the enrollment, its event and audit entry and its seat can be written in one
    statement: on PostgreSQL, outside a transaction (a failed statement inside one would
    abort it: there the ORM's savepoint path below is taken), when the seat's outcome changes
    nothing else (no waitlist, no class, an approval chain to wait at)."""
    return (
        connection.vendor == "postgresql"
        and not connection.in_atomic_block
        and training_class is None
        and not rules.enrollment.waitlist
        and bool(rules.enrollment.approval_chain)
        # Nobody listening to these rows' saves: one statement sends no signals.
        and not any(rows.heard(m) for m in (Enrollment, EnrollmentEvent, AuditEntry))
    )


def _write_at_once(enrollment: Enrollment, actor: Any) -> EnrollmentEvent:
    """The enrollment, its "submitted" event and audit entry, and its seat, in one statement:
    the seat's row stays locked only while it runs, and a submission costs one round trip to
    PostgreSQL instead of six. Nothing is written unless the seat is taken.

    The quota covering the teacher is the one found a few seconds ago. The statement takes its
    seat only if it is still the most specific quota covering the teacher; when it is not, or is
    full, or gone, the quota is looked up afresh and, if another covers the teacher now, tried
    once more."""
    quota = enrollment.quota = _covering(enrollment, recent=True)
    event = _write_one_statement(enrollment, quota, actor)
    if event is not None:
        return event
    fresh = enrollment.quota = _covering(enrollment)
    if fresh is None or fresh.pk != quota.pk:
        event = _write_one_statement(enrollment, fresh, actor)
        if event is not None:
            return event
    # Nothing written: the seat came first, so an enrollment the teacher already has is told
    # here, as the other path's INSERT tells it.
    if Enrollment.objects.filter(
        programme=enrollment.programme, item=enrollment.item, person=enrollment.person, live=True
    ).exists():
        raise AlreadyEnrolled(name=enrollment.person.name, what=_item_label(enrollment))
    raise QuotaExhausted(receiver=fresh.receiver_name if fresh else enrollment.org.name)


def _write_one_statement(
    enrollment: Enrollment, quota: Quota | None, actor: Any
) -> EnrollmentEvent | None:
    """_write_at_once's statement; None when the quota's seat was not taken."""
    event, entry = _event_rows(enrollment, actor, "submitted")
    parts = [
        rows.selected(enrollment, {}, connection),
        rows.selected(event, {"enrollment_id": "e.id"}, connection),
        rows.selected(entry, {"target_id": "CAST(e.id AS varchar)"}, connection),
    ]
    if None in parts:  # a value the database gives (a default): the ordinary path
        enrollment.quota = _covering(enrollment)
        return _write(enrollment, enrollment.quota, actor)
    (e_cols, e_vals, e_params), (v_cols, v_vals, v_params), (a_cols, a_vals, a_params) = parts
    table = {m: m._meta.db_table for m in (Enrollment, EnrollmentEvent, AuditEntry)}
    seat_sql, seat_params, source = "", [], ""
    if quota is not None:
        take, seat_params = quotas.take_sql(
            quota, quota_selectors.receivers_closer(quota, enrollment.org)
        )
        seat_sql, source = f"seat AS ({take} RETURNING id), ", " FROM seat"
    sql = (
        f"WITH {seat_sql}"
        f"e AS (INSERT INTO {table[Enrollment]} ({e_cols}) SELECT {e_vals}{source} RETURNING id), "
        f"v AS (INSERT INTO {table[EnrollmentEvent]} ({v_cols}) SELECT {v_vals} FROM e "
        "RETURNING id), "
        f"a AS (INSERT INTO {table[AuditEntry]} ({a_cols}) SELECT {a_vals} FROM e RETURNING id) "
        "SELECT e.id, v.id, a.id FROM e, v, a"
    )
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, [*seat_params, *e_params, *v_params, *a_params])
            written = cursor.fetchone()
    except IntegrityError:  # a live enrollment for the item, or the key's, maybe just now
        raise AlreadyEnrolled(name=enrollment.person.name, what=_item_label(enrollment)) from None
    # Nothing written: the quota is full, or gone, or no longer the closest to the teacher.
    if written is None:
        return None
    rows.saved(enrollment, written[0])
    rows.saved(event, written[1])
    rows.saved(entry, written[2])
    event.enrollment = enrollment
    entry.target_id = str(enrollment.pk)
    notifications.enrollment_notices_due()
    return event


@transaction.atomic
def _write(enrollment: Enrollment, quota: Quota | None, actor: Any) -> EnrollmentEvent:
    """The enrollment, its event and its seat through the ORM, in a transaction (or, nested,
    a savepoint): on the waitlist when full and the programme keeps one, admitted at once when
    it names no approval chain."""
    rules = enrollment.programme.rules
    training_class = enrollment.training_class
    try:
        # No savepoint of its own: the error leaves this function at once, and this function's
        # transaction (or, nested, its savepoint) is rolled back as a whole.
        rows.insert(enrollment)
    except IntegrityError:  # a live enrollment for the item, or the key's, maybe just now
        raise AlreadyEnrolled(name=enrollment.person.name, what=_item_label(enrollment)) from None
    # Written as holding its seat, which is taken last (below): a busy quota's row stays
    # locked only from there to the commit. Nothing of this is seen before the commit, and a
    # seat not taken is undone below (or the whole transaction refused).
    event = _event(enrollment, actor, "submitted")
    full = _take(enrollment, quota)
    if full and not rules.enrollment.waitlist:
        if full == "class":
            raise ClassFull(name=str(training_class), capacity=training_class.capacity)
        raise QuotaExhausted(receiver=quota.receiver_name if quota else enrollment.org.name)
    if full:
        enrollment.status = S.WAITLISTED
        enrollment.quota = None
        enrollment.holds_seat = False
        enrollment.save(update_fields=["status", "quota", "holds_seat", "updated_at"])
        _restate(event, enrollment)
    elif not rules.enrollment.approval_chain:
        enrollment.status = S.ADMITTED
        enrollment.decided_at = timezone.now()
        enrollment.save(update_fields=["status", "decided_at", "updated_at"])
        _restate(event, enrollment)
    return event


def _restate(event: EnrollmentEvent, enrollment: Enrollment) -> None:
    """The submission's event, written before the seat was taken, told how it ended (on the
    waitlist, or admitted at once): its notice says so."""
    fields = notifications.enrollment_notice_fields(enrollment, event.action)
    for name, value in fields.items():
        setattr(event, name, value)
    event.save(update_fields=list(fields))


# ---- the approval chain ----------------------------------------------------------------------------


def _locked(enrollment: Enrollment) -> Enrollment:
    return (
        Enrollment.objects.select_for_update(of=("self",))
        .select_related("programme", "project__base", "training_class", "org", "quota")
        .get(pk=enrollment.pk)
    )


@transaction.atomic
def enrollment_decide(
    *, actor: Any, enrollment: Enrollment, decision: str, reason: str = ""
) -> Enrollment:
    """Take the current approval step: "approve" moves to the next step (admitted after the
    last), "reject" ends it and frees the seat, "return" sends it back for changes."""
    enrollment = _locked(enrollment)
    if enrollment.status != S.SUBMITTED:
        raise InvalidTransition(current=enrollment.get_status_display())
    if enrollment.project_id and enrollment.project.status == Project.Status.CANCELLED:
        raise InvalidTransition(current=_("培训项目已撤销"))
    step = current_step(enrollment)
    if not may_decide(actor, enrollment):
        if step is None:
            raise InvalidTransition(current=enrollment.get_status_display())
        if _own(actor, enrollment):
            raise OwnEnrollment()
        raise NotYourStep(step=step.label, role=ROLE_LABELS.get(step.role, step.role))
    reason = (reason or "").strip()
    if decision in ("reject", "return") and not reason:
        raise ReasonRequired()
    if decision == "approve":
        _event(enrollment, actor, "approved", reason)
        if enrollment.step + 1 < len(enrollment.programme.rules.enrollment.approval_chain):
            enrollment.step += 1
        else:
            enrollment.status = S.ADMITTED
            enrollment.decided_at = timezone.now()
    elif decision == "reject":
        _event(enrollment, actor, "rejected", reason)
        enrollment.status = S.REJECTED
        enrollment.live = False
        enrollment.decided_at = timezone.now()
        enrollment.reason = reason
        if "rejection" in enrollment.programme.rules.enrollment.seat_released_by:
            _release(enrollment)
    elif decision == "return":
        _event(enrollment, actor, "returned", reason)
        enrollment.status = S.RETURNED
        enrollment.reason = reason
    else:
        raise InvalidTransition(current=enrollment.get_status_display())
    enrollment.save()
    if enrollment.status == S.REJECTED:
        _fill_from_waitlist(enrollment)
    return enrollment


@transaction.atomic
def enrollments_end_for_project(*, actor: Any, project: Project, reason: str) -> int:
    """A cancelled project ends its live enrollments and frees their seats whatever the policy
    says about withdrawals: the teachers did not withdraw, the project went away."""
    ended = 0
    for enrollment in (
        Enrollment.objects.select_for_update(of=("self",))
        .select_related("programme", "quota", "org")
        .filter(project=project, live=True)
        .order_by("pk")
    ):
        _release(enrollment)
        enrollment.status = S.WITHDRAWN
        enrollment.live = False
        enrollment.decided_at = timezone.now()
        enrollment.reason = _("培训项目已撤销：%(why)s") % {"why": reason}
        enrollment.save()
        _event(enrollment, actor, "project_cancelled", enrollment.reason)
        ended += 1
    return ended


@transaction.atomic
def enrollment_decide_many(
    *, actor: Any, enrollments: list[Enrollment], decision: str, reason: str = ""
) -> int:
    """The same decision for several enrollments, all or nothing."""
    for enrollment in sorted(enrollments, key=lambda e: e.pk):
        enrollment_decide(actor=actor, enrollment=enrollment, decision=decision, reason=reason)
    return len(enrollments)


@transaction.atomic
def enrollment_resubmit(*, actor: Any, enrollment: Enrollment) -> Enrollment:
    """A returned enrollment, fixed, goes back to the first step of the chain."""
    enrollment = _locked(enrollment)
    if enrollment.status != S.RETURNED:
        raise InvalidTransition(current=enrollment.get_status_display())
    _check_actor(actor, enrollment.channel, enrollment.person)
    problems = eligibility_problems(enrollment.programme, enrollment.item, enrollment.person)
    if problems:
        raise NotEligible(why="；".join(problems))
    enrollment.status = S.SUBMITTED
    enrollment.step = 0
    enrollment.reason = ""
    enrollment.save()
    _event(enrollment, actor, "resubmitted")
    return enrollment


@transaction.atomic
def enrollment_withdraw(
    *, actor: Any, enrollment: Enrollment, reason: str = "", now: datetime.datetime | None = None
) -> Enrollment:
    """The teacher (or whoever enrolled them) withdraws. The seat is freed at once unless the
    programme forbids substitutions and sign-up has closed: then it stays used (001)."""
    enrollment = _locked(enrollment)
    if enrollment.status not in (S.SUBMITTED, S.RETURNED, S.WAITLISTED, S.ADMITTED):
        raise InvalidTransition(current=enrollment.get_status_display())
    own = getattr(actor, "person_id", None) == enrollment.person_id
    if not own:
        scope.require(actor, "enrollment.nominate", enrollment.org)
    rules = enrollment.programme.rules.enrollment
    window = registration_window(enrollment.programme, enrollment.item)
    signed_up = (
        window is not None
        and window.closes_at() is not None
        and ((now or timezone.now()) > window.closes_at())
    )
    enrollment.status = S.WITHDRAWN
    enrollment.live = False
    enrollment.decided_at = timezone.now()
    enrollment.reason = (reason or "").strip()
    keep_seat = not rules.substitutions_allowed and signed_up
    if "withdrawal" in rules.seat_released_by and not keep_seat:
        _release(enrollment)
    enrollment.save()
    _event(enrollment, actor, "withdrawn", enrollment.reason)
    if not enrollment.holds_seat:
        _fill_from_waitlist(enrollment)
    return enrollment


def seats_consistent(programme: Programme) -> list[str]:
    """Admin check: each quota's and class's held count against the enrollments holding seats."""
    from django.db.models import Count

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
