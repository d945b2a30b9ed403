from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from shipei.core import identifiers, pii
from shipei.programmes.policy import CHANNEL_LABELS


class Enrollment(models.Model):
    """A teacher's way into one programme item (phase/field, project or course), and into a
    class where the item has classes; it moves through the programme's approval chain.

    While ``holds_seat`` it holds one seat of ``quota`` (and of its class): only
    ``enrollment.seats`` changes these, together with the quota's counter (STYLE.md §2).
    """

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("审核中")
        RETURNED = "returned", _("退回修改")
        WAITLISTED = "waitlisted", _("候补")
        ADMITTED = "admitted", _("已录取")
        REJECTED = "rejected", _("未通过")
        WITHDRAWN = "withdrawn", _("已撤回")
        NO_SHOW = "no_show", _("未报到")
        ATTENDING = "attending", _("参训中")
        PASSED = "passed", _("已结业")
        FAILED = "failed", _("未结业")

    class Channel(models.TextChoices):
        SELF_REGISTRATION = "self_registration", CHANNEL_LABELS["self_registration"]
        NOMINATION = "nomination", CHANNEL_LABELS["nomination"]
        SIGNUP_TABLE = "signup_table", CHANNEL_LABELS["signup_table"]
        COORDINATOR_ENROLLMENT = "coordinator_enrollment", CHANNEL_LABELS["coordinator_enrollment"]

    # Indexes: each one is written with every submission, so only those reads need. The
    # programme's is the (programme, status) index below; status alone picks out too many rows
    # to be worth one.
    programme = models.ForeignKey(
        "programmes.Programme",
        verbose_name=_("培训计划"),
        on_delete=models.PROTECT,
        related_name="enrollments",
        db_index=False,
    )
    item = models.CharField(_("培训项目代码"), max_length=40)
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("培训项目"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enrollments",
    )
    training_class = models.ForeignKey(
        "classes.TrainingClass",
        verbose_name=_("班次"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enrollments",
    )
    # The training base whose step of the chain the enrollment waits at: its project's, or the
    # one its item names (an item run by one base, without projects).
    base = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("承训基地"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    person = models.ForeignKey(
        "accounts.Person",
        verbose_name=_("学员"),
        on_delete=models.PROTECT,
        related_name="enrollments",
    )
    org = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("所在单位"),
        on_delete=models.PROTECT,
        related_name="enrollments",
    )
    channel = models.CharField(_("报名方式"), max_length=30, choices=Channel.choices)
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.SUBMITTED
    )
    step = models.PositiveSmallIntegerField(_("当前审核环节"), default=0)
    # The programme's policy revision the enrollment was made under: its approval chain is that
    # revision's, so that a later edit of the chain never strands it.
    policy_revision = models.PositiveIntegerField(_("政策版本"), default=1)
    quota = models.ForeignKey(
        "quotas.Quota",
        verbose_name=_("名额"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enrollments",
    )
    holds_seat = models.BooleanField(_("占用名额"), default=False, editable=False)
    live = models.BooleanField(_("有效"), default=True, editable=False)
    # What the policy's one_active_per counts live enrollments by (``live_key``): the item's
    # code, "*" for the whole programme, NULL for no limit. One live enrollment per person and
    # key is the table's unique constraint; fixed when the enrollment is made.
    live_key = models.CharField(max_length=40, null=True, blank=True, editable=False)
    reason = models.CharField(_("说明"), max_length=500, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The one-time key of the form or API request that made it: a second submission with the
    # same key (double click, retry) finds this enrollment instead of making another.
    submission_key = models.CharField(max_length=64, null=True, blank=True, editable=False)
    submitted_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    decided_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    # Not stored: True on an enrollment that enrollment_submit found by its key (a resubmitted
    # form) rather than made.
    replayed = False
    # Not stored: a new enrollment's history as the service wrote it (its answer shows it).
    history: list["EnrollmentEvent"] | None = None

    class Meta:
        verbose_name = _("报名")
        verbose_name_plural = _("报名")
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            # One live enrollment per person and key (per item, per programme, or none, as the
            # policy's one_active_per says), whichever channel or import brings it.
            models.UniqueConstraint(
                fields=["programme", "person", "live_key"],
                condition=Q(live=True),
                name="enrollment_one_live_per_key",
            ),
            # A constraint rather than unique=True: without the second, pattern-matching index
            # PostgreSQL gets for a unique text column, which no read uses.
            models.UniqueConstraint(fields=["submission_key"], name="enrollment_submission_key"),
        ]
        indexes = [models.Index(fields=["programme", "status"])]

    def __str__(self) -> str:
        return f"{self.person} · {self.item}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self._state.adding and self.live_key is None:
            self.live_key = live_key(self.programme.rules.enrollment.one_active_per, self.item)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("enrollment:detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.SUBMITTED, self.Status.RETURNED)

    @property
    def status_css(self) -> str:
        """The badge class of the status, the same on every page (STATUS_BADGES)."""
        return STATUS_BADGES[self.status]


def live_key(one_active_per: str, item: str) -> str | None:
    """The key a live enrollment for `item` is counted by under the policy's one_active_per:
    one live enrollment per person and key (the table's constraint)."""
    return {"item": item, "programme": "*"}.get(one_active_per)


LIVE = (
    Enrollment.Status.SUBMITTED,
    Enrollment.Status.RETURNED,
    Enrollment.Status.WAITLISTED,
    Enrollment.Status.ADMITTED,
    Enrollment.Status.ATTENDING,
    Enrollment.Status.PASSED,
    Enrollment.Status.FAILED,
)
# Every approval step taken: admitted, and what follows admission.
CHAIN_COMPLETED = (
    Enrollment.Status.ADMITTED,
    Enrollment.Status.ATTENDING,
    Enrollment.Status.PASSED,
    Enrollment.Status.FAILED,
)

# One colour per status wherever an enrollment's status is shown, always with its word (colour
# is never the only cue, UX.md): amber while someone still has to act, green once admitted,
# grey when it ended without the training. Pages show it through the `status_badge` filter.
STATUS_BADGES = {
    Enrollment.Status.SUBMITTED: "sp-badge-warn",
    Enrollment.Status.RETURNED: "sp-badge-warn",
    Enrollment.Status.WAITLISTED: "sp-badge-warn",
    Enrollment.Status.ADMITTED: "sp-badge-ok",
    Enrollment.Status.ATTENDING: "sp-badge-ok",
    Enrollment.Status.PASSED: "sp-badge-ok",
    Enrollment.Status.REJECTED: "sp-badge-off",
    Enrollment.Status.WITHDRAWN: "sp-badge-off",
    Enrollment.Status.NO_SHOW: "sp-badge-off",
    Enrollment.Status.FAILED: "sp-badge-off",
}


class EnrollmentEvent(models.Model):
    """One step in an enrollment's history: who did what, when and why."""

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("操作"), max_length=30)
    step = models.PositiveSmallIntegerField(_("环节"), null=True, blank=True)
    step_label = models.CharField(_("环节名称"), max_length=200, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reason = models.CharField(_("说明"), max_length=500, blank=True)
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    # The event is also the outbox of its notices (outbox.py, notices.py): what the messages
    # say is fixed when the event happens, and they go out in batches after the commit.
    # Defaults in the database too: a server still running the code before them can write.
    status = models.CharField(_("当时状态"), max_length=20, blank=True, db_default="")
    arrives_at = models.PositiveSmallIntegerField(_("到达环节"), null=True, blank=True)
    admitted = models.BooleanField(_("已录取"), default=False, db_default=False)
    notified_at = models.DateTimeField(_("通知时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("报名记录")
        verbose_name_plural = _("报名记录")
        ordering = ["at", "pk"]
        indexes = [
            models.Index(
                fields=["id"], condition=Q(notified_at__isnull=True), name="event_to_notify"
            )
        ]

    def __str__(self) -> str:
        return f"{self.enrollment_id} {self.action}"


class ParticipantList(models.Model):
    """A province's participant list as submitted (notice 003 附件3), one version per
    submission: what it held, what changed since the last version, the stamped scan, and
    where it went after (received by the programme's office, forwarded to the bases)."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("已报送")
        RECEIVED = "received", _("已接收")
        FORWARDED = "forwarded", _("已转发承训基地")

    programme = models.ForeignKey(
        "programmes.Programme",
        verbose_name=_("培训计划"),
        on_delete=models.PROTECT,
        related_name="participant_lists",
    )
    province = models.ForeignKey(
        "orgs.Region", verbose_name=_("省份"), on_delete=models.PROTECT, related_name="+"
    )
    item = models.CharField(_("培训项目代码"), max_length=40, blank=True)
    version = models.PositiveIntegerField(_("版本"))
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.SUBMITTED
    )
    to = models.CharField(_("报送至"), max_length=200, blank=True)
    # Who was on it: [{"id", "person", "name", "org", "item"}] (no ID numbers).
    rows = models.JSONField(_("名单"), default=list)
    added = models.JSONField(_("新增"), default=list)
    removed = models.JSONField(_("删除"), default=list)
    scan = models.FileField(
        _("盖章扫描件"), upload_to="enrollment/lists/", blank=True, max_length=200
    )
    client_key = models.CharField(max_length=64, null=True, blank=True, editable=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("报送时间"), auto_now_add=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    received_at = models.DateTimeField(_("接收时间"), null=True, blank=True)
    forwarded_at = models.DateTimeField(_("转发时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("参训名单")
        verbose_name_plural = _("参训名单")
        ordering = ["programme", "province", "item", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "province", "item", "version"], name="participant_list_version"
            ),
            models.UniqueConstraint(fields=["client_key"], name="participant_list_client_key"),
        ]

    def __str__(self) -> str:
        return f"{self.province} {self.item or '全部'} v{self.version}"


CONTACT_MOBILE_CONTEXT = "province_contact.mobile"


class ProvinceContact(models.Model):
    """The province's 省级负责人 or 省级联系人 for a programme (notice 000 附件2), entered by the
    province before registration opens and printed on its 参训信息汇总表. The mobile is
    personal data: kept encrypted, shown masked unless a full export is asked for."""

    class Duty(models.TextChoices):
        LEAD = "lead", _("省级负责人")
        CONTACT = "contact", _("省级联系人")

    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.CASCADE, related_name="province_contacts"
    )
    province = models.ForeignKey("orgs.Region", on_delete=models.PROTECT, related_name="+")
    duty = models.CharField(_("职责范围"), max_length=10, choices=Duty.choices)
    name = models.CharField(_("姓名"), max_length=50)
    post = models.CharField(_("部门职务"), max_length=100, blank=True)
    office_phone = models.CharField(_("办公电话"), max_length=30, blank=True)
    mobile_cipher = models.TextField(_("手机（加密）"), blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("省级负责人及联系人")
        verbose_name_plural = _("省级负责人及联系人")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "province", "duty"], name="one_contact_per_duty"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_duty_display()} {self.name}"

    def mobile(self) -> str:
        return (
            pii.decrypt(self.mobile_cipher, context=CONTACT_MOBILE_CONTEXT)
            if self.mobile_cipher
            else ""
        )

    def set_mobile(self, mobile: str) -> None:
        self.mobile_cipher = pii.encrypt(mobile, context=CONTACT_MOBILE_CONTEXT) if mobile else ""

    @property
    def mobile_masked(self) -> str:
        return identifiers.mask_mobile(self.mobile())


class Application(models.Model):
    """A trainee's answers to the programme's application form (``enrollment.application_form``,
    notice 004: 参训申请表, 附件1), made with the enrollment. Facts of the teacher's record (ID
    number, mobile) are not copied here: they are read from the record, masked unless asked."""

    enrollment = models.OneToOneField(
        Enrollment, verbose_name=_("报名"), on_delete=models.CASCADE, related_name="application"
    )
    # {question code: answer}; a rating's answer is {row: choice}, a declaration's True.
    answers = models.JSONField(_("填写内容"), default=dict)
    signed_at = models.DateTimeField(_("声明确认时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("填写时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("参训申请表")
        verbose_name_plural = _("参训申请表")

    def __str__(self) -> str:
        return f"{self.enrollment} 申请表"
