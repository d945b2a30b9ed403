"""What an enrollment event means to the teacher, in the words a teacher uses: "学校已审核通过",
"已被录取", "未通过审核：<理由>". The steps of a programme's approval chain are labelled for
officials, as the notice prints them ("基地核准（结果反馈学员及所在学校）"); a teacher is told who
decided and what happens next instead.

Plain data in, text out: the caller reads the event and the programme's chain.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shipei.accounts.models import Role

# Who takes a step of the approval chain, as a teacher calls them.
DECIDERS = {
    Role.SCHOOL_COORDINATOR: gettext_lazy("学校"),
    Role.CITY_ADMIN: gettext_lazy("市级主管部门"),
    Role.PROVINCIAL_ADMIN: gettext_lazy("省级主管部门"),
    Role.BASE_ADMIN: gettext_lazy("培训机构"),
    Role.NATIONAL_ADMIN: gettext_lazy("项目主管部门"),
}
# A reason is quoted in the title (an SMS carries the title only) up to this many characters.
REASON_IN_TITLE = 40


def decider(role: str | None) -> str:
    """ "学校", "培训机构", ...: who takes a step of the given role."""
    return str(DECIDERS.get(role or "", _("审核部门")))


def next_step_text(role: str | None) -> str:
    """ "下一步：等待学校审核。" """
    return _("下一步：等待%(who)s审核。") % {"who": decider(role)}


def _with_reason(title: str, reason: str) -> str:
    if not reason:
        return title
    short = reason if len(reason) <= REASON_IN_TITLE else reason[: REASON_IN_TITLE - 1] + "…"
    return _("%(title)s：%(reason)s") % {"title": title, "reason": short}


def teacher_notice(
    action: str,
    *,
    by: str | None,
    next_by: str | None,
    admitted: bool,
    waitlisted: bool,
    reason: str,
) -> tuple[str, str] | None:
    """Title and body of the teacher's message about an event of their own enrollment.

    `by` is the role of the step the event took (a decision), `next_by` the role of the step
    where the enrollment now waits (None when it waits nowhere); None for an event nobody
    is told of."""
    because = _("理由：%(reason)s") % {"reason": reason} if reason else ""
    who = decider(by)
    waiting = next_step_text(next_by) if next_by else ""
    if action == "submitted":
        if waitlisted:
            return _("已进入候补"), _("名额已满，有名额空出时将按报名先后依次递补。")
        if admitted:
            return _("已被录取"), ""
        return _("已提交报名"), waiting
    if action == "approved":
        if admitted:
            body = _("%(who)s已审核通过，您已被录取。") % {"who": who}
            return _("已被录取"), "".join(t for t in (body, because) if t)
        return _("%(who)s已审核通过") % {"who": who}, waiting
    if action == "rejected":
        body = _("%(who)s未通过您的报名。") % {"who": who}
        return _with_reason(_("未通过审核"), reason), "".join(t for t in (body, because) if t)
    if action == "returned":
        body = _("%(who)s退回了报名，修改后可重新提交。") % {"who": who}
        return _with_reason(_("被退回修改"), reason), "".join(t for t in (body, because) if t)
    if action == "resubmitted":
        return _("已重新提交报名"), waiting
    if action == "withdrawn":
        return _("已撤回报名"), because
    if action == "project_cancelled":
        return _("培训项目已撤销"), _("%(why)s。名额已释放，可另行报名。") % {"why": reason}
    if action == "promoted":
        return _("已由候补转为正式报名"), waiting
    if action == "no_show":
        return _with_reason(_("被标记为未报到"), reason), because
    if action == "passed":
        return _("已结业"), _("您已完成培训，达到结业要求。")
    if action == "failed":
        return _with_reason(_("未结业"), reason), because
    return None
