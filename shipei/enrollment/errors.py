from django.utils.translation import gettext_lazy as _

from shipei.core.errors import DomainError


class EnrollmentClosed(DomainError):
    code = "enrollment_closed"
    template = _("“%(what)s”的报名时间为 %(window)s，当前不在报名时间内。")


class NotEligible(DomainError):
    code = "not_eligible"
    template = _("不符合报名条件：%(why)s")


class AlreadyEnrolled(DomainError):
    code = "already_enrolled"
    status = 409
    template = _("%(name)s已报名%(what)s，不能重复报名。")


class EnrolledThroughChannel(AlreadyEnrolled):
    template = _("%(name)s已通过“%(channel)s”报名该项目，不能重复报名。")


class OnePerProgramme(AlreadyEnrolled):
    template = _("%(name)s已报名本计划的“%(what)s”，本计划每人只能报一项。")


class SamePersonTwice(AlreadyEnrolled):
    """The same person twice in one imported list, where one enrollment is all they may have."""

    template = _("与第%(row)d行是同一人（身份证号重复）。")


class SeatsShort(DomainError):
    """More people in one imported list than the quota covering them has seats left."""

    code = "seats_short"
    status = 409
    template = _(
        "%(receiver)s“%(what)s”的名额还剩 %(left)d 个，本文件报了 %(n)d 人，本行超出名额。"
    )


class SeatsGoneAtAdmission(DomainError):
    """Seats held from approval: none left when the last step would admit."""

    code = "seats_gone_at_admission"
    status = 409
    template = _(
        "%(receiver)s的名额已用完，不能录取（本计划在录取时占用名额）；报名仍在本环节等待审核。"
    )


class NoQuotaHere(DomainError):
    code = "no_quota_here"
    status = 409
    template = _("%(org)s所在地区或单位没有“%(what)s”的名额。")


class ClassFull(DomainError):
    code = "class_full"
    status = 409
    template = _("班次“%(name)s”已满（%(capacity)s 人）。")


class ChannelNotOpen(DomainError):
    code = "channel_not_open"
    template = _("本培训计划不接受“%(channel)s”方式的报名。")


class NotYourStep(DomainError):
    code = "not_your_step"
    status = 403
    template = _("当前环节为“%(step)s”，应由%(role)s办理。")


class OwnEnrollment(DomainError):
    code = "own_enrollment"
    status = 403
    template = _("不能审核本人的报名，请由同一环节的其他审核人员办理。")


class ReasonRequired(DomainError):
    code = "reason_required"
    template = _("请填写原因。")


class FormExpired(DomainError):
    code = "form_expired"
    status = 409
    template = _("该表单已提交过或已失效，请刷新页面后重新填写。")


class WithdrawalClosed(DomainError):
    code = "withdrawal_closed"
    status = 409
    template = _(
        "撤回报名的截止时间为 %(deadline)s，已过截止时间，不能自行撤回；如确需撤回，请联系教育行政部门办理。"
    )


class ScanRequired(DomainError):
    code = "scan_required"
    template = _("请附上加盖公章的名单扫描件（PDF 或图片）。")


class ScanInvalid(DomainError):
    code = "scan_invalid"
    template = _("扫描件应为 PDF、OFD 或图片文件，且不超过 20 MB。")


class ListUnchanged(DomainError):
    code = "list_unchanged"
    status = 409
    template = _("名单与第 %(version)s 版相同，无需再次报送。")


class ApplicationIncomplete(DomainError):
    """The programme's application form (notice 004 附件1) with answers missing or wrong;
    ``problems`` says which, by question code, for the form to mark them."""

    code = "application_incomplete"
    template = _("参训申请表填写不完整：%(why)s")

    def __init__(self, problems: dict[str, str]) -> None:
        self.problems = problems
        super().__init__(why="；".join(problems.values()))
