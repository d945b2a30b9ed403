from django.utils.translation import gettext_lazy as _

from shipei.core.errors import DomainError


class QuotaExceedsParent(DomainError):
    code = "quota_exceeds_parent"
    template = _("%(parent)s尚可分配 %(free)s 个名额，不能再分出 %(wanted)s 个。")


class QuotaBelowUsed(DomainError):
    code = "quota_below_used"
    template = _(
        "%(receiver)s的名额已占用 %(held)s 个、已下分 %(split)s 个，不能调低到 %(wanted)s 个。"
    )


class QuotaExhausted(DomainError):
    code = "quota_exhausted"
    status = 409
    template = _("%(receiver)s的名额已用完。")


class QuotaUnknownItem(DomainError):
    code = "quota_unknown_item"
    template = _("培训计划中没有代码为“%(item)s”的培训项目。")


class QuotaBadReceiver(DomainError):
    code = "quota_bad_receiver"
    template = _("名额只能分配给省、市（地区）或具体单位：%(receiver)s不可作为名额接收方。")


class QuotaOutsideArea(DomainError):
    code = "quota_outside_area"
    template = _("%(receiver)s不在%(owner)s的管辖范围内，不能分配本计划的名额。")


class QuotaInUse(DomainError):
    code = "quota_in_use"
    status = 409
    template = _("%(receiver)s的名额已有人占用或已下分，不能删除。")


class QuotaNegative(DomainError):
    code = "quota_negative"
    template = _("名额不能为负数。")


class QuotaBatchRefused(DomainError):
    code = "quota_batch_refused"
    template = _("有 %(count)s 处名额未能保存，全部未保存。")

    def __init__(self, problems: dict[str, str]) -> None:
        self.problems = problems  # cell key -> message
        super().__init__(count=len(problems))


class QuotaTooLarge(DomainError):
    code = "quota_too_large"
    template = _("名额不能超过 %(most)s 个。")


class QuotaOutsideScope(DomainError):
    code = "quota_outside_scope"
    template = _(
        "“%(item)s”%(scope)s：%(receiver)s不能直接接收本计划的名额，应分配给%(expected)s。"
    )


class QuotaScopeNone(DomainError):
    code = "quota_scope_none"
    template = _("“%(item)s”不分配名额（名额分配方式为“不分配名额”），不能为%(receiver)s设置名额。")


class QuotaOverPlanned(DomainError):
    code = "quota_over_planned"
    template = _("“%(item)s”计划培训 %(planned)s 人，按此分配合计将为 %(asked)s 人，超出计划人数。")
