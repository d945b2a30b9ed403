import uuid
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


def proof_path(instance: "Claim", filename: str) -> str:
    """A random stored name (the teacher's file name is kept in ``proof_name``)."""
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"credits/proofs/{instance.person_id}/{uuid.uuid4().hex}{suffix}"


class Claim(models.Model):
    """A teacher's training elsewhere (校外培训学时申报), with its proof; the school approves it
    into the ledger or returns it with a reason."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("待审核")
        APPROVED = "approved", _("已通过")
        RETURNED = "returned", _("已退回")

    person = models.ForeignKey(
        "accounts.Person",
        verbose_name=_("教师"),
        on_delete=models.PROTECT,
        related_name="credit_claims",
    )
    # The teacher's school when filing: whose coordinator decides, and the scope of the claim.
    org = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("学校"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("培训名称"), max_length=200)
    organiser = models.CharField(_("主办单位"), max_length=200)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    hours = models.DecimalField(_("学时"), max_digits=5, decimal_places=1)
    proof = models.FileField(_("证明材料"), upload_to=proof_path)
    proof_name = models.CharField(_("证明材料文件名"), max_length=200)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.SUBMITTED
    )
    reason = models.CharField(_("退回原因"), max_length=500, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("申报时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("校外培训学时申报")
        verbose_name_plural = _("校外培训学时申报")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # The same training claimed twice (two taps, two tabs) while the first stands.
            models.UniqueConstraint(
                fields=["person", "title", "starts_on", "ends_on"],
                condition=~Q(status="returned"),
                name="credit_claim_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.title}"


class Entry(models.Model):
    """One line of a teacher's 继续教育学时台账: a certificate that counts, or an approved claim."""

    class Source(models.TextChoices):
        CERTIFICATE = "certificate", _("平台培训")
        EXTERNAL = "external", _("校外培训")

    person = models.ForeignKey(
        "accounts.Person",
        verbose_name=_("教师"),
        on_delete=models.PROTECT,
        related_name="credit_entries",
    )
    source = models.CharField(_("来源"), max_length=12, choices=Source.choices)
    certificate = models.OneToOneField(
        "certificates.Certificate",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="credit_entry",
    )
    claim = models.OneToOneField(
        Claim, on_delete=models.CASCADE, null=True, blank=True, related_name="entry"
    )
    programme = models.ForeignKey(
        "programmes.Programme",
        verbose_name=_("培训计划"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("培训名称"), max_length=300)
    organiser = models.CharField(_("主办或发证单位"), max_length=200)
    starts_on = models.DateField(_("开始日期"), null=True, blank=True)
    ends_on = models.DateField(_("结束日期"), null=True, blank=True)
    hours = models.DecimalField(_("学时"), max_digits=6, decimal_places=1)
    number = models.CharField(_("证书编号"), max_length=80, blank=True)
    created_at = models.DateTimeField(_("记入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("学时记录")
        verbose_name_plural = _("学时记录")
        ordering = ["-year", "-ends_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(certificate__isnull=False, claim__isnull=True)
                | Q(certificate__isnull=True, claim__isnull=False),
                name="credit_entry_one_source",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.title} · {self.hours}"

    @property
    def org(self) -> Any:
        return self.person.org
