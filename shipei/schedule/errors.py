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
