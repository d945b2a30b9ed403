"""Writes of notifications: in-app messages with their e-mail and SMS copies, the notices of an
enrollment's approval chain, deadline reminders and the periodic-job schedule.

What leaves the process (mail, SMS) is sent by a background task started from
``transaction.on_commit`` (STYLE.md §2): a change that rolls back sends nothing, and a request
never waits for a mail server or an SMS gateway. The notices of enrollment events go out in
batches from the events themselves (an outbox), see "enrollment notices" below.
"""

import datetime
import logging
import threading
from collections.abc import Iterable
from typing import Any, NamedTuple

from django.conf import settings
from django.core.mail import send_mail
from django.db import DatabaseError, connection, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shipei.accounts.models import User
from shipei.core.errors import NotFound
from shipei.core.sms import send_sms
from shipei.enrollment.models import Enrollment, EnrollmentEvent
from shipei.programmes.models import Programme
from shipei.programmes.policy import SHANGHAI

from . import selectors, wording
from .models import JobRun, Notification, SentReminder

log = logging.getLogger(__name__)

EMAIL = "email"
SMS = "sms"
ALL_CHANNELS = (EMAIL, SMS)
S = Enrollment.Status


# ---- in-app messages and their copies ---------------------------------------------------------


@transaction.atomic
def notify(
    users: Iterable[Any],
    *,
    title: str,
    body: str = "",
    url: str = "",
    key: str = "",
    channels: Iterable[str] = ALL_CHANNELS,
) -> list[Notification]:
    """Give each active user a message in 消息中心, and after commit queue its e-mail and SMS
    copies (sent where the person has an e-mail address or a mobile on record).

    With `key`, a user who already has a message under that key gets no second one: a task
    that runs twice notifies once. Returns the messages made.
    """
    fields = _fields(title=title, body=body, url=url, channels=channels)
    made: list[Notification] = []
    seen: set[int] = set()
    for user in users:
        if user is None or not user.is_active or user.pk in seen:
            continue
        seen.add(user.pk)
        if key:
            notification, created = Notification.objects.get_or_create(
                user=user, key=key[:120], defaults=fields
            )
            if not created:
                continue
        else:
            notification = Notification.objects.create(user=user, **fields)
        made.append(notification)
    pks = [n.pk for n in made if n.send_email or n.send_sms]
    if pks:
        transaction.on_commit(lambda: _enqueue_deliveries(pks))
    return made


def _fields(*, title: str, body: str, url: str, channels: Iterable[str]) -> dict[str, Any]:
    channels = set(channels)
    return {
        "title": title[:200],
        "body": body,
        "url": url[:500],
        "send_email": EMAIL in channels,
        "send_sms": SMS in channels,
    }


class _Message(NamedTuple):
    users: list[Any]
    title: str
    body: str
    url: str
    key: str


def _notify_many(messages: list[_Message]) -> list[Notification]:
    """``notify`` (all channels) for many messages at once, each under its key: one query for
    the keys already used and one INSERT, where ``notify`` takes a few queries per message.
    Called inside a transaction (a batch of enrollment notices)."""
    if not connection.features.can_return_rows_from_bulk_insert:  # no pks to send copies of
        return [
            n
            for m in messages
            for n in notify(m.users, title=m.title, body=m.body, url=m.url, key=m.key)
        ]
    rows: list[Notification] = []
    seen: set[tuple[int, str]] = set()
    for message in messages:
        key = message.key[:120]
        fields = _fields(
            title=message.title, body=message.body, url=message.url, channels=ALL_CHANNELS
        )
        for user in message.users:
            if user is None or not user.is_active or (user.pk, key) in seen:
                continue
            seen.add((user.pk, key))
            rows.append(Notification(user=user, key=key, **fields))
    if not rows:
        return []
    used = set(
        Notification.objects.filter(
            user_id__in={n.user_id for n in rows}, key__in={n.key for n in rows}
        ).values_list("user_id", "key")
    )
    made = Notification.objects.bulk_create([n for n in rows if (n.user_id, n.key) not in used])
    pks = [n.pk for n in made if n.send_email or n.send_sms]
    if pks:
        transaction.on_commit(lambda: _enqueue_deliveries(pks))
    return made


def _enqueue_deliveries(pks: list[int]) -> None:
    from . import tasks  # tasks call these services: import late

    for pk in pks:
        tasks.notification_deliver.enqueue(pk)


