from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Quota(models.Model):
    """Seats of one programme item given to a region or an organisation.

    A quota with a parent was split from it by the parent's receiver. The seat counters are
    changed only by ``quotas.services`` with conditional UPDATEs (STYLE.md §2):
    ``seats_split`` is the sum of the children's seats, ``seats_held`` the seats held by live
    enrollments on this very quota; what is left here serves receivers below without a quota of
    their own.
    """

    programme = models.ForeignKey(
        "programmes.Programme", verbose_name=_("培训计划"), on_delete=models.CASCADE
    )
    item = models.CharField(_("培训项目代码"), max_length=40)
    region = models.ForeignKey(
        "orgs.Region",
        verbose_name=_("地区"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    org = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="quotas",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级名额"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    seats = models.PositiveIntegerField(_("名额"))
    seats_split = models.PositiveIntegerField(_("已下分"), default=0, editable=False)
    seats_held = models.PositiveIntegerField(_("已占用"), default=0, editable=False)
    on_demand = models.BooleanField(
        _("按需报名"), default=False, help_text=_("通知未分到地区，由上一级统筹。")
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("名额")
        verbose_name_plural = _("名额")
        ordering = ["programme", "item", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(region__isnull=False) & Q(org__isnull=True))
                | (Q(region__isnull=True) & Q(org__isnull=False)),
                name="quota_one_receiver",
            ),
            models.CheckConstraint(
                condition=Q(seats__gte=models.F("seats_split") + models.F("seats_held")),
                name="quota_not_oversubscribed",
            ),
            models.UniqueConstraint(
                fields=["programme", "item", "region"],
                condition=Q(region__isnull=False),
                name="quota_unique_region",
            ),
            models.UniqueConstraint(
                fields=["programme", "item", "org"],
                condition=Q(org__isnull=False),
                name="quota_unique_org",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.receiver_name} {self.item} {self.seats}"

    @property
    def receiver_name(self) -> str:
        return self.region.name if self.region_id else self.org.name

    @property
    def seats_free(self) -> int:
        """Seats neither split down nor held: what this receiver can still give or use."""
        return self.seats - self.seats_split - self.seats_held


class QuotaChange(models.Model):
    """One change of a quota's seats, for the change history beside the table."""

    quota = models.ForeignKey(Quota, on_delete=models.CASCADE, related_name="changes")
    actor = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    seats_before = models.PositiveIntegerField(_("调整前"), null=True, blank=True)
    seats_after = models.PositiveIntegerField(_("调整后"))
    reason = models.CharField(_("原因"), max_length=200, blank=True)
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("名额调整记录")
        verbose_name_plural = _("名额调整记录")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.quota}: {self.seats_before} → {self.seats_after}"
