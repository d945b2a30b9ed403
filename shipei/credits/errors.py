from django.utils.translation import gettext_lazy as _

from shipei.core.errors import DomainError


class ClaimDuplicate(DomainError):
    code = "claim_duplicate"
    status = 409
    template = _("您已申报过这次培训（%(title)s，%(dates)s），请勿重复申报。")


class ReasonRequired(DomainError):
    code = "reason_required"
    template = _("退回申报须写明原因，教师会看到它。")


class NoTeacher(DomainError):
    code = "no_teacher"
    status = 403
    template = _("只有在学校任教的教师本人可以申报校外培训学时。")
