"""Refusals of the annual base assessment, each with a stable code and a Chinese message."""

from django.utils.translation import gettext_lazy as _

from shipei.core.errors import DomainError


class NotAppraised(DomainError):
    code = "appraisal_not_set"
    status = 409
    template = _(
        "“%(programme)s”的政策未设置%(what)s，不能进行基地年度考核；请先在培训计划的政策中设置。"
    )


class UnknownIndicator(DomainError):
    code = "appraisal_unknown_indicator"
    status = 400
    template = _(
        "政策中的考核指标“%(codes)s”不存在（可用的指标：%(known)s），请在培训计划的政策中改正。"
    )


class NoWeight(DomainError):
    code = "appraisal_no_weight"
    status = 400
    template = _("考核指标的权重之和须大于 0，请在培训计划的政策中改正。")


class RunNotPermitted(DomainError):
    code = "appraisal_not_permitted"
    status = 403
    template = _("只有部级管理员可以计算和确认基地年度考核。")


class AlreadyConfirmed(DomainError):
    code = "appraisal_confirmed"
    status = 409
    template = _("%(year)s年度考核已于 %(at)s 确认，结果已锁定，不能再重新计算或确认。")


class NothingChosen(DomainError):
    code = "appraisal_nothing_chosen"
    status = 400
    template = _("请至少选择一个有考核结果的基地。")


class NoProposal(DomainError):
    code = "appraisal_no_proposal"
    status = 400
    template = _("%(base)s没有可用的考核数据，不能调整其上限；请取消勾选。")
