from django.utils.translation import gettext_lazy as _

from shipei.core.errors import DomainError


class PersonDuplicate(DomainError):
    code = "person_duplicate"
    status = 409
    template = _("身份证号为 %(masked)s 的人员已经登记，不能重复添加。")


class MobileTaken(DomainError):
    code = "mobile_taken"
    status = 409
    template = _("手机号 %(masked)s 已被另一人登记，请核对。")


class NumberUnavailable(DomainError):
    """A number registered to someone outside the actor's reach (accounts.elsewhere): the same
    words whoever holds it."""

    code = "number_unavailable"
    status = 409
    template = _(
        "%(what)s %(masked)s 无法在此登记。请核对号码；如该教师已在其他单位登记（例如刚调入），"
        "请不要重复登记，请联系上级管理部门为其办理调动。"
    )


class NumberChecksPaused(DomainError):
    code = "number_checks_paused"
    status = 429
    template = _(
        "您近期多次填写了无法在此登记的身份证号或手机号，为保护个人信息，"
        "%(hours)s 小时内暂不能登记新的号码。如需尽快处理，请联系上级管理部门。"
    )


class AccountExists(DomainError):
    code = "account_exists"
    status = 409
    template = _("%(name)s 已开通账号。")


class RoleNotGrantable(DomainError):
    code = "role_not_grantable"
    status = 403
    template = _("您不能在“%(org)s”分配“%(role)s”角色。")


class ActivationCodeInvalid(DomainError):
    code = "activation_code_invalid"
    template = _("验证码不正确或已过期，请重新获取。")


class ActivationThrottled(DomainError):
    code = "activation_throttled"
    status = 429
    template = _("验证码请求过于频繁，请稍后再试。")


class _LoginRefused(DomainError):
    """A login not tried at all; ``retry_after`` (seconds) becomes the Retry-After header."""

    status = 429

    def __init__(self, *, seconds: int) -> None:
        self.retry_after = max(1, seconds)
        super().__init__(minutes=-(-self.retry_after // 60))


class AccountLocked(_LoginRefused):
    code = "account_locked"
    template = _("登录失败次数过多，该账号已被暂时锁定，请 %(minutes)s 分钟后再试。")


class TooManyFailures(_LoginRefused):
    code = "too_many_failures"
    template = _("您所在的网络登录失败次数过多，请 %(minutes)s 分钟后再试。")


class IdentifierInUrl(DomainError):
    code = "identifier_in_url"
    template = _(
        "请勿把完整的身份证号或手机号放在网址中（网址会被记入访问日志）："
        "请改用 POST /api/v1/people/search/，在请求正文中提交 q。"
    )
