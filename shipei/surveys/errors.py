"""What surveys refuse, each with its Chinese message (STYLE.md §4)."""

from django.utils.translation import gettext_lazy as _

from shipei.core.errors import DomainError


class NotRespondent(DomainError):
    code = "not_respondent"
    status = 403
    template = _("《%(form)s》不是由您填写的问卷。")


class AlreadyAnswered(DomainError):
    code = "already_answered"
    status = 409
    template = _("您已填写过《%(form)s》，每人只能提交一次。")


class SurveyClosed(DomainError):
    code = "survey_closed"
    status = 409
    template = _("《%(form)s》已于 %(closes)s 截止，不能再提交。")


class BadAnswers(DomainError):
    code = "bad_answers"
    status = 400
    template = _("有 %(count)d 题未答或答案无效，请按提示修改后再提交。")

    def __init__(self, problems: dict[str, str]) -> None:
        self.problems = problems
        self.fields = problems
        super().__init__(count=len(problems))


class UnknownForm(DomainError):
    code = "unknown_form"
    status = 400
    template = _("培训计划中没有代码为“%(code)s”的问卷。")


class NoQuestions(DomainError):
    code = "no_questions"
    status = 409
    template = _("《%(form)s》还没有题目，请先编辑问卷模板。")


class AlreadyOpen(DomainError):
    code = "already_open"
    status = 409
    template = _("本班已发放《%(form)s》。")


class BadClosing(DomainError):
    code = "bad_closing"
    status = 400
    template = _("截止时间须晚于现在。")


class BadTemplate(DomainError):
    code = "bad_template"
    status = 400
    template = _("问卷题目有误：%(reason)s")
