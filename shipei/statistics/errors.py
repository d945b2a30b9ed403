from django.utils.translation import gettext_lazy as _

from shipei.core.errors import DomainError, NotFound


class OutOfScope(NotFound):
    """An organisation outside the user's reach, or none: the same answer as a missing one."""

    def __init__(self) -> None:
        super().__init__(str(_("所选单位不存在或不在您的统计范围内。")))


class BadYear(DomainError):
    code = "bad_year"
    status = 400
    template = _("年度须为%(first)s至%(last)s之间的四位数字。")
