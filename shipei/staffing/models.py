"""The pool of core teachers (骨干教师) and their assignments to classes (notice 004, 第八条).

A class's needs are not stored here: its category and level are its project's item's, its
institution the project's base, its places the programme's ``classes.staff`` (``needs.py``).
Only what the institution and the pool add live here: the preferred teaching core teachers and
each proposal, invitation and answer.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class StaffRole(models.TextChoices):
    """The roles a core teacher takes in a class; a programme's ``classes.staff`` names them by
    code or by these words (notice 004: 授课骨干教师, 考核骨干教师)."""

    TEACHING = "teaching", _("授课骨干教师")
    ASSESSING = "assessing", _("考核骨干教师")


class CoreTeacher(models.Model):
    """A person in the register who may teach or assess classes of some categories and levels."""

    person = models.OneToOneField(
        "accounts.Person",
        verbose_name=_("人员"),
        on_delete=models.PROTECT,
        related_name="core_teacher",
    )
    # Where the teacher works, for "not from the class's own institution"; the admins whose
    # scope holds it keep the record.
    home = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("所在单位"),
        on_delete=models.PROTECT,
        related_name="core_teachers",
    )
    teaches = models.BooleanField(_("承担授课"), default=True)
    assesses = models.BooleanField(_("承担考核"), default=True)
    is_active = models.BooleanField(_("在库"), default=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("骨干教师")
        verbose_name_plural = _("骨干教师")
        ordering = ["person__name_pinyin", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(teaches=True) | Q(assesses=True), name="core_teacher_has_a_role"
            )
        ]

    def __str__(self) -> str:
        return self.person.name

    def get_absolute_url(self) -> str:
        return reverse("staffing:teacher_detail", args=[self.pk])

    @property
    def roles(self) -> list[str]:
        return [
            r
            for r, held in (
                (StaffRole.TEACHING, self.teaches),
                (StaffRole.ASSESSING, self.assesses),
            )
            if held
        ]


class Qualification(models.Model):
    """A category (专业大类) and level (培训级别) a core teacher may serve classes of."""

    core_teacher = models.ForeignKey(
        CoreTeacher,
        verbose_name=_("骨干教师"),
        on_delete=models.CASCADE,
        related_name="qualifications",
    )
    category = models.CharField(_("专业大类"), max_length=50)
    level = models.CharField(_("培训级别"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("骨干教师资格")
        verbose_name_plural = _("骨干教师资格")
        ordering = ["core_teacher", "category", "level"]
        constraints = [
            models.UniqueConstraint(
                fields=["core_teacher", "category", "level"], name="qualification_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.level}·{self.category}" if self.level else self.category


class Preference(models.Model):
    """A teaching core teacher the institution would like for its class (its 40-day
    application's 授课骨干教师的选择倾向)."""

    training_class = models.ForeignKey(
        "classes.TrainingClass",
        verbose_name=_("班次"),
        on_delete=models.CASCADE,
        related_name="core_preferences",
    )
    core_teacher = models.ForeignKey(
        CoreTeacher, verbose_name=_("骨干教师"), on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("授课骨干教师选择倾向")
        verbose_name_plural = _("授课骨干教师选择倾向")
        ordering = ["training_class", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["training_class", "core_teacher"], name="preference_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.training_class} / {self.core_teacher}"


class Assignment(models.Model):
    """A core teacher in a role of a class: proposed by the platform, invited by the
    institution, accepted or declined by the teacher (or withdrawn); an invitation not answered
    by its ``answer_by`` day expires (``expiry.py``).

    An invitation and an acceptance hold the teacher's time from the day before the class (the
    travel day) to its last day; two holds of one teacher never overlap (a PostgreSQL exclusion
    constraint, migration 0002, besides the service's lock), so that between two classes lies a
    free day at least.
    """

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("推荐")
        INVITED = "invited", _("已邀请")
        ACCEPTED = "accepted", _("已接受")
        DECLINED = "declined", _("已谢绝")
        WITHDRAWN = "withdrawn", _("已撤回")
        EXPIRED = "expired", _("逾期未答复")

    class Source(models.TextChoices):
        PLAN = "plan", _("半年计划统一配备")
        RECOMMENDATION = "recommendation", _("单班推荐")

    training_class = models.ForeignKey(
        "classes.TrainingClass",
        verbose_name=_("班次"),
        on_delete=models.CASCADE,
        related_name="core_assignments",
    )
    core_teacher = models.ForeignKey(
        CoreTeacher,
        verbose_name=_("骨干教师"),
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    role = models.CharField(_("角色"), max_length=20, choices=StaffRole.choices)
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.PROPOSED, db_index=True
    )
    source = models.CharField(_("来源"), max_length=20, choices=Source.choices)
    preferred = models.BooleanField(_("机构选择倾向"), default=False)
    # The class's dates when proposed, the travel day before included: what the hold covers.
    busy_from = models.DateField(_("占用起"))
    busy_until = models.DateField(_("占用止"))
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("邀请人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    invited_at = models.DateTimeField(_("邀请时间"), null=True, blank=True)
    # The last day to answer an invitation (set when invited, moved with the class's dates).
    answer_by = models.DateField(_("答复截止"), null=True, blank=True)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    reason = models.CharField(_("说明"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("骨干教师任务")
        verbose_name_plural = _("骨干教师任务")
        ordering = ["busy_from", "training_class", "role", "pk"]
        constraints = [
            # One live place per teacher and class: no one teaches and assesses the same class.
            models.UniqueConstraint(
                fields=["training_class", "core_teacher"],
                condition=Q(status__in=["proposed", "invited", "accepted"]),
                name="assignment_one_live_per_class",
            ),
            models.CheckConstraint(
                condition=Q(busy_until__gte=models.F("busy_from")), name="assignment_busy_ordered"
            ),
        ]
        indexes = [models.Index(fields=["core_teacher", "status"], name="assignment_teacher")]

    def __str__(self) -> str:
        return f"{self.core_teacher} · {self.get_role_display()} · {self.training_class}"

    @property
    def status_css(self) -> str:
        return STATUS_BADGES[self.status]


HOLDING = frozenset({Assignment.Status.INVITED, Assignment.Status.ACCEPTED})
LIVE = frozenset({Assignment.Status.PROPOSED, *HOLDING})
STATUS_BADGES = {
    Assignment.Status.PROPOSED: "sp-badge-warn",
    Assignment.Status.INVITED: "sp-badge-warn",
    Assignment.Status.ACCEPTED: "sp-badge-ok",
    Assignment.Status.DECLINED: "sp-badge-off",
    Assignment.Status.WITHDRAWN: "sp-badge-off",
    Assignment.Status.EXPIRED: "sp-badge-off",
}


def busy_span(
    starts_on: datetime.date, ends_on: datetime.date
) -> tuple[datetime.date, datetime.date]:
    """What an assignment to a class of these dates holds: the travel day before, the class."""
    return starts_on - datetime.timedelta(days=1), ends_on


class StaffingRun(models.Model):
    """One staffing of a half-year's classes at once, run in the background (``tasks.py``):
    what was asked, how far it is, what the solver found and why each class left open stays
    open (shown on its page, kept for the record). One run of a programme at a time."""

    class State(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("配备中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("未完成")

    programme = models.ForeignKey(
        "programmes.Programme",
        verbose_name=_("培训计划"),
        on_delete=models.CASCADE,
        related_name="staffing_runs",
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    half = models.PositiveSmallIntegerField(_("半年"), choices=[(1, _("上半年")), (2, _("下半年"))])
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    state = models.CharField(
        _("进度"), max_length=10, choices=State.choices, default=State.QUEUED, db_index=True
    )
    error = models.CharField(_("未完成原因"), max_length=300, blank=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    classes = models.PositiveIntegerField(_("班次数"), default=0)
    staffed = models.PositiveIntegerField(_("配齐班次数"), default=0)
    bound = models.PositiveIntegerField(_("可配齐上限"), default=0)
    preferences = models.PositiveIntegerField(_("采纳选择倾向"), default=0)
    max_load = models.PositiveIntegerField(_("最高年度任务数"), default=0)
    status = models.CharField(_("求解状态"), max_length=20, blank=True)
    seconds = models.DecimalField(_("用时（秒）"), max_digits=7, decimal_places=2, default=0)
    # class id -> [{"role", "missing", "cause", counts...}] for the classes left open
    shortages = models.JSONField(_("未配齐原因"), default=dict)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("统一配备记录")
        verbose_name_plural = _("统一配备记录")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # Two runs of one programme at once would propose the same teachers twice.
            models.UniqueConstraint(
                fields=["programme"],
                condition=Q(state__in=["queued", "running"]),
                name="staffing_run_one_at_a_time",
            )
        ]

    def __str__(self) -> str:
        return f"{self.programme.title} · {self.year}年{self.get_half_display()}"

    def get_absolute_url(self) -> str:
        return reverse("staffing:run", args=[self.pk])

    @property
    def in_progress(self) -> bool:
        return self.state in (self.State.QUEUED, self.State.RUNNING)
