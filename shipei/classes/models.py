from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class TrainingClass(models.Model):
    """A run of a project (班次): dates, capacity, place or on-line mode.

    Classes exist from the project application on, because base caps count them and enrollment
    targets them; staffing, schedules and attendance build on this later.
    """

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

    @property
    def org(self) -> Any:
        return self.project.base

    @property
    def days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1
