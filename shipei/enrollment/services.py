"""Writes of enrollments: submission with the seat it holds, the approval chain, withdrawal.

Every rule comes from the programme's policy (channels, windows, eligibility, approval chain,
what releases a seat, substitutions, waitlist); an enrollment's seats are taken and freed in
``seats``, in the same transaction as the enrollment (STYLE.md §2).
"""

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shipei.accounts import registry, scope
from shipei.accounts.models import Person, Role
from shipei.classes.models import TrainingClass
from shipei.core import rows
from shipei.core.clock import minute_text
from shipei.core.errors import DomainError, InvalidTransition, NotPermitted
from shipei.orgs.models import Organisation
from shipei.programmes.models import Programme
from shipei.programmes.policy import Window
from shipei.projects.models import Project

from . import application, approvals, training
from .approvals import current_step, is_last_step, is_own, item_base, may_decide
from .checks import NOMINATING, check_actor, class_refusal, submission_check
from .errors import (
    FormExpired,
    NotEligible,
    NotYourStep,
    OwnEnrollment,
    ReasonRequired,
    WithdrawalClosed,
)
from .events import record_event
from .lifecycle import LIFECYCLE, move
from .models import Enrollment
from .seats import fill_from_waitlist, hold_on_admission, release, write_submission
from .terms import eligibility_problems, registration_window

Status = Enrollment.Status


# ---- submission ------------------------------------------------------------------------------------


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
    answers: dict[str, Any] | None = None,
) -> Enrollment:
    """Enroll `person` for `item` (and `training_class`) through `channel`, holding a seat.

    Refused, changing nothing, outside the registration window, for a channel the programme
    does not use, for an ineligible teacher, for a second live enrollment, without the class
    an item enrolling into classes needs (``programmes.chains.enrolls_into_class``), with the
    programme's application form incomplete (`answers`, ``application``), or when the
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
            answers=answers,
        )
    except (DomainError, PermissionDenied):
        # Rolled back (to its savepoint, when nested): the earlier submission can be read.
        asked = (actor, programme, item, person, training_class)
        earlier = _submitted_with(key, *asked) if key else None
        if earlier is None:
            raise
        return earlier


def default_channel(programme: Programme, item: str, person: Person, actor: Any) -> str:
    """The channel a submission means when it names none: one's own record is a
    self-registration, anyone else's the nomination the item accepts."""
    try:
        channels = programme.rules.channels_for(item)
    except StopIteration:  # the check refuses the item
        channels = programme.rules.enrollment.channels
    if person.pk == getattr(actor, "person_id", None) and "self_registration" in channels:
        return Enrollment.Channel.SELF_REGISTRATION
    return next((c for c in channels if c in NOMINATING), channels[0])


def enrollment_submit_named(
    *,
    actor: Any,
    programme: Programme,
    item: str,
    id_number: Any,
    name: str,
    org: Organisation | None = None,
    mobile: Any = "",
    teacher: dict[str, Any] | None = None,
    channel: str = "",
    training_class: TrainingClass | None = None,
    key: str | None = None,
    answers: dict[str, Any] | None = None,
) -> Enrollment:
    """Enroll a nominee named by ID number and name (a school's or an administrator's system).

    A registered person is found in the register (``registry.person_found``); one not yet
    registered is registered at `org` (a school coordinator's own school by default) in the
    same transaction as the submission, so that a refused submission leaves no one behind and
    the corrected submission can follow. `channel` empty: ``default_channel``."""
    if not scope.has_any(actor, "enrollment.nominate"):
        raise NotPermitted(_("只有学校联系人和各级管理员可以按身份证号推荐报名。"))
    asked = {
        "actor": actor,
        "programme": programme,
        "item": item,
        "training_class": training_class,
        "key": key,
        "answers": answers,
    }
    found = registry.person_found(
        actor=actor, action="enrollment.nominate", id_number=id_number, name=name, mobile=mobile
    )
    if found is not None:
        if found.pk == getattr(actor, "person_id", None):
            actor.person = found  # the caller's own record, loaded: named in the history
        # No transaction of its own here: a registered person's submission keeps its
        # one-statement path (seats.write_submission).
        return enrollment_submit(
            **asked, person=found, channel=channel or default_channel(programme, item, found, actor)
        )
    with transaction.atomic():
        person = registry.person_by_id_number(
            actor=actor,
            action="enrollment.nominate",
            id_number=id_number,
            name=name,
            org=org,
            mobile=mobile,
            teacher=teacher,
        )
        return enrollment_submit(
            **asked,
            person=person,
            channel=channel or default_channel(programme, item, person, actor),
        )


