"""Attendance (考勤): one record per trainee (an enrollment on the class's roster) per session.

A record says how the trainee attended (present, late, excused leave, absent) and the class
hours it credits: the session's hours when present or late, none when on leave or absent.
Leave and absence count against the programme's absence limit (``selectors.assessment_bar``).
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AttendanceRecord(models.Model):
    class Status(models.TextChoices):
        PRESENT = "present", _("出勤")
        LATE = "late", _("迟到")
        LEAVE = "leave", _("请假")
        ABSENT = "absent", _("缺勤")

    class Source(models.TextChoices):
        GRID = "grid", _("点名")
        QR = "qr", _("扫码签到")
        IMPORT = "import", _("Excel导入")

    session = models.ForeignKey(
        "schedule.Session",
        verbose_name=_("课次"),
        on_delete=models.CASCADE,
        related_name="attendance",
    )
    enrollment = models.ForeignKey(
        "enrollment.Enrollment",
        verbose_name=_("学员报名"),
        on_delete=models.CASCADE,
        related_name="attendance",
    )
    status = models.CharField(_("考勤状态"), max_length=10, choices=Status.choices)
    hours = models.DecimalField(_("计入学时"), max_digits=5, decimal_places=1)
    source = models.CharField(_("记录方式"), max_length=10, choices=Source.choices)
    checked_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("考勤记录")
        verbose_name_plural = _("考勤记录")
        ordering = ["session", "enrollment"]
        constraints = [
            models.UniqueConstraint(fields=["session", "enrollment"], name="attendance_once"),
            models.CheckConstraint(
                condition=models.Q(hours__gte=0), name="attendance_hours_not_negative"
            ),
        ]
        indexes = [models.Index(fields=["enrollment", "status"], name="attendance_by_trainee")]

    def __str__(self) -> str:
        return f"{self.enrollment} · {self.session} · {self.get_status_display()}"


S = AttendanceRecord.Status
# Leave and absence are what the absence limit counts (notice 004, 第十二条: 旷课或请假).
MISSED = frozenset({S.LEAVE, S.ABSENT})
# The order one tap on the phone grid moves a trainee through.
CYCLE = (S.PRESENT, S.LATE, S.LEAVE, S.ABSENT)
# The words an Excel sheet may use for each status (the labels, and what people type).
WORDS = {
    **{str(s.label): s.value for s in S},
    **{s.value: s.value for s in S},
    "到": S.PRESENT,
    "√": S.PRESENT,
    "✓": S.PRESENT,
    "已到": S.PRESENT,
    "出席": S.PRESENT,
    "迟": S.LATE,
    "假": S.LEAVE,
    "事假": S.LEAVE,
    "病假": S.LEAVE,
    "缺": S.ABSENT,
    "×": S.ABSENT,
    "旷课": S.ABSENT,
    "未到": S.ABSENT,
}


def credited(status: str, session_hours: Decimal) -> Decimal:
    """The class hours a record credits: the session's unless the trainee missed it."""
    return Decimal(0) if status in MISSED else session_hours
