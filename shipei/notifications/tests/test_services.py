"""The channel: messages after commit only, their e-mail and SMS copies each sent once, one
message per user and key, and reminders sent once per key."""

from typing import Any

import pytest
from django.core import mail

from shipei.notifications import services
from shipei.notifications.models import Notification, SentReminder

pytestmark = pytest.mark.django_db


def titles(user: Any) -> list[str]:
    return list(
        Notification.objects.filter(user=user).order_by("pk").values_list("title", flat=True)
    )


# ---- notify and delivery ----------------------------------------------------------------------


def test_notify_makes_messages_and_sends_copies_after_commit(
    school_coordinator, sms_outbox, django_capture_on_commit_callbacks
):
    person = school_coordinator.person
    person.email = "li@example.cn"
    person.save(update_fields=["email"])

    with django_capture_on_commit_callbacks(execute=True):
        made = services.notify([school_coordinator.user], title="测试通知", body="正文", url="/x/")

    assert [n.title for n in made] == ["测试通知"]
    assert [m.subject for m in mail.outbox] == ["【师培】测试通知"]
    assert mail.outbox[0].to == ["li@example.cn"]
    assert sms_outbox == [(person._mobile(), "【师培】测试通知。详情请登录平台查看。")]
    made[0].refresh_from_db()
    assert made[0].emailed_at is not None and made[0].sms_sent_at is not None


def test_nothing_leaves_before_the_commit(
    school_coordinator, sms_outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.notify([school_coordinator.user], title="测试通知")

    assert sms_outbox == [] and len(callbacks) == 1
    callbacks[0]()
    assert len(sms_outbox) == 1


def test_delivering_twice_sends_each_copy_once(
    school_coordinator, sms_outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        [made] = services.notify([school_coordinator.user], title="测试通知")

    services.notification_deliver(notification_id=made.pk)

    assert len(sms_outbox) == 1


def test_a_failed_sms_is_marked_unsent_so_that_a_retry_sends_it(
    school_coordinator, sms_outbox, monkeypatch
):
    [made] = services.notify([school_coordinator.user], title="测试通知", channels=["sms"])

    def broken(mobile: str, text: str) -> None:
        raise RuntimeError("gateway down")

    monkeypatch.setattr(services, "send_sms", broken)
    with pytest.raises(RuntimeError):
        services.notification_deliver(notification_id=made.pk)
    made.refresh_from_db()
    assert made.sms_sent_at is None

    monkeypatch.undo()
    services.notification_deliver(notification_id=made.pk)
    assert len(sms_outbox) == 1


def test_a_message_for_the_platform_only_sends_no_copies(
    school_coordinator, sms_outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.notify([school_coordinator.user], title="仅站内", channels=[])

    assert titles(school_coordinator.user) == ["仅站内"]
    assert callbacks == [] and sms_outbox == []


def test_notify_with_a_key_makes_one_message_per_user(school_coordinator):
    services.notify([school_coordinator.user], title="一次", key="k:1")
    again = services.notify([school_coordinator.user], title="一次", key="k:1")

    assert again == []
    assert titles(school_coordinator.user) == ["一次"]


def test_inactive_users_get_nothing(school_coordinator):
    school_coordinator.user.is_active = False
    school_coordinator.user.save()

    assert services.notify([school_coordinator.user], title="测试") == []


# ---- many messages at once --------------------------------------------------------------------


def test_notify_many_gives_each_user_each_key_once_and_sends_copies_after_commit(
    school_coordinator, city_admin, sms_outbox, django_capture_on_commit_callbacks
):
    coordinator, admin = school_coordinator.user, city_admin.user
    services.notify([admin], title="早先的消息", key="e:1")
    sms_outbox.clear()
    messages = [
        services.Message([coordinator, admin, coordinator], "第一条", "正文", "/x/", "e:1"),
        services.Message([coordinator], "第二条", "", "", "e:2"),
    ]

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        made = services.notify_many(messages)
    assert sms_outbox == []  # the copies wait for the commit
    for callback in callbacks:
        callback()

    assert sorted(n.title for n in made) == ["第一条", "第二条"]
    assert titles(coordinator) == ["第一条", "第二条"]
    assert titles(admin) == ["早先的消息"]  # its key was used already
    assert len(sms_outbox) == 2
    assert services.notify_many(messages) == []  # a second run makes nothing


def test_notify_many_passes_over_inactive_users(school_coordinator, city_admin):
    city_admin.user.is_active = False
    city_admin.user.save()

    made = services.notify_many(
        [services.Message([city_admin.user, school_coordinator.user], "通知", "", "", "k")]
    )

    assert [n.user_id for n in made] == [school_coordinator.user.pk]


# ---- reminders --------------------------------------------------------------------------------


def test_a_reminder_goes_out_once_per_key(school_coordinator, django_capture_on_commit_callbacks):
    user = school_coordinator.user

    with django_capture_on_commit_callbacks(execute=True):
        first = services.remind_once(user, key="deadline:1:u", title="即将截止", url="/x/")
        again = services.remind_once(user, key="deadline:1:u", title="即将截止", url="/x/")
        other = services.remind_once(user, key="deadline:2:u", title="另一截止")

    assert (first, again, other) == (True, False, True)
    assert titles(user) == ["即将截止", "另一截止"]
    reminder = SentReminder.objects.get(key="deadline:1:u")
    assert reminder.user == user and reminder.notification.title == "即将截止"
