"""Refusals of the project workflow, each with a stable code and a Chinese message (STYLE.md §4)."""

from django.utils.translation import gettext_lazy as _

from shipei.core.errors import DomainError


class ApplicationClosed(DomainError):
    code = "application_closed"
    status = 409
    template = _("项目申报已于 %(deadline)s 截止。")


class ApplicationNotOpen(DomainError):
    code = "application_not_open"
    status = 409
    template = _("项目申报将于 %(opens)s 开始，请届时再提交。")


class NotApplicable(DomainError):
    code = "project_not_applicable"
    status = 400
    template = _("该培训计划不接受培训基地申报项目。")


class NoDesignation(DomainError):
    code = "project_no_designation"
    status = 409
    template = _("%(base)s在%(year)s年没有可申报本计划项目的基地认定（%(kinds)s）。")


class BaseCapReached(DomainError):
    code = "project_cap_reached"
    status = 409
    template = _(
        "%(kind)s每个基地最多发布 %(cap)s 个项目（一个班次计为一个项目）；"
        "本基地已申报 %(used)s 个，本项目有 %(wanted)s 个班次，超出上限。"
    )


class AdjustedCapReached(BaseCapReached):
    """The cap the annual assessment of the year before set for this base (BaseCapOverride)."""

    template = _(
        "根据上一年度考核，本基地（%(kind)s）本年度最多发布 %(cap)s 个项目（一个班次计为一个项目）；"
        "已申报 %(used)s 个，本项目有 %(wanted)s 个班次，超出上限。"
    )


class ExpertNotEligible(DomainError):
    code = "expert_not_eligible"
    status = 400
    template = _("%(name)s不能评审该项目：%(reason)s")


class NoExperts(DomainError):
    code = "no_experts"
    status = 400
    template = _("请至少选择一位评审专家。")


class ReviewAlreadySubmitted(DomainError):
    code = "review_submitted"
    status = 409
    template = _("评审意见已于 %(at)s 提交，不能再修改。")


class ReviewClosed(DomainError):
    code = "review_closed"
    status = 409
    template = _("该项目已不在评审中（当前状态为“%(current)s”），不能再评分。")


class NotEnoughReviews(DomainError):
    code = "not_enough_reviews"
    status = 409
    template = _("须有 %(needed)s 位专家提交评审意见后才能通过，目前已提交 %(done)s 位。")


class ReasonRequired(DomainError):
    code = "reason_required"
    status = 400
    template = _("请填写%(what)s的理由。")


class CancelNeedsNationalAdmin(DomainError):
    code = "cancel_needs_national_admin"
    status = 409
    template = _("项目已发布，须由部级管理员撤销。")


class RunByClasses(DomainError):
    """Where classes have their own lifecycle (004), they, not their project, open enrollment,
    run and close."""

    code = "run_by_classes"
    status = 409
    template = _("“%(programme)s”按班次办理招生和实施，请在各班次的页面操作。")
