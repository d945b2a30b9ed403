import uuid
from decimal import Decimal
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from shipei.core import majors
from shipei.orgs.models import Designation


class Project(models.Model):
    """A training project a base offers under a programme (DOMAIN.md §4, §5)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("已提交")
        IN_REVIEW = "in_review", _("评审中")
        RETURNED = "returned", _("退回修改")
        APPROVED = "approved", _("评审通过")
        REJECTED = "rejected", _("未通过")
        PUBLISHED = "published", _("已发布")
        ENROLLING = "enrolling", _("报名中")
        ENROLLMENT_CLOSED = "enrollment_closed", _("报名结束")
        RUNNING = "running", _("实施中")
        COMPLETED = "completed", _("已完成")
        CANCELLED = "cancelled", _("已撤销")

    class Mode(models.TextChoices):
        OFFLINE = "offline", _("线下集中")
        ONLINE = "online", _("线上")
        BLENDED = "blended", _("线上线下结合")

    programme = models.ForeignKey(
        "programmes.Programme",
        verbose_name=_("培训计划"),
        on_delete=models.PROTECT,
        related_name="projects",
    )
    # The programme's policy revision the project was applied under (PolicyRevision).
    policy_revision = models.PositiveIntegerField(_("政策版本"), default=1)
    item = models.CharField(_("项目类别"), max_length=40)
    base = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("承训单位"),
        on_delete=models.PROTECT,
        related_name="projects",
    )
    base_kind = models.CharField(
        _("基地类型"), max_length=30, choices=Designation.Kind.choices, blank=True
    )
    # A draft may be incomplete; submission checks that everything is there (services).
    title = models.CharField(_("项目名称"), max_length=200)
    mode = models.CharField(_("培训方式"), max_length=10, choices=Mode.choices, blank=True)
    days = models.PositiveSmallIntegerField(
        _("培训天数"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    hours = models.DecimalField(
        _("学时"),
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.5"))],
    )
    fee_yuan = models.PositiveIntegerField(_("收费标准（元/人）"), default=0)
    audience = models.CharField(_("培训对象"), max_length=300, blank=True)
    # The 专业类 (职业教育专业目录) the project trains: a major-match rule of eligibility holds
    # a teacher's 专业类 against them (notice 003: 附件1's 重点专业类).
    field_classes = models.JSONField(_("面向专业类"), default=list, blank=True)
    outline = models.TextField(_("内容大纲"), blank=True)
    practice_share = models.DecimalField(
        _("实践课程占比"),
        max_digits=4,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    video_share = models.DecimalField(
        _("视频资源占比"),
        max_digits=4,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    status_reason = models.CharField(_("说明"), max_length=500, blank=True)
    review_round = models.PositiveSmallIntegerField(_("评审轮次"), default=0)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("培训项目")
        verbose_name_plural = _("培训项目")
        ordering = ["-updated_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("projects:detail", args=[self.pk])

    @property
    def org(self) -> Any:
        return self.base

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE

    def clean(self) -> None:
        unknown = [c for c in self.field_classes or [] if c not in majors.class_names()]
        if unknown:
            raise ValidationError(
                {
                    "field_classes": _("“%(v)s”不是职业教育专业目录中的专业类。")
                    % {"v": "、".join(unknown)}
                }
            )

    @property
    def item_label(self) -> str:
        return next((i.label for i in self.programme.rules.items if i.code == self.item), self.item)

    @property
    def length_notes(self) -> dict[str, str]:
        """Where the project's days or hours differ from what the notice gives its item (002:
        "项目时长一般为 7 天左右"): shown beside them to the base, the experts and the office,
        who judge the 项目时长 in the review; a usual length is not a hard limit."""
        try:
            lineage = self.programme.rules.lineage(self.item)
        except StopIteration:
            return {}
        days = next((i.days for i in lineage if i.days is not None), None)
        hours = next((i.hours for i in lineage if i.hours is not None), None)
        out = {}
        if days and self.days and self.days != days:
            out["days"] = str(_("通知所定为 %(n)s 天左右") % {"n": days})
        if hours and self.hours is not None and self.hours < hours:
            out["hours"] = str(_("少于通知所定的 %(n)s 学时") % {"n": f"{hours.normalize():f}"})
        return out

    @property
    def status_css(self) -> str:
        """The badge class of the status, the same on every page (STATUS_BADGES)."""
        return STATUS_BADGES[self.status]


def attachment_path(instance: "ProjectAttachment", filename: str) -> str:
    """A random stored name: the uploader's file name is kept in ``name`` only, so it can
    neither collide nor reach outside the project's folder."""
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"projects/{instance.project_id}/{uuid.uuid4().hex}{suffix}"


