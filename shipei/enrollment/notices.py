"""What the notices of an enrollment event say, and to whom: the teacher (every change, in a
teacher's words, ``wording.py``), whoever submitted it for them (decisions) and the approvers
of the step where it arrives. The notifications channel sends them (``outbox.py`` hands them
over in batches); pretix keeps each notification type's content beside its generic sender the
same way.
"""

from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from shipei.accounts.models import User
from shipei.notifications.services import Message

from . import approvals, wording
from .models import Enrollment, EnrollmentEvent
from .terms import item_label

Status = Enrollment.Status

# Events after which an enrollment waits at a step of the chain (whose approvers then hear).
ARRIVING = {"submitted", "resubmitted", "promoted", "approved"}
# Events the person who submitted the enrollment (a school coordinator) hears about.
SUBMITTER_HEARS = {
    "approved",
    "rejected",
    "returned",
    "promoted",
    "withdrawn",
    "project_cancelled",
    "no_show",
}


def notice_fields(enrollment: Enrollment, action: str) -> dict[str, Any]:
    """What the notices of an enrollment event must know of the moment it happens, for the
    event row: the status, the step where the enrollment arrives (whose approvers then hear of
    it) and whether it is admitted.

    Called where ``events.record_event`` is, an approval has not yet moved the enrollment on:
    the step now current is the one decided, and the next one (if any) is where it arrives.
    """
    step = approvals.current_step(enrollment)
    chain_length = len(approvals.chain_of(enrollment))
    arrives_at: int | None = None
    admitted = enrollment.status == Status.ADMITTED
    if action == "approved":
        if enrollment.step + 1 < chain_length:
            arrives_at = enrollment.step + 1
        else:
            admitted = True
    elif action in ARRIVING and enrollment.status == Status.SUBMITTED and step is not None:
        arrives_at = enrollment.step
    return {"status": enrollment.status, "arrives_at": arrives_at, "admitted": admitted}


def page_url(name: str, *args: Any) -> str:
    """The page a message links to; none where the page is not wired in this deployment (the
    message still goes out)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def _what(enrollment: Enrollment) -> str:
    try:
        label = item_label(enrollment)
    except StopIteration:  # an item no longer in the programme's policy
        label = enrollment.item
    return f"{enrollment.programme} · {label}"


def _role_at(enrollment: Enrollment, index: int | None) -> str | None:
    step = approvals.step_at(enrollment, index)
    return step.role if step else None


def _submitter_notice(
    action: str, *, name: str, step_label: str, admitted: bool, reason: str
) -> tuple[str, str] | None:
    """Title and body for whoever submitted someone else's enrollment."""
    because = _("理由：%(reason)s") % {"reason": reason} if reason else ""
    if action == "approved":
        if admitted:
            title = _("%(name)s的报名已通过%(step)s，已录取")
        else:
            title = _("%(name)s的报名已通过%(step)s")
        return title % {"name": name, "step": step_label}, because
    if action == "rejected":
        return _("%(name)s的报名未通过%(step)s") % {"name": name, "step": step_label}, because
    if action == "returned":
        return (
            _("%(name)s的报名在%(step)s环节被退回修改") % {"name": name, "step": step_label},
            because,
        )
    if action == "promoted":
        return _("%(name)s的候补报名已转为正式报名") % {"name": name}, ""
    if action == "withdrawn":
        return _("%(name)s的报名已撤回") % {"name": name}, because
    if action == "project_cancelled":
        return _("%(name)s报名的培训项目已撤销") % {"name": name}, reason
    if action == "no_show":
        return _("%(name)s被培训基地标记为未报到") % {"name": name}, because
    return None


def event_messages(
    event: EnrollmentEvent, teacher: User | None, approvers_cache: dict
) -> list[Message]:
    """The messages of one enrollment event: to the teacher (every change), the submitter
    (decisions) and the approvers of the step where it arrived, if it still waits there (if it
    has moved on meanwhile, a later event tells the approvers of the later step). Whoever acted
    hears nothing about their own act.

    `teacher` is the teacher's account (None without one); `approvers_cache` is shared by the
    events of one batch (``approvals.users_who_may_decide``)."""
    enrollment = event.enrollment
    action = event.action
    reason = (event.reason or "").strip() or enrollment.reason
    # The event's own key: a delivery that runs it again finds its messages made.
    key = f"enrollment:{enrollment.pk}:{action}:event{event.pk}"
    messages: list[Message] = []
    told: set[int] = {event.actor_id} if event.actor_id else set()
    # What every message of the event says and links to, made only for an event that tells
    # someone: most of a rush's are a teacher's own submissions, which tell the teacher nothing.
    what = about = url = ""
    made = False

    def described() -> None:
        nonlocal what, about, url, made
        if not made:
            what = _what(enrollment)
            about = _("培训项目：%(what)s") % {"what": what}
            url = page_url("enrollment:detail", enrollment.pk)
            made = True

    def tell(user: User, notice: tuple[str, str] | None) -> None:
        """One person's own message, under the enrollment's description."""
        if notice is not None:
            described()
            title, body = notice
            body = "\n".join(b for b in (about, body) if b)
            messages.append(Message([user], title, body, url, key))
            told.add(user.pk)

    if teacher is not None and teacher.pk not in told:
        notice = wording.teacher_notice(
            action,
            by=_role_at(enrollment, event.step),
            next_by=_role_at(enrollment, event.arrives_at),
            admitted=event.admitted,
            waitlisted=event.status == Status.WAITLISTED,
            reason=reason,
        )
        tell(teacher, notice)

    submitter = enrollment.submitted_by
    if (
        action in SUBMITTER_HEARS
        and submitter is not None
        and submitter.pk not in told
        and submitter.is_active
    ):
        notice = _submitter_notice(
            action,
            name=enrollment.person.name,
            step_label=event.step_label,
            admitted=event.admitted,
            reason=reason,
        )
        tell(submitter, notice)

    if (
        event.arrives_at is not None
        and enrollment.status == Status.SUBMITTED
        and enrollment.step == event.arrives_at
    ):
        step = approvals.current_step(enrollment)
        approvers = [
            u
            for u in approvals.users_who_may_decide(enrollment, cache=approvers_cache)
            if u.pk not in told
        ]
        if step is not None and approvers:
            described()
            title = _("有新的报名待%(step)s") % {"step": step.label}
            body = _("%(name)s（%(org)s）报名“%(what)s”，待%(step)s。") % {
                "name": enrollment.person.name,
                "org": enrollment.org.name,
                "what": what,
                "step": step.label,
            }
            if step.deadline:
                body += _("审核截止日期：%(date)s。") % {"date": step.deadline.isoformat()}
            messages.append(Message(approvers, title, body, url, key))
    return messages
