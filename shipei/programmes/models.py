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
    # A label programmes share (国培计划, 省培计划 ...): eligibility can bar a teacher live in
    # another programme of the same kind (``Eligibility.not_elsewhere_same_kind``).
    kind = models.CharField(_("计划类别"), max_length=40, blank=True)
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
    # The number of the policy's current revision (PolicyRevision): every saved edit is one.
    revision = models.PositiveIntegerField(_("政策版本"), default=1)
    preset = models.CharField(_("来源预设"), max_length=60, blank=True)
    preset_digest = models.CharField(_("预设摘要"), max_length=64, blank=True, editable=False)
    # What the preset's author noted about reading the notice (a misprint, a setting the schema
    # cannot hold), one note a line; shown on the programme's page as 预设说明. Kept with the
    # programme, so that a copy keeps them and this app never reads the presets' folder.
    preset_notes = models.JSONField(_("预设说明"), default=list, blank=True)
    # The programme this one was copied from for another year: its quota table is accepted on
    # import (quotas.layout.previous_layout).
    copied_from = models.ForeignKey(
        "self",
        verbose_name=_("复制自"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="copies",
        editable=False,
    )
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
        """The typed policy, validated against the schema version it was written with.

        A programme fetched without its policy (``Programme.objects.defer("policy")``, as the
        busy paths do) takes the parsed policy this process already holds for the same saved
        version of the row (``updated_at`` moves with every save), and fetches and parses the
        policy only the first time: a submission in an enrollment rush then neither transfers
        nor validates the whole policy."""
        cached = self.__dict__.get("_rules")
        if cached is None:
            if "policy" in self.get_deferred_fields() and self.updated_at is not None:
                cached = _saved_rules(self)
            else:
                cached = parse_policy(self.policy, version=self.policy_version)
            self.__dict__["_rules"] = cached
        return cached


class PolicyRevision(models.Model):
    """One saved state of a programme's policy: who saved it, when and why.

    Enrollments and projects record the revision they were made under (``policy_revision``):
    an enrollment in flight keeps the approval chain it started with, whatever a later edit
    says. A revision is never changed; rolling back saves the old policy as a new one."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("培训计划"), on_delete=models.CASCADE, related_name="revisions"
    )
    number = models.PositiveIntegerField(_("版本号"))
    policy = models.JSONField(_("政策配置"))
    policy_version = models.PositiveSmallIntegerField(_("配置版本"), default=CURRENT_VERSION)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("修改人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("保存时间"), auto_now_add=True)
    reason = models.CharField(_("修改说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("政策版本")
        verbose_name_plural = _("政策版本")
        ordering = ["programme", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "number"], name="policy_revision_unique")
        ]

    def __str__(self) -> str:
        return f"{self.programme_id} v{self.number}"

    @property
    def rules(self) -> PolicyV1:
        return parse_policy(self.policy, version=self.policy_version)


class PrintedTable(models.Model):
    """A table printed in a programme's notice (an 附件), as data: the quota table that the pages,
    the export and the import lay out as the notice did, and that a preset's seats come from.

    Kept with the programme (not read from the presets' folder), so that a copy for another year
    keeps it and apps below the presets never read that folder. ``name`` is what the policy's
    ``quota.table`` gives (``001_quota.json``)."""

    programme = models.ForeignKey(
        Programme,
        verbose_name=_("培训计划"),
        on_delete=models.CASCADE,
        related_name="printed_tables",
    )
    name = models.CharField(_("名称"), max_length=100)
    data = models.JSONField(_("表格数据"))

    class Meta:
        verbose_name = _("通知附表")
        verbose_name_plural = _("通知附表")
        ordering = ["programme", "name"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "name"], name="printed_table_unique")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        """The table's heading as the notice prints it (附件2 …名额分配表), else its name."""
        data = self.data if isinstance(self.data, dict) else {}
        return (data.get("quota_table") or {}).get("title") or data.get("table") or self.name


# (pk, updated_at, policy_version) -> parsed policy; a policy object is never changed in place.
_SAVED_RULES: dict[tuple, PolicyV1] = {}
_SAVED_RULES_MAX = 256


def _saved_rules(programme: Programme) -> PolicyV1:
    key = (programme.pk, programme.updated_at, programme.policy_version)
    rules = _SAVED_RULES.get(key)
    if rules is None:
        rules = parse_policy(programme.policy, version=programme.policy_version)
        if len(_SAVED_RULES) >= _SAVED_RULES_MAX:
            _SAVED_RULES.clear()  # a few hundred programmes a year: rarely, and cheap to refill
        _SAVED_RULES[key] = rules
    return rules


# (programme id, its creation time, revision number) -> parsed policy: a revision never
# changes. The creation time tells apart programmes that reuse a rolled-back id (tests, SQLite).
_REVISION_RULES: dict[tuple, PolicyV1] = {}


def rules_of(programme: Programme, number: int | None) -> PolicyV1:
    """The policy a record made under revision `number` follows: the programme's current one
    when it is that revision (the common case, no query), else that revision's, parsed once per
    process."""
    if number is None or number == programme.revision:
        return programme.rules
    key = (programme.pk, programme.created_at, number)
    rules = _REVISION_RULES.get(key)
    if rules is None:
        revision = PolicyRevision.objects.get(programme_id=programme.pk, number=number)
        rules = parse_policy(revision.policy, version=revision.policy_version)
        if len(_REVISION_RULES) >= _SAVED_RULES_MAX:
            _REVISION_RULES.clear()
        _REVISION_RULES[key] = rules
    return rules
