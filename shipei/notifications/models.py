from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """One message in a user's 消息中心; e-mail and SMS copies go out from a background task,
    and their timestamps say which copies have left (so a retried task sends nothing twice)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=500, blank=True)
    # Where one event must reach a user once however often its task runs (enrollment:<id>:...).
    key = models.CharField(_("去重键"), max_length=120, blank=True, editable=False)
    send_email = models.BooleanField(_("发送邮件"), default=True, editable=False)
    send_sms = models.BooleanField(_("发送短信"), default=True, editable=False)
    emailed_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True, editable=False)
    sms_sent_at = models.DateTimeField(_("短信发送时间"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("消息")
        verbose_name_plural = _("消息")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"], condition=~Q(key=""), name="notification_once_per_key"
            )
        ]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_user_read")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class SentReminder(models.Model):
    """A deadline reminder that has gone out: the key names the deadline and the recipient, so
    the scheduler may run as often as it likes and each reminder is sent once."""

    key = models.CharField(_("提醒键"), max_length=160, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    notification = models.ForeignKey(
        Notification,
        verbose_name=_("消息"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("发送时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("已发送提醒")
        verbose_name_plural = _("已发送提醒")
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return self.key


class JobRun(models.Model):
    """When `run_schedule` last enqueued a periodic job, so that running it every minute does
    not pile up copies of an hourly job."""

    name = models.CharField(_("任务"), max_length=80, unique=True)
    last_enqueued_at = models.DateTimeField(_("上次排队时间"))

    class Meta:
        verbose_name = _("定时任务记录")
        verbose_name_plural = _("定时任务记录")

    def __str__(self) -> str:
        return self.name


class CalendarFeed(models.Model):
    """A user's personal calendar feed (ICS) at a secret address, for phones and Outlook to
    subscribe to; a new token makes the old address stop working (404)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="calendar_feed",
    )
    token = models.CharField(_("订阅令牌"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("生成时间"), auto_now=True)

    class Meta:
        verbose_name = _("日程订阅")
        verbose_name_plural = _("日程订阅")

    def __str__(self) -> str:
        return str(self.user)
