"""Writes of notifications, the channel every app speaks through: in-app messages with their
e-mail and SMS copies, marking them read, and reminders sent once per key.

The channel knows people, not what the messages are about: each app writes its own messages
(enrollment's in ``enrollment/notices.py``) and hands them here.

What leaves the process (mail, SMS) is sent by a background task started from
``transaction.on_commit`` (STYLE.md §2): a change that rolls back sends nothing, and a request
never waits for a mail server or an SMS gateway.
"""

import secrets
from collections.abc import Iterable
from typing import Any, NamedTuple

from django.conf import settings
from django.core.mail import send_mail
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shipei.audit.services import record
from shipei.core.errors import NotFound
from shipei.core.sms import send_sms

from .models import CalendarFeed, Notification, SentReminder

EMAIL = "email"
SMS = "sms"
ALL_CHANNELS = (EMAIL, SMS)


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
    _deliver_after_commit(made)
    return made


class Message(NamedTuple):
    """One message for `notify_many`: the same title, body and link for each of `users`."""

    users: list[Any]
    title: str
    body: str
    url: str
    key: str


def notify_many(messages: list[Message]) -> list[Notification]:
    """``notify`` (all channels) for many messages at once, each under its key: one query for
    the keys already used and one INSERT, where ``notify`` takes a few queries per message.
    Meant for a batch written in one transaction (an outbox's delivery)."""
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
    _deliver_after_commit(made)
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


def _deliver_after_commit(made: list[Notification]) -> None:
    pks = [n.pk for n in made if n.send_email or n.send_sms]
    if pks:
        transaction.on_commit(lambda: _enqueue_deliveries(pks))


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


# ---- reading ----------------------------------------------------------------------------------


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


# ---- reminders --------------------------------------------------------------------------------


def remind_once(user: Any, *, key: str, title: str, body: str = "", url: str = "") -> bool:
    """Send `user` a reminder unless one under `key` went out already (the key names the
    deadline and the recipient, so a periodic job may run as often as it likes); True when
    sent now."""
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


# ---- the personal calendar feed ---------------------------------------------------------------


@transaction.atomic
def calendar_feed_reset(*, user: Any) -> Any:
    """Give the user a feed at a new secret address; the old address stops working."""
    feed, created = CalendarFeed.objects.update_or_create(
        user=user, defaults={"token": secrets.token_urlsafe(32)}
    )
    record(
        user, "account.calendar_feed_created" if created else "account.calendar_feed_reset", None
    )
    return feed


@transaction.atomic
def calendar_feed_revoke(*, user: Any) -> None:
    """Stop the user's feed: its address answers 404 from now on."""
    if CalendarFeed.objects.filter(user=user).delete()[0]:
        record(user, "account.calendar_feed_revoked", None)