# Sent by every refusal of a submission with a key (most answers in a rush are refusals):
# written out once rather than built by the ORM each time. The key is unique.
_BY_KEY_SQL = (
    f"SELECT {rows.columns(Enrollment)} FROM {Enrollment._meta.db_table} WHERE submission_key = %s"
)


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
    found = rows.fetch(Enrollment, _BY_KEY_SQL, [key])
    if not found:
        return None
    earlier = found[0]
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
    answers: dict[str, Any] | None = None,
) -> Enrollment:
    # One live enrollment per item is the table's unique constraint (the INSERT below fails).
    submission_check(
        actor=actor,
        programme=programme,
        item=item,
        person=person,
        channel=channel,
        training_class=training_class,
        now=now,
    )
    kept = application.checked(programme, item, answers)
    enrollment = Enrollment(
        programme=programme,
        item=item,
        project=training_class.project if training_class else None,
        training_class=training_class,
        base=training_class.project.base if training_class else item_base(programme, item),
        policy_revision=programme.revision,
        person=person,
        org=person.org,
        channel=channel,
        status=Enrollment.Status.SUBMITTED,
        submitted_by=actor if getattr(actor, "pk", None) else None,
        submission_key=key or None,
    )
    if kept is None:
        enrollment.history = [write_submission(enrollment, actor)]
        return enrollment
    with transaction.atomic():  # the answers with the enrollment, or neither
        enrollment.history = [write_submission(enrollment, actor)]
        application.application_save(enrollment, kept)
    return enrollment


# ---- the approval chain ----------------------------------------------------------------------------


def _locked(enrollment: Enrollment) -> Enrollment:
    return (
        Enrollment.objects.select_for_update(of=("self",))
        .select_related("programme", "base", "training_class", "org", "quota")
        .get(pk=enrollment.pk)
    )


@transaction.atomic
def enrollment_decide(
    *, actor: Any, enrollment: Enrollment, decision: str, reason: str = ""
) -> Enrollment:
    """Take the current approval step: "approve" moves to the next step (admitted after the
    last), "reject" ends it and frees the seat, "return" sends it back for changes."""
    enrollment = _locked(enrollment)
    if enrollment.status != Enrollment.Status.SUBMITTED:
        raise InvalidTransition(current=enrollment.get_status_display())
    if enrollment.project_id and enrollment.project.status == Project.Status.CANCELLED:
        raise InvalidTransition(current=_("培训项目已撤销"))
    step = current_step(enrollment)
    if not may_decide(actor, enrollment):
        if step is None:
            raise InvalidTransition(current=enrollment.get_status_display())
        if is_own(actor, enrollment):
            raise OwnEnrollment()
        raise NotYourStep(step=step.label, role=approvals.ROLE_LABELS.get(step.role, step.role))
    reason = (reason or "").strip()
    if decision in ("reject", "return") and not reason:
        raise ReasonRequired()
    if decision == "approve":
        record_event(enrollment, actor, "approved", reason)
        if not is_last_step(enrollment):
            enrollment.step += 1
        else:
            # What changed since the application (a session of another class) may refuse it.
            if enrollment.training_class_id:
                error = class_refusal(enrollment.person, enrollment.training_class)
                if error is not None:
                    raise error
            hold_on_admission(enrollment)  # seats held from approval: taken now, or refused
            move(enrollment, Status.ADMITTED)
            enrollment.decided_at = timezone.now()
    elif decision == "reject":
        record_event(enrollment, actor, "rejected", reason)
        move(enrollment, Status.REJECTED)
        enrollment.live = False
        enrollment.decided_at = timezone.now()
        enrollment.reason = reason
        if "rejection" in enrollment.programme.rules.enrollment.seat_released_by:
            release(enrollment)
    elif decision == "return":
        record_event(enrollment, actor, "returned", reason)
        move(enrollment, Status.RETURNED)
        enrollment.reason = reason
    else:
        raise InvalidTransition(current=enrollment.get_status_display())
    enrollment.save()
    if enrollment.status == Enrollment.Status.REJECTED:
        fill_from_waitlist(enrollment)
    # Admitted into a class (or project) already under way: attending it at once.
    training.attend_if_under_way(enrollment, actor)
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
        release(enrollment)
        move(enrollment, Status.WITHDRAWN)
        enrollment.live = False
        enrollment.decided_at = timezone.now()
        enrollment.reason = _("培训项目已撤销：%(why)s") % {"why": reason}
        enrollment.save()
        record_event(enrollment, actor, "project_cancelled", enrollment.reason)
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
    if enrollment.status != Enrollment.Status.RETURNED:
        raise InvalidTransition(current=enrollment.get_status_display())
    check_actor(actor, enrollment.channel, enrollment.person)
    problems = eligibility_problems(
        enrollment.programme, enrollment.item, enrollment.person, project=enrollment.project
    )
    if problems:
        raise NotEligible(why="；".join(problems))
    move(enrollment, Status.SUBMITTED)
    enrollment.step = 0
    enrollment.reason = ""
    enrollment.save()
    record_event(enrollment, actor, "resubmitted")
    return enrollment