Status = Project.Status
# The one transition table of a project (DOMAIN.md §5): returned projects are fixed and
# resubmitted; a project can be cancelled until it runs.
MOVES: dict[str, frozenset[str]] = {
    Status.DRAFT: frozenset({Status.SUBMITTED, Status.CANCELLED}),
    Status.SUBMITTED: frozenset({Status.IN_REVIEW, Status.CANCELLED}),
    Status.IN_REVIEW: frozenset(
        {Status.APPROVED, Status.RETURNED, Status.REJECTED, Status.CANCELLED}
    ),
    Status.RETURNED: frozenset({Status.SUBMITTED, Status.CANCELLED}),
    Status.APPROVED: frozenset({Status.PUBLISHED, Status.CANCELLED}),
    Status.PUBLISHED: frozenset({Status.ENROLLING, Status.CANCELLED}),
    Status.ENROLLING: frozenset({Status.ENROLLMENT_CLOSED, Status.CANCELLED}),
    Status.ENROLLMENT_CLOSED: frozenset({Status.RUNNING, Status.CANCELLED}),
    Status.RUNNING: frozenset({Status.COMPLETED}),
}
# The base fills in and changes the application only in these states.
EDITABLE = frozenset({Status.DRAFT, Status.RETURNED})
# Projects that hold a place under the base's cap (notice 002, 二).
LIVE = frozenset(
    {
        Status.SUBMITTED,
        Status.IN_REVIEW,
        Status.APPROVED,
        Status.PUBLISHED,
        Status.ENROLLING,
        Status.ENROLLMENT_CLOSED,
        Status.RUNNING,
        Status.COMPLETED,
    }
)
# What teachers see in the catalogue: published projects and what becomes of them.
LISTED = frozenset(
    {Status.PUBLISHED, Status.ENROLLING, Status.ENROLLMENT_CLOSED, Status.RUNNING, Status.COMPLETED}
)
# Projects whose classes take enrollments: published by the ministry, enrollment not closed.
ENROLLABLE = frozenset({Status.PUBLISHED, Status.ENROLLING})
# The moves of a published project as it runs (services.project_advance), each with its audit
# code, and what each state lets people do, shown on the project's page.
ADVANCES = {
    Status.ENROLLING: "project.enrollment_opened",
    Status.ENROLLMENT_CLOSED: "project.enrollment_closed",
    Status.RUNNING: "project.started",
    Status.COMPLETED: "project.completed",
}
STATE_ALLOWS = {
    Status.PUBLISHED: _("教师可在项目目录中查看并报名。"),
    Status.ENROLLING: _("正在接受报名。"),
    Status.ENROLLMENT_CLOSED: _("报名已截止，不再接受报名；开始培训后可记录考勤。"),
    Status.RUNNING: _("培训进行中：可记录考勤，不再接受报名；培训结束后进行考核、发放结业证书。"),
    Status.COMPLETED: _("培训已结束：可进行考核、发放结业证书，不再接受报名和考勤。"),
}
# One colour per status wherever a project's status is shown, always with its word (UX.md):
# amber between stages (in review, returned, enrollment closed before the training runs), green
# once approved, grey for drafts and dead ends. Pages show it through the `status_badge` filter.
STATUS_BADGES = {
    Status.DRAFT: "sp-badge-off",
    Status.SUBMITTED: "sp-badge-warn",
    Status.IN_REVIEW: "sp-badge-warn",
    Status.RETURNED: "sp-badge-warn",
    Status.APPROVED: "sp-badge-ok",
    Status.REJECTED: "sp-badge-off",
    Status.PUBLISHED: "sp-badge-ok",
    Status.ENROLLING: "sp-badge-ok",
    Status.ENROLLMENT_CLOSED: "sp-badge-warn",
    Status.RUNNING: "sp-badge-ok",
    Status.COMPLETED: "sp-badge-ok",
    Status.CANCELLED: "sp-badge-off",
}


class ProjectAttachment(models.Model):
    project = models.ForeignKey(
        Project, verbose_name=_("培训项目"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("文件"), upload_to=attachment_path)
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
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class Review(models.Model):
    """One expert's review of one project: assigned by a national admin, scored per criterion."""

    project = models.ForeignKey(
        Project, verbose_name=_("培训项目"), on_delete=models.CASCADE, related_name="reviews"
    )
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("评审专家"),
        on_delete=models.PROTECT,
        related_name="reviews",
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("分配人"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    assigned_at = models.DateTimeField(_("分配时间"), auto_now_add=True)
    round = models.PositiveSmallIntegerField(_("评审轮次"), default=1)
    scores = models.JSONField(_("分项得分"), default=dict)
    total = models.PositiveIntegerField(_("总分"), null=True, blank=True)
    comment = models.TextField(_("评审意见"), blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("专家评审")
        verbose_name_plural = _("专家评审")
        ordering = ["project", "round", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "expert", "round"], name="review_unique_expert_round"
            )
        ]

    def __str__(self) -> str:
        return f"{self.project} / {self.expert}"

    def get_absolute_url(self) -> str:
        return reverse("projects:review", args=[self.pk])

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


class BaseCapOverride(models.Model):
    """A base's cap for one kind and year, set by the annual assessment of the year before
    (notice 002, 二: 根据项目执行情况对基地发布数量进行动态调整). It replaces the policy's
    ``base_caps.per_kind`` for the programmes of that year whose policy adjusts caps by
    performance (``base_caps.adjusted_by_performance``); the assessment writes it through
    ``services.base_cap_set``, so this app never needs to know how it was scored."""

    base = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("培训基地"),
        on_delete=models.CASCADE,
        related_name="cap_overrides",
    )
    kind = models.CharField(_("基地类型"), max_length=30, choices=Designation.Kind.choices)
    year = models.PositiveSmallIntegerField(_("适用年度"))
    cap = models.PositiveIntegerField(_("项目数上限"))
    # The programme whose assessment set it, and why, as shown beside the cap.
    source = models.ForeignKey(
        "programmes.Programme",
        verbose_name=_("依据的培训计划"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.CharField(_("说明"), max_length=300)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认人"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    set_at = models.DateTimeField(_("确认时间"), auto_now=True)

    class Meta:
        verbose_name = _("基地项目数上限调整")
        verbose_name_plural = _("基地项目数上限调整")
        ordering = ["-year", "base", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["base", "kind", "year"], name="cap_override_once")
        ]

    def __str__(self) -> str:
        return f"{self.base} {self.year} {self.cap}"

    @property
    def org(self) -> Any:
        return self.base
