import datetime
import uuid
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class TrainingClass(models.Model):
    """A run of a project (班次): dates, capacity, place or on-line mode.

    Classes exist from the project application on, because base caps count them and enrollment
    targets them; staffing, schedules and attendance build on this later. Where the programme
    uses the steps of a class's own lifecycle (policy ``classes.steps``, notice 004), each class
    moves through them (lifecycle.py); otherwise it comes and goes with its project.
    """

    class Status(models.TextChoices):
        PLANNED = "planned", _("已列入计划")
        APPLIED = "applied", _("已申请开班")
        STAFFED = "staffed", _("师资已落实")
        PLAN_FILED = "plan_filed", _("方案待省级审核")
        PLAN_APPROVED = "plan_approved", _("省级审核通过")
        RECORDED = "recorded", _("部指导中心已备案")
        ENROLLING = "enrolling", _("招生中")
        RUNNING = "running", _("培训中")
        ASSESSING = "assessing", _("考核中")
        CLOSED = "closed", _("已结班")
        RETURNED = "returned", _("方案退回修改")
        CANCELLED = "cancelled", _("已取消")

    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("培训项目"),
        on_delete=models.CASCADE,
        related_name="classes",
    )
    seq = models.PositiveSmallIntegerField(_("班次序号"))
    starts_on = models.DateField(_("开班日期"))
    ends_on = models.DateField(_("结业日期"))
    capacity = models.PositiveIntegerField(_("计划人数"))
    # Changed only by enrollment.services, with a conditional UPDATE (STYLE.md §2).
    seats_taken = models.PositiveIntegerField(_("已报名"), default=0, editable=False)
    place = models.CharField(_("培训地点"), max_length=200, blank=True)
    online_platform = models.CharField(_("线上平台"), max_length=200, blank=True)
    # The lifecycle (lifecycle.py): changed only through its table.
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.PLANNED, db_index=True
    )
    status_reason = models.CharField(_("说明"), max_length=500, blank=True)
    # The line of the institution's half-year plan the class runs (notice 004, 第七条); none for
    # a class added outside the plan (``unplanned``, footnote ④) or of a project application.
    plan_line = models.OneToOneField(
        "classes.HalfYearPlanLine",
        verbose_name=_("半年计划条目"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="training_class",
    )
    unplanned = models.BooleanField(_("计划外班次"), default=False)
    # Staff by role where the class differs from the policy's (footnote ⑤: the number of
    # teaching core teachers), set only by an approved change (amendments.py).
    staff_counts = models.JSONField(_("人员配备调整"), default=dict, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("班次")
        verbose_name_plural = _("班次")
        ordering = ["project", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["project", "seq"], name="class_unique_seq"),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="class_dates_ordered"
            ),
            models.CheckConstraint(condition=models.Q(capacity__gte=1), name="class_capacity_min"),
            models.CheckConstraint(
                condition=models.Q(seats_taken__lte=models.F("capacity")), name="class_not_overfull"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project.title} 第{self.seq}期"

    def get_absolute_url(self) -> str:
        return reverse("classes:detail", args=[self.pk])

    @property
    def org(self) -> Any:
        return self.project.base

    @property
    def days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1

    @property
    def staff_needed(self) -> dict[str, int]:
        """Staff by role: the policy's, with this class's approved changes."""
        return {**self.project.programme.rules.classes.staff, **self.staff_counts}

    @property
    def status_css(self) -> str:
        return STATUS_BADGES[self.status]


S = TrainingClass.Status
# One colour per state, always beside its word (UX.md): amber while someone else must act,
# green once approved or under way, grey for the dead ends.
STATUS_BADGES = {
    S.PLANNED: "sp-badge-off",
    S.APPLIED: "sp-badge-warn",
    S.STAFFED: "sp-badge-warn",
    S.PLAN_FILED: "sp-badge-warn",
    S.PLAN_APPROVED: "sp-badge-ok",
    S.RECORDED: "sp-badge-ok",
    S.ENROLLING: "sp-badge-ok",
    S.RUNNING: "sp-badge-ok",
    S.ASSESSING: "sp-badge-ok",
    S.CLOSED: "sp-badge-ok",
    S.RETURNED: "sp-badge-warn",
    S.CANCELLED: "sp-badge-off",
}


class HalfYearPlan(models.Model):
    """An institution's classes planned for a half-year (notice 004, 第七条: 培训信息报送),
    reviewed by the province; the approved lines become the classes it runs."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("待省级审核")
        APPROVED = "approved", _("审核通过")
        RETURNED = "returned", _("退回修改")

    class Half(models.IntegerChoices):
        FIRST = 1, _("上半年")
        SECOND = 2, _("下半年")

    programme = models.ForeignKey(
        "programmes.Programme",
        verbose_name=_("培训计划"),
        on_delete=models.PROTECT,
        related_name="half_year_plans",
    )
    institution = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("培训机构"),
        on_delete=models.PROTECT,
        related_name="half_year_plans",
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    half = models.PositiveSmallIntegerField(_("半年"), choices=Half.choices)
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    status_reason = models.CharField(_("退回理由"), max_length=500, blank=True)
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("半年培训计划")
        verbose_name_plural = _("半年培训计划")
        ordering = ["-year", "-half", "institution__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "institution", "year", "half"], name="half_year_plan_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.institution.name} {self.period_label}"

    def get_absolute_url(self) -> str:
        return reverse("classes:plan", args=[self.pk])

    @property
    def org(self) -> Any:
        return self.institution

    @property
    def period_label(self) -> str:
        return f"{self.year}年{self.get_half_display()}"

    @property
    def period(self) -> tuple[datetime.date, datetime.date]:
        if self.half == self.Half.FIRST:
            return datetime.date(self.year, 1, 1), datetime.date(self.year, 6, 30)
        return datetime.date(self.year, 7, 1), datetime.date(self.year, 12, 31)

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)

    @property
    def status_css(self) -> str:
        return {
            self.Status.DRAFT: "sp-badge-off",
            self.Status.SUBMITTED: "sp-badge-warn",
            self.Status.APPROVED: "sp-badge-ok",
            self.Status.RETURNED: "sp-badge-warn",
        }[self.status]


class HalfYearPlanLine(models.Model):
    """One planned class: when, which level and category, from where it enrolls, how many."""

    plan = models.ForeignKey(
        HalfYearPlan, verbose_name=_("半年培训计划"), on_delete=models.CASCADE, related_name="lines"
    )
    seq = models.PositiveSmallIntegerField(_("序号"))
    item = models.CharField(_("培训级别及专业大类"), max_length=40)
    starts_on = models.DateField(_("开班日期"))
    ends_on = models.DateField(_("结业日期"))
    capacity = models.PositiveIntegerField(_("培训人数"))
    enrolls_from = models.CharField(_("招生范围"), max_length=200)
    place = models.CharField(_("培训地点"), max_length=200, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("半年计划条目")
        verbose_name_plural = _("半年计划条目")
        ordering = ["plan", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "seq"], name="plan_line_unique_seq"),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="plan_line_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan} 第{self.seq}条"

    @property
    def org(self) -> Any:
        return self.plan.institution

    @property
    def item_label(self) -> str:
        try:
            return self.plan.programme.rules.item(self.item).label
        except StopIteration:
            return self.item


class TrainingPlan(models.Model):
    """A class's training plan (培训方案, notice 004 第九条), designed with its core teachers and
    filed with the province 30 days before the start."""

    training_class = models.OneToOneField(
        TrainingClass,
        verbose_name=_("班次"),
        on_delete=models.CASCADE,
        related_name="training_plan",
    )
    goals = models.TextField(_("培训目标"))
    courses = models.TextField(_("课程安排"))
    assessment = models.TextField(_("考核安排"))
    materials = models.TextField(_("培训资料"), blank=True)
    venue = models.TextField(_("场地设备"), blank=True)
    logistics = models.TextField(_("后勤服务"), blank=True)
    filed_at = models.DateTimeField(_("报备时间"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("培训方案")
        verbose_name_plural = _("培训方案")

    def __str__(self) -> str:
        return f"{self.training_class} 培训方案"

    @property
    def org(self) -> Any:
        return self.training_class.project.base


def scan_path(instance: "ClassAmendment", filename: str) -> str:
    """A random stored name (the province's file name is kept in ``scan_name``)."""
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"classes/amendments/{instance.training_class_id}/{uuid.uuid4().hex}{suffix}"


class ClassAmendment(models.Model):
    """A change to a planned class, or a class outside the plan (notice 004, footnotes ④ ⑤):
    approved by the province (an addition with the stamped scan it uploads), then recorded by
    the national centre."""

    class Kind(models.TextChoices):
        CHANGE = "change", _("计划内班次调整")
        ADDITION = "addition", _("计划外班次增补")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("待省级审核")
        APPROVED = "approved", _("省级已同意，待部指导中心备案")
        RECORDED = "recorded", _("部指导中心已备案")
        RETURNED = "returned", _("省级未同意")

    training_class = models.ForeignKey(
        TrainingClass, verbose_name=_("班次"), on_delete=models.CASCADE, related_name="amendments"
    )
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    # What a change asks for, as {"field": [before, after]} in JSON (dates as ISO text).
    changes = models.JSONField(_("调整内容"), default=dict, blank=True)
    reason = models.CharField(_("申请理由"), max_length=500)
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.SUBMITTED, db_index=True
    )
    decision_reason = models.CharField(_("审核意见"), max_length=500, blank=True)
    scan = models.FileField(_("盖章扫描件"), upload_to=scan_path, blank=True, max_length=200)
    scan_name = models.CharField(_("扫描件文件名"), max_length=200, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    requested_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("备案时间"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("班次调整申请")
        verbose_name_plural = _("班次调整申请")
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.training_class} {self.get_kind_display()}"

    @property
    def org(self) -> Any:
        return self.training_class.project.base


class MilestoneException(models.Model):
    """An admin's leave for one class to take a step after its milestone (notice 004: 40 / 35 /
    30 days before the start), with the reason."""

    training_class = models.ForeignKey(
        TrainingClass,
        verbose_name=_("班次"),
        on_delete=models.CASCADE,
        related_name="milestone_exceptions",
    )
    milestone = models.CharField(_("工作节点"), max_length=40)
    reason = models.CharField(_("理由"), max_length=500)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("批准人"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    granted_at = models.DateTimeField(_("批准时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("工作节点例外")
        verbose_name_plural = _("工作节点例外")
        ordering = ["training_class", "granted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["training_class", "milestone"], name="milestone_exception_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.training_class} {self.milestone}"

    @property
    def org(self) -> Any:
        return self.training_class.project.base
