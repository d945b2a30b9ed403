from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from shipei.orgs.models import Designation


class AppraisalRun(models.Model):
    """A programme's annual assessment of its training bases: computed (and recomputed) from
    the indicators and the policy's weights, then confirmed by a national admin, which sets the
    chosen bases' caps for the next year and freezes the run."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("待确认")
        CONFIRMED = "confirmed", _("已确认")

    programme = models.OneToOneField(
        "programmes.Programme",
        verbose_name=_("培训计划"),
        on_delete=models.PROTECT,
        related_name="appraisal",
    )
    year = models.PositiveSmallIntegerField(_("考核年度"))
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    # The policy's appraisal section as it was computed with (weights, bands, cap change), so
    # that a confirmed run still reads as it was decided after the policy changes.
    rules = models.JSONField(_("考核设置"), default=dict)
    # Indicator code -> label at computation, in the order of the columns.
    indicators = models.JSONField(_("考核指标"), default=dict)
    computed_at = models.DateTimeField(_("计算时间"))
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("计算人"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("基地年度考核")
        verbose_name_plural = _("基地年度考核")
        ordering = ["-year", "programme"]

    def __str__(self) -> str:
        return f"{self.programme} {self.year}年度基地考核"

    def get_absolute_url(self) -> str:
        return reverse("appraisal:programme", args=[self.programme_id])

    @property
    def org(self) -> Any:
        return self.programme.owner

    @property
    def is_confirmed(self) -> bool:
        return self.status == self.Status.CONFIRMED


class AppraisalRow(models.Model):
    """One base (under one capped kind) in a run: its indicator scores, the weights that
    counted, the total, its rank and the cap proposed for the next year."""

    run = models.ForeignKey(
        AppraisalRun, verbose_name=_("年度考核"), on_delete=models.CASCADE, related_name="rows"
    )
    base = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("培训基地"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(_("基地类型"), max_length=30, choices=Designation.Kind.choices)
    # Indicator code -> score 0–100, or None where the indicator had nothing to go on.
    scores = models.JSONField(_("各项得分"), default=dict)
    # Indicator code -> the share of the total it carried for this base (re-normalised over
    # the indicators with a score); an indicator without a score is absent.
    shares = models.JSONField(_("实际权重"), default=dict)
    total = models.DecimalField(_("总分"), max_digits=5, decimal_places=2, null=True, blank=True)
    rank = models.PositiveIntegerField(_("排名"), null=True, blank=True)
    cap_now = models.PositiveIntegerField(_("本年度上限"), null=True, blank=True)
    change = models.IntegerField(_("建议调整"), null=True, blank=True)
    cap_proposed = models.PositiveIntegerField(_("下一年度建议上限"), null=True, blank=True)
    confirmed = models.BooleanField(_("已确认调整"), default=False)

    class Meta:
        verbose_name = _("基地考核结果")
        verbose_name_plural = _("基地考核结果")
        ordering = ["run", models.F("rank").asc(nulls_last=True), "base__name_pinyin"]
        constraints = [
            models.UniqueConstraint(fields=["run", "base", "kind"], name="appraisal_row_once")
        ]

    def __str__(self) -> str:
        return f"{self.base} {self.total}"

    @property
    def org(self) -> Any:
        return self.base

    @property
    def partial(self) -> bool:
        """Some indicator had no score: the total stands on the others, re-weighted."""
        return self.total is not None and any(v is None for v in self.scores.values())
