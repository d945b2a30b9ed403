"""Spot checks (随机抽检, notice 002 三(六), notice 003 四(二)): a draw of classes or projects of a
programme, recorded with its seed and inputs so that anyone can redo it (sampling.py), and one
inspection per drawn class or project, from its inspector's finding to the base's response and
the admin closing it."""

import uuid
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class SpotCheck(models.Model):
    """One draw. ``inputs`` holds everything the draw was made from: the population (ids in
    ascending order) and the rule that chose it, the strata with their ids and sizes, and the
    method; with ``seed`` they give the sample again (services.spot_check_reproduce)."""

    class Target(models.TextChoices):
        CLASS = "class", _("班次")
        PROJECT = "project", _("培训项目")

    class Stratify(models.TextChoices):
        NONE = "", _("不分层")
        BASE_KIND = "base_kind", _("按基地类型分层")
        REGION = "region", _("按地区分层")

    class SizeKind(models.TextChoices):
        COUNT = "count", _("按数量")
        PERCENT = "percent", _("按比例")

    title = models.CharField(_("名称"), max_length=200)
    programme = models.ForeignKey(
        "programmes.Programme",
        verbose_name=_("培训计划"),
        on_delete=models.PROTECT,
        related_name="spot_checks",
    )
    target = models.CharField(_("抽检对象"), max_length=10, choices=Target.choices)
    # The subtree drawn from: the bases under this organisation.
    area = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("抽检范围"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    stratify = models.CharField(
        _("分层方式"), max_length=10, choices=Stratify.choices, blank=True, default=""
    )
    size_kind = models.CharField(_("样本量方式"), max_length=10, choices=SizeKind.choices)
    size_value = models.DecimalField(_("样本量"), max_digits=10, decimal_places=2)
    sample_size = models.PositiveIntegerField(_("抽中数量"))
    population_size = models.PositiveIntegerField(_("总体数量"))
    seed = models.CharField(_("随机种子"), max_length=40)
    seed_entered = models.BooleanField(_("种子由抽检人填写"), default=False)
    method = models.CharField(_("抽样方法"), max_length=40)
    inputs = models.JSONField(_("抽样输入"))
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("抽检人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    drawn_at = models.DateTimeField(_("抽取时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("抽检")
        verbose_name_plural = _("抽检")
        ordering = ["-drawn_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("supervision:detail", args=[self.pk])

    @property
    def org(self) -> Any:
        return self.area

    @property
    def size_text(self) -> str:
        if self.size_kind == self.SizeKind.PERCENT:
            return f"{self.size_value.normalize():f}%"
        return str(int(self.size_value))


class Inspection(models.Model):
    """The check of one drawn class or project; the base sees it from the finding on (an
    inspection is not announced to the base before it happens)."""

    class Status(models.TextChoices):
        DRAWN = "drawn", _("已抽中")
        ASSIGNED = "assigned", _("已指派检查人")
        INSPECTED = "inspected", _("已检查，待基地回复")
        RESPONDED = "responded", _("基地已回复")
        CLOSED = "closed", _("已结案")

    class Rating(models.TextChoices):
        EXCELLENT = "excellent", _("优秀")
        GOOD = "good", _("良好")
        PASS = "pass", _("合格")
        FAIL = "fail", _("不合格")

    spot_check = models.ForeignKey(
        SpotCheck, verbose_name=_("抽检"), on_delete=models.CASCADE, related_name="inspections"
    )
    project = models.ForeignKey(
        "projects.Project", verbose_name=_("培训项目"), on_delete=models.PROTECT, related_name="+"
    )
    training_class = models.ForeignKey(
        "classes.TrainingClass",
        verbose_name=_("班次"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The project's base, kept here so that scope and filters need no join through the project.
    base = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("承训单位"), on_delete=models.PROTECT, related_name="+"
    )
    stratum = models.CharField(_("所在层"), max_length=40, blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.DRAWN, db_index=True
    )
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("检查人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspections",
    )
    assigned_at = models.DateTimeField(_("指派时间"), null=True, blank=True)
    findings = models.TextField(_("检查发现"), blank=True)
    rating = models.CharField(_("评价等级"), max_length=10, choices=Rating.choices, blank=True)
    inspected_at = models.DateTimeField(_("检查时间"), null=True, blank=True)
    response = models.TextField(_("基地回复"), blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("回复人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    responded_at = models.DateTimeField(_("回复时间"), null=True, blank=True)
    closing_note = models.CharField(_("结案意见"), max_length=500, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("结案人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("检查")
        verbose_name_plural = _("检查")
        ordering = ["spot_check", "pk"]

    def __str__(self) -> str:
        return str(self.training_class or self.project)

    def get_absolute_url(self) -> str:
        return reverse("supervision:inspection", args=[self.pk])

    @property
    def org(self) -> Any:
        return self.base

    @property
    def score(self) -> int | None:
        return RATING_SCORES.get(self.rating)

    @property
    def status_css(self) -> str:
        return STATUS_BADGES[self.status]


# A rating as a score 0–100: the middle of the usual bands of a Chinese assessment (优秀 90–100,
# 良好 80–89, 合格 60–79, 不合格 below 60), so that a base's mean reads like its other scores.
RATING_SCORES: dict[str, int] = {
    Inspection.Rating.EXCELLENT: 95,
    Inspection.Rating.GOOD: 85,
    Inspection.Rating.PASS: 70,
    Inspection.Rating.FAIL: 30,
}

S = Inspection.Status
# The one transition table of an inspection; an admin may hand an assigned check to another
# inspector until it is done.
MOVES: dict[str, frozenset[str]] = {
    S.DRAWN: frozenset({S.ASSIGNED}),
    S.ASSIGNED: frozenset({S.ASSIGNED, S.INSPECTED}),
    S.INSPECTED: frozenset({S.RESPONDED}),
    S.RESPONDED: frozenset({S.CLOSED}),
}
# One colour per state beside its word (UX.md): amber while someone must act, green once closed.
STATUS_BADGES = {
    S.DRAWN: "sp-badge-off",
    S.ASSIGNED: "sp-badge-warn",
    S.INSPECTED: "sp-badge-warn",
    S.RESPONDED: "sp-badge-warn",
    S.CLOSED: "sp-badge-ok",
}
# From these states on the base sees the inspection (and is told of it).
SEEN_BY_BASE = frozenset({S.INSPECTED, S.RESPONDED, S.CLOSED})


def file_path(instance: "InspectionFile", filename: str) -> str:
    """A random stored name; the uploader's file name is kept in ``name`` only."""
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"supervision/{instance.inspection_id}/{uuid.uuid4().hex}{suffix}"


class InspectionFile(models.Model):
    """A photo or document of a finding (the inspector's) or of a response (the base's)."""

    class Kind(models.TextChoices):
        FINDING = "finding", _("检查材料")
        RESPONSE = "response", _("回复材料")

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("检查"), on_delete=models.CASCADE, related_name="files"
    )
    kind = models.CharField(_("类别"), max_length=10, choices=Kind.choices)
    file = models.FileField(_("文件"), upload_to=file_path)
    name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小（字节）"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("检查附件")
        verbose_name_plural = _("检查附件")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_image(self) -> bool:
        return PurePath(self.name).suffix.lower() in {".jpg", ".jpeg", ".png"}
