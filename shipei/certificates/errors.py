from django.utils.translation import gettext_lazy as _

from shipei.core.errors import DomainError


class NotEligible(DomainError):
    code = "certificate_not_eligible"
    status = 409
    template = _("%(name)s不能获得证书：%(reasons)s")


class AlreadyIssued(DomainError):
    code = "certificate_already_issued"
    status = 409
    template = _("%(name)s已持有有效证书 %(number)s，不能重复发证；如需更正请换发。")


class NumberTaken(DomainError):
    code = "certificate_number_taken"
    status = 409
    template = _("证书编号 %(number)s 已被使用，证书编号不能重复。请检查本计划的证书编号格式。")


class ReasonRequired(DomainError):
    code = "certificate_reason_required"
    template = _("请选择撤销原因；选择“其他原因”时请填写说明。")


class NotElectronic(DomainError):
    code = "certificate_not_electronic"
    status = 403
    template = _("本培训计划不发放电子证书，请向发证单位领取纸质证书。")