def _claim(notification: Notification, field: str) -> bool:
    """Mark a copy as sent before sending it, with one conditional UPDATE: of two workers
    running the same task, one sends and the other finds nothing to do."""
    return bool(
        Notification.objects.filter(pk=notification.pk, **{f"{field}__isnull": True}).update(
            **{field: timezone.now()}
        )
    )


def _unclaim(notification: Notification, field: str) -> None:
    Notification.objects.filter(pk=notification.pk).update(**{field: None})


def _absolute(url: str) -> str:
    base = getattr(settings, "SITE_URL", "").rstrip("/")
    return f"{base}{url}" if base and url.startswith("/") else url


def notification_deliver(*, notification_id: int) -> None:
    """Send the e-mail and SMS copies of a message that have not gone out yet (a task; safe to
    run twice). A failed copy is marked unsent again and the error raised, so a retry sends it."""
    notification = (
        Notification.objects.select_related("user__person").filter(pk=notification_id).first()
    )
    if notification is None or not notification.user.person_id:
        return
    person = notification.user.person
    if notification.send_email and person.email and _claim(notification, "emailed_at"):
        lines = [notification.body] if notification.body else []
        if notification.url:
            lines.append(_("详情：%(url)s") % {"url": _absolute(notification.url)})
        lines.append(_("此邮件由师培平台自动发送，请勿回复。登录平台可在“消息中心”查看全部消息。"))
        try:
            send_mail(
                subject=_("【师培】%(title)s") % {"title": notification.title},
                message="\n\n".join(lines),
                from_email=None,
                recipient_list=[person.email],
            )
        except Exception:
            _unclaim(notification, "emailed_at")
            raise
    if notification.send_sms and person.mobile_cipher and _claim(notification, "sms_sent_at"):
        # The title only: SMS is short and passes through a gateway; details stay in the platform.
        text = _("【师培】%(title)s。详情请登录平台查看。") % {"title": notification.title}
        try:
            send_sms(person._mobile(), text)
        except Exception:
            _unclaim(notification, "sms_sent_at")
            raise


@transaction.atomic
def notification_mark_read(*, user: Any, notification: Notification) -> Notification:
    """Mark one of the user's own messages read (a second call keeps the first time)."""
    if notification.user_id != user.pk:
        raise NotFound()
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


@transaction.atomic
def notification_mark_all_read(*, user: Any) -> int:
    """Mark every unread message of the user read; returns how many."""
    return Notification.objects.filter(user_id=user.pk, read_at__isnull=True).update(
        read_at=timezone.now()
    )


# ---- enrollment notices ----------------------------------------------------------------------
#
# The enrollment event is the outbox of its notices: ``enrollment.events.record_event`` writes what
# they must say into the event row (``enrollment_notice_fields``) and asks for a delivery after
# commit (``enrollment_notices_due``); ``enrollment_notices_deliver`` makes the messages of the
# pending events in batches. A submission in an enrollment rush then costs no task row of its own.


# Events after which an enrollment waits at a step of the chain (whose approvers then hear).
ARRIVING = {"submitted", "resubmitted", "promoted", "approved"}
# Events the person who submitted the enrollment (a school coordinator) hears about.
SUBMITTER_HEARS = {"approved", "rejected", "returned", "promoted", "withdrawn", "project_cancelled"}
# How long a scheduled delivery waits, gathering the events committed meanwhile.
DELIVERY_DELAY = datetime.timedelta(seconds=1)


def enrollment_notice_fields(enrollment: Enrollment, action: str) -> dict[str, Any]:
    """What the notices of an enrollment event must know of the moment it happens, for the
    event row: the status, the step where the enrollment arrives (whose approvers then hear of
    it) and whether it is admitted.

    Called where ``enrollment.events.record_event`` is, an approval has not yet moved the enrollment
    on: the step now current is the one decided, and the next one (if any) is where it arrives.
    """
    from shipei.enrollment import approvals as enrollment_approvals  # it calls us: import late

    step = enrollment_approvals.current_step(enrollment)
    chain_length = len(enrollment.programme.rules.enrollment.approval_chain)
    arrives_at: int | None = None
    admitted = enrollment.status == S.ADMITTED
    if action == "approved":
        if enrollment.step + 1 < chain_length:
            arrives_at = enrollment.step + 1
        else:
            admitted = True
    elif action in ARRIVING and enrollment.status == S.SUBMITTED and step is not None:
        arrives_at = enrollment.step
    return {"status": enrollment.status, "arrives_at": arrives_at, "admitted": admitted}


