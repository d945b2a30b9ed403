"""Assessment (考核): each try of a trainee at a component of the programme's assessment, the
scorers' scores, the essays trainees submit, and the on-line test's question bank and papers.

Components are not stored: they are the policy's (``components.py``). An attempt names its
component by code; a retry is a second attempt of the same component.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Attempt(models.Model):
    """One try of a trainee (an enrollment) at one component: open until its result is known,
    then passed or failed. A failed try may be followed by a retry where the policy allows."""

    class Status(models.TextChoices):
        OPEN = "open", _("待评分")
        PASSED = "passed", _("合格")
        FAILED = "failed", _("不合格")

    enrollment = models.ForeignKey(
        "enrollment.Enrollment",
        verbose_name=_("学员报名"),
        on_delete=models.CASCADE,
        related_name="attempts",
    )
    component = models.CharField(_("考核项目代码"), max_length=40)
    number = models.PositiveSmallIntegerField(_("第几次"), default=1)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    score = models.DecimalField(_("成绩"), max_digits=5, decimal_places=1, null=True, blank=True)
    decided_at = models.DateTimeField(_("评定时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("考核记录")
        verbose_name_plural = _("考核记录")
        ordering = ["enrollment", "component", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "component", "number"], name="attempt_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enrollment} · {self.component} · {self.number}"

    @property
    def is_retry(self) -> bool:
        return self.number > 1


class Score(models.Model):
    """One scorer's score of an attempt: a draft until submitted, then fixed (only an admin's
    audited correction changes it)."""

    attempt = models.ForeignKey(
        Attempt, verbose_name=_("考核记录"), on_delete=models.CASCADE, related_name="scores"
    )
    scorer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("评分人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    value = models.DecimalField(_("分数"), max_digits=5, decimal_places=1)
    comment = models.CharField(_("评语"), max_length=500, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    corrected = models.BooleanField(_("经更正"), default=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("评分")
        verbose_name_plural = _("评分")
        ordering = ["attempt", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "scorer"], name="score_once_per_scorer"),
            models.CheckConstraint(
                condition=Q(value__gte=0) & Q(value__lte=100), name="score_within_0_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.attempt} · {self.value}"

    @property
    def submitted(self) -> bool:
        return self.submitted_at is not None


class Essay(models.Model):
    """The essay a trainee submits for an attempt of an essay component."""

    attempt = models.OneToOneField(
        Attempt, verbose_name=_("考核记录"), on_delete=models.CASCADE, related_name="essay"
    )
    programme = models.ForeignKey(
        "programmes.Programme", verbose_name=_("培训计划"), on_delete=models.CASCADE
    )
    title = models.CharField(_("题目"), max_length=200)
    text = models.TextField(_("正文"))
    length = models.PositiveIntegerField(_("字数"))
    submitted_at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("论文")
        verbose_name_plural = _("论文")
        ordering = ["-submitted_at", "pk"]

    def __str__(self) -> str:
        return self.title


class EssayBand(models.Model):
    """One band of an essay's MinHash signature: essays sharing a band are candidates for
    near-duplicates (locality-sensitive hashing kept in the database, so every app process
    finds the same candidates with one indexed query)."""

    essay = models.ForeignKey(Essay, on_delete=models.CASCADE, related_name="bands")
    programme = models.ForeignKey("programmes.Programme", on_delete=models.CASCADE)
    band = models.PositiveSmallIntegerField()
    digest = models.BigIntegerField()

    class Meta:
        verbose_name = _("论文指纹")
        verbose_name_plural = _("论文指纹")
        indexes = [
            models.Index(fields=["programme", "band", "digest"], name="essay_band_lookup"),
        ]

    def __str__(self) -> str:
        return f"{self.essay_id}:{self.band}"


class EssayMatch(models.Model):
    """A near-duplicate found when `essay` was submitted: the earlier essay it resembles, how
    much (Jaccard of their character shingles) and the passages they share. A flag for the
    reviewer, never a refusal."""

    essay = models.ForeignKey(Essay, on_delete=models.CASCADE, related_name="matches")
    other = models.ForeignKey(Essay, on_delete=models.CASCADE, related_name="+")
    similarity = models.DecimalField(_("相似度"), max_digits=4, decimal_places=3)
    same_class = models.BooleanField(_("同班"), default=False)
    passages = models.JSONField(_("相同段落"), default=list)

    class Meta:
        verbose_name = _("相似论文")
        verbose_name_plural = _("相似论文")
        ordering = ["-similarity", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["essay", "other"], name="essay_match_once"),
        ]

    def __str__(self) -> str:
        return f"{self.essay} ~ {self.other}"


class Question(models.Model):
    """A question of a programme's bank for its on-line tests."""

    class Kind(models.TextChoices):
        SINGLE = "single", _("单选题")
        MULTIPLE = "multiple", _("多选题")
        TRUE_FALSE = "true_false", _("判断题")

    programme = models.ForeignKey(
        "programmes.Programme",
        verbose_name=_("培训计划"),
        on_delete=models.CASCADE,
        related_name="questions",
    )
    kind = models.CharField(_("题型"), max_length=12, choices=Kind.choices)
    text = models.TextField(_("题目"))
    options = models.JSONField(_("选项"), default=list)  # ["A 的内容", "B 的内容", ...]
    answer = models.JSONField(_("答案"))  # indexes into options, sorted: [0] or [0, 2]
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("试题")
        verbose_name_plural = _("试题")
        ordering = ["programme", "pk"]

    def __str__(self) -> str:
        return self.text[:40]


class Paper(models.Model):
    """The paper drawn for one attempt at an on-line test: the questions (drawn from the bank
    with `seed`, so the same draw can be made again), the deadline the server holds, the
    trainee's answers and the score."""

    attempt = models.OneToOneField(
        Attempt, verbose_name=_("考核记录"), on_delete=models.CASCADE, related_name="paper"
    )
    seed = models.BigIntegerField(_("抽题种子"))
    questions = models.JSONField(_("试题"), default=list)  # question ids, in the paper's order
    answers = models.JSONField(_("作答"), default=dict)  # {"question id": [choice indexes]}
    started_at = models.DateTimeField(_("开始时间"))
    deadline = models.DateTimeField(_("截止时间"))
    finished_at = models.DateTimeField(_("交卷时间"), null=True, blank=True)
    correct = models.PositiveSmallIntegerField(_("答对题数"), null=True, blank=True)

    class Meta:
        verbose_name = _("试卷")
        verbose_name_plural = _("试卷")
        ordering = ["-started_at", "pk"]

    def __str__(self) -> str:
        return f"{self.attempt}"
