"""A class's schedule (课表): its sessions (课次), the project's resource package (on-line
resources the self-paced sessions draw on) and each trainee's progress through it.

Progress is kept as what was watched, not as a running total: each event from the player
names an interval of one resource (from, to, in seconds), and the trainee's progress is the
length of the union of those intervals (``progress.py``). A replayed event (same event id)
changes nothing, a late or out-of-order one fills in what it covers, and watching a part twice
counts once.
"""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Resource(models.Model):
    """One on-line resource of a project's package (培训包): a video, a document or a course."""

    class Kind(models.TextChoices):
        VIDEO = "video", _("视频")
        DOCUMENT = "document", _("文档")
        COURSE = "course", _("课程")

    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("培训项目"),
        on_delete=models.CASCADE,
        related_name="resources",
    )
    title = models.CharField(_("资源名称"), max_length=200)
    kind = models.CharField(_("资源类型"), max_length=20, choices=Kind.choices)
    minutes = models.PositiveIntegerField(_("时长（分钟）"), validators=[MinValueValidator(1)])
    source = models.CharField(_("来源"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("培训资源")
        verbose_name_plural = _("培训资源")
        ordering = ["project", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(minutes__gte=1), name="resource_minutes_min"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def org(self) -> Any:
        return self.project.base


class Session(models.Model):
    """One session (课次) of a class, of one of four kinds, worth `hours` class hours (学时).

    Live, off-line and practice sessions hold their people (the class's trainees and the
    session's staff) from `starts_at` to `ends_at`: no one is in two such sessions at once
    (services). A self-paced session draws on a resource of the project's package; its times
    are the window in which it is open, and it holds no one.
    """

    class Kind(models.TextChoices):
        LIVE = "live", _("线上直播")
        SELF_PACED = "self_paced", _("线上自学")
        OFFLINE = "offline", _("线下面授")
        PRACTICE = "practice", _("实践教学")

    class PracticeSite(models.TextChoices):
        ENTERPRISE = "enterprise", _("企业实践")
        WORKSHOP = "workshop", _("实训基地")

    training_class = models.ForeignKey(
        "classes.TrainingClass",
        verbose_name=_("班次"),
        on_delete=models.CASCADE,
        related_name="sessions",
    )
    kind = models.CharField(_("课次类型"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("课程名称"), max_length=200)
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    hours = models.DecimalField(
        _("学时"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5"))],
    )
    link = models.URLField(_("直播链接"), max_length=500, blank=True)  # live
    resource = models.ForeignKey(  # self-paced
        Resource,
        verbose_name=_("学习资源"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sessions",
    )
    room = models.CharField(_("教室"), max_length=200, blank=True)  # off-line
    practice_site = models.CharField(  # practice
        _("实践类型"), max_length=20, choices=PracticeSite.choices, blank=True
    )
    place = models.CharField(_("实践地点"), max_length=200, blank=True)  # practice
    staff = models.ManyToManyField(
        "accounts.Person", verbose_name=_("授课教师"), blank=True, related_name="sessions_taught"
    )
    note = models.CharField(_("备注"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("课次")
        verbose_name_plural = _("课次")
        ordering = ["training_class", "starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="session_times_ordered"
            ),
            models.CheckConstraint(condition=Q(hours__gt=0), name="session_hours_positive"),
            models.CheckConstraint(
                condition=Q(kind="self_paced", resource__isnull=False)
                | (~Q(kind="self_paced") & Q(resource__isnull=True)),
                name="session_resource_iff_self_paced",
            ),
        ]
        indexes = [models.Index(fields=["starts_at"], name="session_starts")]

    def __str__(self) -> str:
        return f"{self.title}（{self.get_kind_display()}）"

    @property
    def org(self) -> Any:
        return self.training_class.project.base

    @property
    def holds_people(self) -> bool:
        """Whether the session takes its people's time (all kinds but self-paced)."""
        return self.kind != self.Kind.SELF_PACED


class Progress(models.Model):
    """How much of one resource one trainee has watched: the union of the intervals their
    events reported, in seconds (changed only by ``progress.record``)."""

    enrollment = models.ForeignKey(
        "enrollment.Enrollment",
        verbose_name=_("学员报名"),
        on_delete=models.CASCADE,
        related_name="progress",
    )
    resource = models.ForeignKey(
        Resource, verbose_name=_("学习资源"), on_delete=models.CASCADE, related_name="progress"
    )
    # [[from, to], ...] in seconds, sorted and disjoint; watched_seconds is their total length.
    intervals = models.JSONField(_("已学区间"), default=list, editable=False)
    watched_seconds = models.PositiveIntegerField(_("已学时长（秒）"), default=0, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("学习进度")
        verbose_name_plural = _("学习进度")
        ordering = ["enrollment", "resource"]
        constraints = [
            models.UniqueConstraint(fields=["enrollment", "resource"], name="progress_once"),
        ]

    def __str__(self) -> str:
        return f"{self.enrollment} · {self.resource}"

    @property
    def watched_minutes(self) -> Decimal:
        return (Decimal(self.watched_seconds) / 60).quantize(Decimal("0.1"))


class ProgressEvent(models.Model):
    """One report from a trainee's player: this part of this resource was watched. Kept as
    received; the client's `event_id` makes a resent report a no-op."""

    event_id = models.CharField(_("事件编号"), max_length=64)
    enrollment = models.ForeignKey(
        "enrollment.Enrollment",
        verbose_name=_("学员报名"),
        on_delete=models.CASCADE,
        related_name="progress_events",
    )
    resource = models.ForeignKey(
        Resource,
        verbose_name=_("学习资源"),
        on_delete=models.CASCADE,
        related_name="progress_events",
    )
    from_second = models.PositiveIntegerField(_("起点（秒）"))
    to_second = models.PositiveIntegerField(_("终点（秒）"))
    occurred_at = models.DateTimeField(_("发生时间"), null=True, blank=True)  # the client's
    received_at = models.DateTimeField(_("接收时间"), auto_now_add=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("学习记录")
        verbose_name_plural = _("学习记录")
        ordering = ["received_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["event_id"], name="progress_event_id"),
            models.CheckConstraint(
                condition=Q(to_second__gt=F("from_second")), name="progress_event_ordered"
            ),
        ]

    def __str__(self) -> str:
        return self.event_id
