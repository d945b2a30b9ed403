"""Domain errors: a stable code, an HTTP status and a Chinese message for users (STYLE.md §4)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    code = "invalid"
    status = 400
    template = _("操作未能完成。")

    def __init__(self, **params: object) -> None:
        self.params = params
        self.message = str(self.template) % params if params else str(self.template)
        super().__init__(self.message)


class NotFound(Http404):
    """Missing and out of scope look the same, so that scope leaks nothing."""

    code = "not_found"
    status = 404

    def __init__(self, message: str | None = None) -> None:
        self.message = message or str(_("未找到该记录，或您无权查看。"))
        super().__init__(self.message)


class NotPermitted(PermissionDenied):
    code = "not_permitted"
    status = 403

    def __init__(self, message: str | None = None) -> None:
        self.message = message or str(_("您的角色无权执行此操作。"))
        super().__init__(self.message)


class InvalidTransition(DomainError):
    code = "invalid_transition"
    status = 409
    template = _("当前状态为“%(current)s”，不能执行此操作。")


class SystemBusy(DomainError):
    code = "system_busy"
    status = 503
    template = _("系统繁忙，请稍后再试。")
