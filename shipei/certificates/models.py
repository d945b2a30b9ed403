from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def mask_name(name: str) -> str:
    """A holder's name as the public page shows it: the surname, a star for each other
    character."""
    return name if len(name) <= 1 else name[0] + "*" * (len(name) - 1)


class Certificate(models.Model):
    """A completion certificate (结业证书) of one enrollment, for its item or its phase.

    Its number is never reused: a revoked certificate keeps it, a re-issue takes a new one and
    links to the old (``replaces``). ``credential`` is the signed Open Badges 3.0 credential
    (VC-JWT) and ``qr_payload`` the compact signed text the printed QR code carries.
    """

    class Status(models.TextChoices):
        VALID = "valid", _("有效")
        REVOKED = "revoked", _("已撤销")

    class Reason(models.TextChoices):
        ERROR = "error", _("证书信息有误")
        REISSUED = "reissued", _("已换发新证书")
        NOT_QUALIFIED = "not_qualified", _("不符合结业条件")
        MISCONDUCT = "misconduct", _("违反培训纪律或考核作弊")
        OTHER = "other", _("其他原因")

    enrollment = models.ForeignKey(
        "enrollment.Enrollment",
        verbose_name=_("报名"),
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    person = models.ForeignKey(
        "accounts.Person", verbose_name=_("持证人"), on_delete=models.PROTECT, related_name="+"
    )
    programme = models.ForeignKey(
        "programmes.Programme",
        verbose_name=_("培训计划"),
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    # The item, or its phase where the policy issues per phase (``certificate.per``).
    item = models.CharField(_("培训项目代码"), max_length=40)
    # As printed, kept as issued: a later edit of a name or the policy changes no certificate.
    holder_name = models.CharField(_("姓名"), max_length=100)
    programme_title = models.CharField(_("培训计划"), max_length=300)
    title = models.CharField(_("培训名称"), max_length=300)
    hours = models.DecimalField(_("学时"), max_digits=6, decimal_places=1, null=True, blank=True)
    starts_on = models.DateField(_("培训开始日期"), null=True, blank=True)
    ends_on = models.DateField(_("培训结束日期"), null=True, blank=True)
    issuer = models.CharField(_("发证单位"), max_length=200)
    issued_on = models.DateField(_("发证日期"))
    number = models.CharField(_("证书编号"), max_length=80, unique=True)
    series = models.ForeignKey(
        "certificates.NumberSeries", on_delete=models.PROTECT, related_name="+"
    )
    serial = models.PositiveIntegerField(_("流水号"))
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.VALID
    )
    revoked_on = models.DateField(_("撤销日期"), null=True, blank=True)
    revoked_reason = models.CharField(
        _("撤销原因"), max_length=20, choices=Reason.choices, blank=True
    )
    revoked_note = models.CharField(_("撤销说明"), max_length=500, blank=True)
    replaces = models.OneToOneField(
        "self",
        verbose_name=_("换发自"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
    )
    credential = models.TextField(_("签名凭证（VC-JWT）"), editable=False)
    qr_payload = models.TextField(_("二维码内容"), editable=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("签发人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    batch = models.ForeignKey(
        "certificates.Batch",
        verbose_name=_("批量发证"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="certificates",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("结业证书")
        verbose_name_plural = _("结业证书")
        ordering = ["-issued_on", "-pk"]
        constraints = [
            # One valid certificate per person and item (or phase), whatever issues it: a
            # batch run twice, two admins at once.
            models.UniqueConstraint(
                fields=["programme", "person", "item"],
                condition=Q(status="valid"),
                name="certificate_one_valid",
            ),
            models.UniqueConstraint(fields=["series", "serial"], name="certificate_serial_once"),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("certificates:detail", args=[self.pk])

    @property
    def org(self) -> Any:
        """Whom its audit entries concern: the holder's organisation (for its supervisors)."""
        return self.enrollment.org

    @property
    def is_valid(self) -> bool:
        return self.status == self.Status.VALID

    @property
    def masked_name(self) -> str:
        """The holder's name as the public page shows it (mask_name)."""
        return mask_name(self.holder_name)


class NumberSeries(models.Model):
    """The counter of one certificate number series: the number format with everything but the
    serial filled in (``ZJSZ-2026-{serial:05d}``). Its row is locked while a number is taken and
    the certificate written, in one transaction, so numbers are gap-free even when two batches
    issue at the same moment: a rolled-back certificate gives its serial back."""

    key = models.CharField(max_length=120, unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return self.key


class Batch(models.Model):
    """Issuing every eligible enrollment of a class or a programme in the background.

    Resumable: each certificate commits on its own, so a worker killed mid-batch loses at most
    the one it was writing (rolled back with its number), and a run again (the schedule's sweep,
    or the admin's 继续) skips those already holding a certificate."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("发证中")
        DONE = "done", _("已完成")

    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.CASCADE, related_name="certificate_batches"
    )
    training_class = models.ForeignKey(
        "classes.TrainingClass",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="certificate_batches",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    # The enrollments it covers, fixed when it starts: progress is issued over total.
    enrollment_ids = models.JSONField(default=list)
    # Enrollments it passed over, with the reason (id -> Chinese reason).
    skipped = models.JSONField(default=dict)
    # Last sign of life of the worker running it: a batch silent for long is run again.
    beat_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.programme} · {self.training_class or ''}"

    @property
    def total(self) -> int:
        return len(self.enrollment_ids)
