"""What attendance refuses, each with its Chinese message (STYLE.md §4)."""

from django.utils.translation import gettext_lazy as _

from shipei.core.errors import DomainError


class NotOnRoster(DomainError):
    code = "not_on_roster"
    status = 400
    template = _("%(name)s不在本班学员名单中。")


class SessionNotHeld(DomainError):
    code = "session_not_held"
    status = 409
    template = _("课次“%(session)s”尚未开始（%(starts)s 开始），不能记录考勤。")


class SelfPaced(DomainError):
    code = "self_paced"
    status = 409
    template = _("“%(session)s”是线上自学课次，按学习进度计学时，不记录考勤。")


class ClassNotRunning(DomainError):
    code = "class_not_running"
    status = 409
    template = _("班次当前状态为“%(current)s”，培训进行中才能记录考勤。")


class BadStatus(DomainError):
    code = "bad_status"
    status = 400
    template = _("考勤状态“%(value)s”无效，请填写出勤、迟到、请假或缺勤。")


class CheckInCodeInvalid(DomainError):
    code = "check_in_code_invalid"
    status = 400
    template = _("签到码无效：请扫描教室屏幕上正在显示的签到码。")


class CheckInCodeExpired(DomainError):
    code = "check_in_code_expired"
    status = 400
    template = _("签到码已过期（每 30 秒更换一次）：请重新扫描教室屏幕上的签到码。")


class CheckInClosed(DomainError):
    code = "check_in_closed"
    status = 409
    template = _("课次“%(session)s”的签到时间为 %(opens)s ～ %(closes)s，现在不能签到。")
