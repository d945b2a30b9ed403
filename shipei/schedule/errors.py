from django.utils.translation import gettext_lazy as _

from shipei.core.errors import DomainError


class Clash(DomainError):
    """Someone of the session would be in two sessions at once (its staff, the class's
    trainees), in this class or another."""

    code = "session_clash"
    status = 409
    template = _(
        "时间冲突：%(who)s在 %(when)s 已有课次“%(other)s”（%(where)s），同一人不能同时参加两个课次。"
    )


class ClassOver(DomainError):
    code = "class_over"
    status = 409
    template = _("班次当前状态为“%(current)s”，不能再安排课次。")


class EventReused(DomainError):
    """A client's event id names one report; the same id with another report is refused."""

    code = "event_reused"
    status = 409
    template = _("事件编号 %(event_id)s 已用于另一条学习记录，请为每条记录使用新的编号。")


class NotOwnProgress(DomainError):
    code = "not_own_progress"
    status = 403
    template = _("只能提交本人的学习记录。")


class NotLearning(DomainError):
    code = "not_learning"
    status = 409
    template = _("报名状态为“%(current)s”，只有已录取或参训中的学员可以记录学习进度。")


class ClassClash(DomainError):
    """A person asked into a class is, at one of its sessions, in a session of another class
    (as its trainee or its teacher)."""

    code = "class_clash"
    status = 409
    template = _(
        "时间冲突：%(name)s在班次“%(where)s”%(role)s课次“%(other)s”（%(when)s），"
        "与本班次课次“%(this)s”（%(this_when)s）时间重叠，不能同时参加两个班次。"
    )


class DaysClash(DomainError):
    """Two off-line classes on the same days: a trainee attends every day of one (its length is
    the whole training), so cannot be in the other."""

    code = "class_days_clash"
    status = 409
    template = _(
        "时间冲突：%(name)s已报名线下集中班次“%(where)s”（%(first)s 至 %(last)s），"
        "与本班次（%(this_first)s 至 %(this_last)s）日期重叠，不能同时参加两个线下班次。"
    )
