from django.utils.translation import gettext_lazy as _

from shipei.core.errors import DomainError


class CoreTeacherBusy(DomainError):
    """The teacher holds another class too close in time (the travel day included)."""

    code = "core_teacher_busy"
    status = 409
    template = _(
        "%(name)s在 %(start)s ～ %(end)s 前后已有其他班次的邀请或任务（两个班次之间至少空一天行程），"
        "不能再邀请。请为该岗位另行推荐。"
    )


class NotACandidate(DomainError):
    code = "not_a_candidate"
    status = 409
    template = _("%(name)s不能承担本班%(role)s：%(reason)s")


class NoStaffPolicy(DomainError):
    code = "no_staff_policy"
    status = 409
    template = _("该培训计划的政策未规定每班的骨干教师人数（classes.staff），无需配备骨干教师。")


class ClassStaffed(DomainError):
    code = "class_staffed"
    status = 409
    template = _("本班%(role)s已满 %(n)d 人，不能再增加。")


class NotYours(DomainError):
    code = "not_your_invitation"
    status = 403
    template = _("这不是发给您的邀请。")


class PlanRunning(DomainError):
    code = "staffing_run_in_progress"
    status = 409
    template = _(
        "该培训计划的统一配备正在进行（%(who)s 于 %(when)s 发起），请待其完成后再试；"
        "进度见“统一配备结果”页。"
    )