def cancellation_deadline(programme: Programme) -> datetime.datetime | None:
    """The last moment a teacher may withdraw by themselves (a date ends at 23:59:59
    Asia/Shanghai); None: until the enrollment can no longer be withdrawn."""
    deadline = programme.rules.enrollment.cancellation_deadline
    return Window(closes=deadline).closes_at() if deadline is not None else None


ADMIN_ROLES = (Role.NATIONAL_ADMIN, Role.PROVINCIAL_ADMIN, Role.CITY_ADMIN)


def _admin_over(actor: Any, enrollment: Enrollment) -> bool:
    """An education (or HR) department's admin over the teacher's organisation."""
    return any(scope.acts_as(actor, role, enrollment.org) for role in ADMIN_ROLES)


def withdrawal_closed(actor: Any, enrollment: Enrollment) -> str:
    """Why `actor` may no longer withdraw the enrollment (the deadline has passed), for pages
    that then show it instead of the button; "" while they may."""
    deadline = cancellation_deadline(enrollment.programme)
    if deadline is None or timezone.now() <= deadline:
        return ""
    if not is_own(actor, enrollment) and _admin_over(actor, enrollment):
        return ""
    return WithdrawalClosed(deadline=minute_text(deadline)).message


@transaction.atomic
def enrollment_withdraw(
    *, actor: Any, enrollment: Enrollment, reason: str = "", now: datetime.datetime | None = None
) -> Enrollment:
    """The teacher (or whoever enrolled them) withdraws. The seat is freed at once unless the
    programme forbids substitutions and sign-up has closed: then it stays used (001)."""
    enrollment = _locked(enrollment)
    LIFECYCLE.check(enrollment, Status.WITHDRAWN)
    own = getattr(actor, "person_id", None) == enrollment.person_id
    if not own:
        scope.require(actor, "enrollment.nominate", enrollment.org)
    rules = enrollment.programme.rules.enrollment
    deadline = cancellation_deadline(enrollment.programme)
    if deadline is not None and (now or timezone.now()) > deadline:
        # After the deadline only an admin over the teacher's organisation withdraws, saying why.
        if own or not _admin_over(actor, enrollment):
            raise WithdrawalClosed(deadline=minute_text(deadline))
        if not (reason or "").strip():
            raise ReasonRequired()
    window = registration_window(enrollment.programme, enrollment.item)
    signed_up = (
        window is not None
        and window.closes_at() is not None
        and ((now or timezone.now()) > window.closes_at())
    )
    move(enrollment, Status.WITHDRAWN)
    enrollment.live = False
    enrollment.decided_at = timezone.now()
    enrollment.reason = (reason or "").strip()
    keep_seat = not rules.substitutions_allowed and signed_up
    if "withdrawal" in rules.seat_released_by and not keep_seat:
        release(enrollment)
    enrollment.save()
    record_event(enrollment, actor, "withdrawn", enrollment.reason)
    if not enrollment.holds_seat:
        fill_from_waitlist(enrollment)
    return enrollment
