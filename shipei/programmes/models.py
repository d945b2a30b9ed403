from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from shipei.orgs.models import Organisation

from .policy import CURRENT_VERSION, PolicyV1, parse_policy

# The kinds of organisation that issue notices (and so may own a programme).
OWNER_KINDS = (
    Organisation.Kind.MINISTRY,
    Organisation.Kind.MINISTRY_UNIT,
    Organisation.Kind.PROVINCE_EDU,
    Organisation.Kind.PROVINCE_HR,
)


class Programme(models.Model):
    """One notice: its identity and its policy (everything that differs between notices)."""

    code = models.SlugField(_("代码"), max_length=60, unique=True)
    title = models.CharField(_("名称"), max_length=200)
    year = models.PositiveSmallIntegerField(_("年度"), null=True, blank=True)  # 004 has none
    issuer = models.CharField(_("发文单位"), max_length=100, blank=True)
    document_number = models.CharField(_("文号"), max_length=60, blank=True)
    issued_on = models.DateField(_("发文日期"), null=True, blank=True)
    owner = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("主管单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="programmes",
    )
    notice_text = models.TextField(_("通知原文"), blank=True)
    notice_file = models.FileField(
        _("通知文件"), upload_to="programmes/notices/", blank=True, max_length=200
    )
    policy = models.JSONField(_("政策配置"))
    policy_version = models.PositiveSmallIntegerField(_("配置版本"), default=CURRENT_VERSION)
    preset = models.CharField(_("来源预设"), max_length=60, blank=True)
    preset_digest = models.CharField(_("预设摘要"), max_length=64, blank=True, editable=False)
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
        verbose_name = _("培训计划")
        verbose_name_plural = _("培训计划")
        ordering = ["-year", "code"]

    def __str__(self) -> str:
        if self.year and str(self.year) not in self.title:
            return f"{self.year} {self.title}"
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("programmes:detail", args=[self.pk])

    @property
    def rules(self) -> PolicyV1:
        """The typed policy, validated against the schema version it was written with."""
        cached = self.__dict__.get("_rules")
        if cached is None:
            cached = self.__dict__["_rules"] = parse_policy(
                self.policy, version=self.policy_version
            )
        return cached
