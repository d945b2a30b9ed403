"""What the assessment refuses, each with its Chinese message (STYLE.md §4)."""

from django.utils.translation import gettext_lazy as _

from shipei.core.errors import DomainError


class ScoreOutOfRange(DomainError):
    code = "score_out_of_range"
    status = 400
    template = _("分数“%(value)s”无效：请填写 0～100 之间的数字，最多一位小数。")


class NotAScorer(DomainError):
    code = "not_a_scorer"
    status = 403
    template = _("您不是本班“%(component)s”的评分人，不能评分。")


class ScoreLocked(DomainError):
    code = "score_locked"
    status = 409
    template = _(
        "您已提交%(name)s的“%(component)s”评分（%(value)s 分），提交后不能修改；如需更正，请联系培训机构管理员。"
    )


class TraineeBarred(DomainError):
    code = "trainee_barred"
    status = 409
    template = _("%(name)s不能参加“%(component)s”：%(reason)s")


class AttemptDecided(DomainError):
    code = "attempt_decided"
    status = 409
    template = _("%(name)s的“%(component)s”第 %(number)s 次考核已评定为%(status)s，不能再评分。")


class NoRetryLeft(DomainError):
    code = "no_retry_left"
    status = 409
    template = _(
        "“%(component)s”按培训计划最多考核 %(tries)s 次（补考 %(retries)s 次），%(name)s已用完，不能再补考。"
    )


class RetryNotNeeded(DomainError):
    code = "retry_not_needed"
    status = 409
    template = _("%(name)s的“%(component)s”当前为“%(status)s”，只有不合格后才能补考。")


class NotScoredByPeople(DomainError):
    code = "scored_by_platform"
    status = 409
    template = _("“%(component)s”是在线测试，由平台自动评分。")


class EssayMissing(DomainError):
    code = "essay_missing"
    status = 409
    template = _("%(name)s尚未提交论文，暂不能评分。")


class EssayTooShort(DomainError):
    code = "essay_too_short"
    status = 400
    template = _(
        "论文字数为 %(length)s 字，培训计划要求不少于 %(minimum)s 字（按 Word/WPS 字数统计：汉字和中文标点各计 1 字，英文单词和数字各计 1 字，空格不计）。"
    )


class EssayAlreadySubmitted(DomainError):
    code = "essay_submitted"
    status = 409
    template = _("本次考核的论文已于 %(at)s 提交，不能重复提交。")


class NoSuchComponent(DomainError):
    code = "no_such_component"
    status = 400
    template = _("培训计划中没有考核项目“%(component)s”。")


class WrongKind(DomainError):
    code = "wrong_kind"
    status = 409
    template = _("“%(component)s”不是%(kind)s。")


class CorrectionReasonMissing(DomainError):
    code = "reason_missing"
    status = 400
    template = _("请填写更正原因。")


class ScoreNotSubmitted(DomainError):
    code = "score_not_submitted"
    status = 409
    template = _("该评分尚未提交，由评分人自行修改，不需要更正。")


class PaperTimeUp(DomainError):
    code = "test_time_up"
    status = 409
    template = _("在线测试已于 %(deadline)s 截止，不能再作答；已作答的题目已自动交卷评分。")


class PaperFinished(DomainError):
    code = "test_finished"
    status = 409
    template = _("本次在线测试已于 %(at)s 交卷，不能再作答。")


class BankTooSmall(DomainError):
    code = "bank_too_small"
    status = 409
    template = _("题库中启用的试题只有 %(have)s 道，每份试卷需要 %(need)s 道，请先补充题库。")


class BadAnswer(DomainError):
    code = "bad_answer"
    status = 400
    template = _("第 %(number)s 题的答案无效：%(reason)s")


class NotYourTest(DomainError):
    code = "not_your_test"
    status = 403
    template = _("只有参加考核的学员本人可以作答。")
