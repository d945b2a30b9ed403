from django.utils.translation import gettext_lazy as _

from shipei.core.errors import DomainError


class ProjectLocked(DomainError):
    """A project's classes change with the project: only while it is a draft or returned."""

    code = "project_locked"
    status = 409
    template = _("项目当前状态为“%(current)s”，只有草稿或退回修改的项目可以修改。")


class StepNotUsed(DomainError):
    code = "step_not_used"
    status = 409
    template = _("“%(programme)s”的班次不经过“%(step)s”环节。")


class MilestonePassed(DomainError):
    """A step after its milestone, without an admin's exception (notice 004: 40 / 35 / 30 days
    before the start)."""

    code = "milestone_passed"
    status = 409
    template = _(
        "%(label)s须在开班前 %(days)s 天（%(due)s）前办理，现已过 %(late)s 天。"
        "如确有特殊情况，请联系省级管理部门批准节点例外。"
    )


class UnplannedTooLate(DomainError):
    code = "milestone_passed"
    status = 409
    template = _(
        "计划外班次也须在开班前 %(days)s 天（%(due)s）前申请，现已过 %(late)s 天，请调整开班日期。"
    )


class ConsentPending(DomainError):
    """An unplanned class waits for the province's consent (notice 004, footnote ④)."""

    code = "consent_pending"
    status = 409
    template = _("计划外班次须经省级管理部门审核同意后才能继续办理。")


class PlanIncomplete(DomainError):
    """What the apps above check before a plan is filed (extensions.py), e.g. content shares."""

    code = "plan_incomplete"
    status = 409
    template = _("培训方案暂不能报备：%(problems)s")


class ReasonRequired(DomainError):
    code = "reason_required"
    status = 400
    template = _("请填写%(what)s的理由。")


class ScanRequired(DomainError):
    code = "scan_required"
    status = 400
    template = _("同意计划外班次须上传盖章扫描件（PDF、JPG 或 PNG，不超过 10 MB）。")


class ScanInvalid(DomainError):
    code = "scan_invalid"
    status = 400
    template = _("扫描件只能是 PDF、JPG 或 PNG 文件，且不超过 10 MB；%(why)s")


class PlanEmpty(DomainError):
    code = "plan_empty"
    status = 400
    template = _("半年培训计划中还没有班次，请先填写或导入。")


class PlanExists(DomainError):
    code = "plan_exists"
    status = 409
    template = _("%(institution)s已有%(period)s的培训计划，请在原计划中修改。")


class AmendmentOpen(DomainError):
    code = "amendment_open"
    status = 409
    template = _("该班次已有一份待审核的调整申请，请等省级管理部门审核后再申请。")


class NothingChanged(DomainError):
    code = "nothing_changed"
    status = 400
    template = _("申请的内容与班次现有安排相同，无需调整。")


class ExceptionExists(DomainError):
    code = "exception_exists"
    status = 409
    template = _("该班次的“%(label)s”已批准过节点例外。")


class NoMilestone(DomainError):
    code = "no_milestone"
    status = 400
    template = _("培训计划未设置“%(label)s”节点，无需例外。")