class _Scheduled:
    """Until when the delivery this process last queued will see newly committed events: a
    task runs no sooner than its ``run_after``, and then reads every event committed before.
    One per process, shared by its threads."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.until: datetime.datetime | None = None


_scheduled = _Scheduled()


def enrollment_notices_due() -> None:
    """Hook for ``enrollment.events.record_event``, inside the enrollment's transaction, after the
    event row: once it commits, a delivery runs soon. On rollback the event row goes, and with
    it every notice of it."""
    # Robust: the enrollment has committed by then, so a delivery that cannot be queued must not
    # turn its request into an error; the schedule's sweep delivers the event later.
    transaction.on_commit(_deliver_soon, robust=True)


def _deliver_soon() -> None:
    """Queue a delivery, unless one is queued already that will see this commit.

    Where the tasks backend can defer (the database backend of production), a process queues
    one delivery a second at most, however many enrollments commit in that second. Where it
    cannot (the immediate backend of tests and development), each commit queues one, which the
    immediate backend runs at once.
    """
    from . import tasks  # tasks call these services: import late

    task = tasks.enrollment_notices_deliver
    if not task.get_backend().supports_defer:
        task.enqueue()
        return
    with _scheduled.lock:
        # Read after the commit: the event is older than this, and the worker (on a clock kept
        # in step with ours) starts the queued task no sooner than `until`.
        now = timezone.now()
        if _scheduled.until is not None and now < _scheduled.until:
            return
        run_after = now + DELIVERY_DELAY
        task.using(run_after=run_after).enqueue()
        _scheduled.until = run_after  # only once queued: a failed enqueue covers nothing


def enrollment_notices_deliver(*, limit: int = 500) -> int:
    """Make the messages of the enrollment events not yet notified, oldest first, `limit`
    events per transaction until none are left (a task; safe to run twice, and at once).
    Returns how many events were delivered.

    An event is marked notified in the transaction that makes its messages, and they carry its
    key, so no event is told twice; on PostgreSQL two deliveries at once take different events.
    """
    delivered = 0
    while True:
        try:
            count = _deliver_batch(limit)
        except DatabaseError:
            count = _deliver_singly(limit)  # find the event the batch failed on, and pass it
        delivered += count
        if not count or count < limit:
            return delivered


def _deliver_singly(limit: int) -> int:
    """Deliver up to `limit` events one per transaction; an event whose notices the database
    refuses (say a value too long) is logged and set aside, or it would hold back every later
    event, each batch starting from the oldest."""
    count = 0
    while count < limit:
        try:
            done = _deliver_batch(1)
        except DatabaseError:
            log.exception("Notices of the oldest pending enrollment event not made")
            done = _set_aside_oldest()
        if not done:
            break
        count += done
    return count


def _set_aside_oldest() -> int:
    oldest = EnrollmentEvent.objects.filter(notified_at__isnull=True).order_by("pk")[:1]
    return EnrollmentEvent.objects.filter(pk__in=list(oldest.values_list("pk", flat=True))).update(
        notified_at=timezone.now()
    )


@transaction.atomic
def _deliver_batch(limit: int) -> int:
    pending = (
        EnrollmentEvent.objects.filter(notified_at__isnull=True)
        .select_related(
            "enrollment__programme__owner",
            "enrollment__person",
            "enrollment__org",
            "enrollment__project__base",
            "enrollment__training_class",
            "enrollment__submitted_by",
        )
        # Not the notice's text and raw policy with every event: the policy of each programme
        # version is parsed once per process (Programme.rules).
        .defer("enrollment__programme__notice_text", "enrollment__programme__policy")
        .order_by("pk")
    )
    if connection.features.has_select_for_update_skip_locked:
        # The event rows only: a delivery never holds up a decision on an enrollment.
        of = ("self",) if connection.features.has_select_for_update_of else ()
        pending = pending.select_for_update(skip_locked=True, of=of)
    events = list(pending[:limit])
    if not events:
        return 0
    # One instance per programme, so that its policy is looked up once for the batch.
    programmes: dict[int, Programme] = {}
    for event in events:
        enrollment = event.enrollment
        enrollment.programme = programmes.setdefault(enrollment.programme_id, enrollment.programme)
    teachers: dict[int, User] = {}
    for user in User.objects.filter(
        person_id__in={event.enrollment.person_id for event in events}, is_active=True
    ).order_by("pk"):
        teachers.setdefault(user.person_id, user)
    approvers: dict = {}
    messages: list[_Message] = []
    for event in events:
        try:
            messages += _event_messages(event, teachers.get(event.enrollment.person_id), approvers)
        except DatabaseError:
            raise
        except Exception:
            # One broken event must not hold back all later ones (they go out in id order);
            # its notices are lost, as they were when the task of one event failed.
            log.exception("Notices of enrollment event %s not made", event.pk)
    _notify_many(messages)
    EnrollmentEvent.objects.filter(pk__in=[event.pk for event in events]).update(
        notified_at=timezone.now()
    )
    return len(events)


def _url(name: str, *args: Any) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:  # a page not wired in this deployment: the message still goes out
        return ""


def _what(enrollment: Enrollment) -> str:
    try:
        label = enrollment.programme.rules.item(enrollment.item).label
    except StopIteration:
        label = enrollment.item
    return f"{enrollment.programme} · {label}"


def _role_at(chain: list[Any], step: int | None) -> str | None:
    return chain[step].role if step is not None and step < len(chain) else None


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
    return None


def _event_messages(
    event: EnrollmentEvent, teacher: User | None, approvers_cache: dict
) -> list[_Message]:
    """The messages of one enrollment event: to the teacher (every change), the submitter
    (decisions) and the approvers of the step where it arrived, if it still waits there (if it
    has moved on meanwhile, a later event tells the approvers of the later step). Whoever acted
    hears nothing about their own act."""
    from shipei.enrollment import approvals as enrollment_approvals  # it calls us: import late

    enrollment = event.enrollment
    action = event.action
    reason = (event.reason or "").strip() or enrollment.reason
    what = _what(enrollment)
    about = _("培训项目：%(what)s") % {"what": what}
    url = _url("enrollment:detail", enrollment.pk)
    # The event's own key: a delivery that runs it again finds its messages made.
    key = f"enrollment:{enrollment.pk}:{action}:event{event.pk}"
    messages: list[_Message] = []
    told: set[int] = {event.actor_id} if event.actor_id else set()

    chain = enrollment.programme.rules.enrollment.approval_chain
    notice = wording.teacher_notice(
        action,
        by=_role_at(chain, event.step),
        next_by=_role_at(chain, event.arrives_at),
        admitted=event.admitted,
        waitlisted=event.status == S.WAITLISTED,
        reason=reason,
    )
    if teacher is not None and teacher.pk not in told and notice is not None:
        title, body = notice
        body = "\n".join(b for b in (about, body) if b)
        messages.append(_Message([teacher], title, body, url, key))
        told.add(teacher.pk)

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
        if notice is not None:
            title, body = notice
            body = "\n".join(b for b in (about, body) if b)
            messages.append(_Message([submitter], title, body, url, key))
            told.add(submitter.pk)

    if (
        event.arrives_at is not None
        and enrollment.status == S.SUBMITTED
        and enrollment.step == event.arrives_at
    ):
        step = enrollment_approvals.current_step(enrollment)
        approvers = [
            u
            for u in selectors.enrollment_approvers(enrollment, cache=approvers_cache)
            if u.pk not in told
        ]
        if step is not None and approvers:
            title = _("有新的报名待%(step)s") % {"step": step.label}
            body = _("%(name)s（%(org)s）报名“%(what)s”，待%(step)s。") % {
                "name": enrollment.person.name,
                "org": enrollment.org.name,
                "what": what,
                "step": step.label,
            }
            if step.deadline:
                body += _("审核截止日期：%(date)s。") % {"date": step.deadline.isoformat()}
            messages.append(_Message(approvers, title, body, url, key))
    return messages


# ---- reminders before deadlines ---------------------------------------------------------------


def _remind(user: User, key: str, *, title: str, body: str, url: str) -> bool:
    """Send one reminder unless one under `key` went out already; True when sent now."""
    with transaction.atomic():
        reminder, created = SentReminder.objects.get_or_create(
            key=key[:160], defaults={"user": user}
        )
        if not created:
            return False
        made = notify([user], title=title, body=body, url=url)
        if made:
            reminder.notification = made[0]
            reminder.save(update_fields=["notification"])
        return True


def remind_approval_deadlines(*, now: datetime.datetime | None = None) -> int:
    """Remind approvers the day before an approval step's deadline (and on the day itself, in
    case the scheduler was down) while enrollments still wait at that step. Each approver gets
    one reminder per step and deadline. Returns how many were sent."""
    now = now or timezone.now()
    today = now.astimezone(SHANGHAI).date()
    sent = 0
    programmes = Programme.objects.filter(
        pk__in=Enrollment.objects.filter(status=S.SUBMITTED).values("programme")
    ).select_related("owner")
    for programme in programmes:
        chain = programme.rules.enrollment.approval_chain
        for index, step in enumerate(chain):
            if step.deadline is None or not (
                today <= step.deadline <= today + datetime.timedelta(days=1)
            ):
                continue
            waiting = Enrollment.objects.filter(
                programme=programme, status=S.SUBMITTED, step=index
            ).select_related("programme__owner", "org", "project__base", "training_class")
            cache: dict = {}
            counts: dict[int, list[Any]] = {}
            for enrollment in waiting:
                for user in selectors.enrollment_approvers(enrollment, cache=cache):
                    counts.setdefault(user.pk, [user, 0])[1] += 1
            for user, n in counts.values():
                body = _(
                    "“%(programme)s”尚有 %(n)s 条报名等待%(step)s，审核截止日期为 %(date)s，"
                    "请及时办理。"
                ) % {
                    "programme": programme,
                    "n": n,
                    "step": step.label,
                    "date": step.deadline.isoformat(),
                }
                key = f"approval:{programme.pk}:{index}:{step.deadline.isoformat()}:{user.pk}"
                title = _("%(step)s即将截止") % {"step": step.label}
                url = _url("enrollment:awaiting")
                sent += _remind(user, key, title=title, body=body, url=url)
    return sent


def remind_registration_closing(
    *, now: datetime.datetime | None = None, ahead: datetime.timedelta | None = None
) -> int:
    """Remind school coordinators (under the programme's owner) a day before a registration
    window closes, where the programme lets schools enroll their teachers. One reminder per
    coordinator and closing time. Returns how many were sent."""
    from shipei.enrollment import services as enrollment_services
    from shipei.enrollment import terms as enrollment_terms

    now = now or timezone.now()
    ahead = ahead or datetime.timedelta(days=1)
    sent = 0
    for programme in Programme.objects.select_related("owner"):
        rules = programme.rules
        if not set(rules.enrollment.channels) & set(enrollment_services.NOMINATING):
            continue
        closing: dict[datetime.datetime, list[str]] = {}
        for item in rules.items:
            window = enrollment_terms.registration_window(programme, item.code)
            closes = window.closes_at() if window else None
            opens = window.opens_at() if window else None
            if closes and now < closes <= now + ahead and (opens is None or opens <= now):
                closing.setdefault(closes, []).append(item.label)
        if not closing:
            continue
        coordinators = selectors.coordinators_under(programme.owner)
        for closes, labels in sorted(closing.items()):
            items = "、".join(labels[:5])
            if len(labels) > 5:
                items += _("等 %(n)s 个项目") % {"n": len(labels)}
            body = _(
                "“%(programme)s”的%(items)s报名将于 %(at)s 截止，请及时为本校教师办理报名。"
            ) % {
                "programme": programme,
                "items": items,
                "at": closes.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M"),
            }
            stamp = closes.astimezone(SHANGHAI).strftime("%Y%m%d%H%M")
            for user in coordinators:
                sent += _remind(
                    user,
                    f"registration:{programme.pk}:{stamp}:{user.pk}",
                    title=_("报名即将截止"),
                    body=body,
                    url=_url("programmes:detail", programme.pk),
                )
    return sent


# ---- the periodic-job schedule ---------------------------------------------------------------


def schedule_run(*, now: datetime.datetime | None = None, force: bool = False) -> list[str]:
    """Queue every periodic job whose interval has passed since it was last queued (all with
    `force`); returns their names. Safe to run from several machines at once: the job's row is
    locked while it is checked, and a job queued twice does its work once anyway."""
    from . import tasks

    now = now or timezone.now()
    queued = []
    for name, (job, every) in tasks.JOBS.items():
        with transaction.atomic():
            run, created = JobRun.objects.select_for_update().get_or_create(
                name=name, defaults={"last_enqueued_at": now}
            )
            if not created:
                if not force and now - run.last_enqueued_at < every:
                    continue
                run.last_enqueued_at = now
                run.save(update_fields=["last_enqueued_at"])
            transaction.on_commit(job.enqueue)
        queued.append(name)
    return queued
