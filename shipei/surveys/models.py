"""Evaluation and feedback forms (评价问卷): a template's questions per programme and form, a
survey of one class (or project) open until its closing time, and the answers.

An anonymous form's answer (``Response``) is unlinkable: it holds the survey and the answers,
nothing else. Its key is a random UUID (no sequence, so ``ORDER BY pk`` is random), it has no
time at all and no order column, it is never audited, and each submission rewrites the
survey's answers in a shuffled order with new keys in one transaction (``services._rewrite``),
so that neither their physical order nor PostgreSQL's row transaction ids follow the order
trainees answered in. That a trainee answered is
kept apart (``Answered``): it too carries no time, and shares nothing with the answer but the
survey. A named form's answer (``SignedResponse``: core teachers', the institution's, and a
trainee form the policy does not make anonymous) carries its author and its time.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SurveyTemplate(models.Model):
    """The questions of one of the programme's evaluation forms (``policy.evaluation[].code``);
    the form's name, respondent and anonymity stay in the policy."""

    programme = models.ForeignKey(
        "programmes.Programme",
        verbose_name=_("培训计划"),
        on_delete=models.CASCADE,
        related_name="survey_templates",
    )
    code = models.CharField(_("问卷代码"), max_length=40)
    questions = models.JSONField(_("题目"), default=list)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("问卷模板")
        verbose_name_plural = _("问卷模板")
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="survey_template_once")
        ]

    def __str__(self) -> str:
        return f"{self.programme} · {self.code}"


class Survey(models.Model):
    """One form handed out to one class (or, for training without classes, one project)."""

    programme = models.ForeignKey(
        "programmes.Programme", verbose_name=_("培训计划"), on_delete=models.CASCADE
    )
    form = models.CharField(_("问卷代码"), max_length=40)
    project = models.ForeignKey(
        "projects.Project", verbose_name=_("项目"), on_delete=models.CASCADE, related_name="+"
    )
    training_class = models.ForeignKey(
        "classes.TrainingClass",
        verbose_name=_("班次"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    closes_at = models.DateTimeField(_("截止时间"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发放人"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("发放时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("问卷")
        verbose_name_plural = _("问卷")
        constraints = [
            models.UniqueConstraint(
                fields=["form", "training_class"],
                condition=models.Q(training_class__isnull=False),
                name="survey_once_per_class",
            ),
            models.UniqueConstraint(
                fields=["form", "project"],
                condition=models.Q(training_class__isnull=True),
                name="survey_once_per_project",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.training_class or self.project} · {self.form}"

    @property
    def is_closed(self) -> bool:
        return self.closes_at <= timezone.now()


class Response(models.Model):
    """An anonymous answer: nothing but the survey and the answers (see the module)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(
        Survey, verbose_name=_("问卷"), on_delete=models.CASCADE, related_name="responses"
    )
    answers = models.JSONField(_("答案"), default=dict)

    class Meta:
        verbose_name = _("匿名答卷")
        verbose_name_plural = _("匿名答卷")

    def __str__(self) -> str:
        return str(_("匿名答卷"))


class Answered(models.Model):
    """That a trainee answered an anonymous survey: one each, no time, no link to the answer."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, verbose_name=_("问卷"), on_delete=models.CASCADE)
    enrollment = models.ForeignKey(
        "enrollment.Enrollment",
        verbose_name=_("学员报名"),
        on_delete=models.CASCADE,
        related_name="+",
    )

    class Meta:
        verbose_name = _("已填写记录")
        verbose_name_plural = _("已填写记录")
        constraints = [
            models.UniqueConstraint(fields=["survey", "enrollment"], name="answered_once")
        ]

    def __str__(self) -> str:
        return f"{self.survey} · {self.enrollment_id}"


class SignedResponse(models.Model):
    """A named answer: by a core teacher, an institution, or a trainee where the form is not
    anonymous. ``author`` is the one answer allowed per survey (a user, or an institution)."""

    survey = models.ForeignKey(
        Survey, verbose_name=_("问卷"), on_delete=models.CASCADE, related_name="signed"
    )
    author = models.CharField(_("填写方"), max_length=40)
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("填写人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    org = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("填写机构"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    enrollment = models.ForeignKey(
        "enrollment.Enrollment", on_delete=models.CASCADE, null=True, related_name="+"
    )
    answers = models.JSONField(_("答案"), default=dict)
    submitted_at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("实名答卷")
        verbose_name_plural = _("实名答卷")
        ordering = ["submitted_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["survey", "author"], name="signed_once")]

    def __str__(self) -> str:
        return f"{self.survey} · {self.author}"
