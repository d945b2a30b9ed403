from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from shipei.core import identifiers


class Region(models.Model):
    """GB/T 2260 division (provincial or prefecture level); 660000 is 新疆生产建设兵团 (ours)."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("省级")
        PREFECTURE = "prefecture", _("地级")

    code = models.CharField(_("区划代码"), max_length=6, primary_key=True)
    name = models.CharField(_("名称"), max_length=50, unique=True)
    short_name = models.CharField(_("简称"), max_length=30)
    level = models.CharField(_("级别"), max_length=12, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级区划"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    aliases = models.JSONField(_("别名"), default=list, blank=True)

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    """A node of the organisation tree; ``path`` is a materialised path of ids (``/1/5/23/``)."""

    class Kind(models.TextChoices):
        MINISTRY = "ministry", _("部委")
        MINISTRY_UNIT = "ministry_unit", _("部属司局/中心")
        PROVINCE_EDU = "province_edu", _("省级教育行政部门")
        PROVINCE_HR = "province_hr", _("省级人社部门")
        CITY_EDU = "city_edu", _("市级教育行政部门")
        CITY_HR = "city_hr", _("市级人社部门")
        SCHOOL = "school", _("学校")
        ENTERPRISE = "enterprise", _("企业")
        RESEARCH_INSTITUTE = "research_institute", _("科研院所")
        OTHER = "other", _("其他单位")

    class SchoolKind(models.TextChoices):
        SECONDARY = "secondary", _("中职")
        HIGHER = "higher", _("高职")
        UNDERGRAD_VOCATIONAL = "undergrad_vocational", _("职业本科")
        UNDERGRAD_APPLIED = "undergrad_applied", _("应用型本科")
        TECHNICAL = "technical", _("技工院校")
        GENERAL_HIGH = "general_high", _("普通高中")
        UNDERGRAD_GENERAL = "undergrad_general", _("普通本科")

    name = models.CharField(_("名称"), max_length=100, unique=True)
    name_pinyin = models.CharField(_("拼音"), max_length=300, editable=False, db_index=True)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    path = models.CharField(_("路径"), max_length=255, editable=False, db_index=True)
    depth = models.PositiveSmallIntegerField(_("层级"), default=0, editable=False)
    region = models.ForeignKey(
        Region,
        verbose_name=_("所在地区"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
    )
    school_kind = models.CharField(
        _("办学层次"), max_length=24, choices=SchoolKind.choices, blank=True
    )
    school_code = models.CharField(_("学校标识码"), max_length=10, null=True, blank=True)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, null=True, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("机构")
        verbose_name_plural = _("机构")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(
                fields=["school_code"],
                condition=Q(school_code__isnull=False),
                name="org_school_code_unique",
            ),
            models.UniqueConstraint(
                fields=["credit_code"],
                condition=Q(credit_code__isnull=False),
                name="org_credit_code_unique",
            ),
        ]
        indexes = [
            # LIKE 'prefix%' uses this on PostgreSQL in any collation; SQLite ignores opclasses.
            models.Index(
                fields=["path"], name="org_path_prefix", opclasses=["varchar_pattern_ops"]
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("orgs:detail", args=[self.pk])

    def clean(self) -> None:
        errors: dict[str, str] = {}
        kind = self.kind
        self.school_code = self.school_code or None
        self.credit_code = self.credit_code or None
        for field, cleaner in (
            ("school_code", identifiers.school_code_clean),
            ("credit_code", identifiers.credit_code_clean),
        ):
            if getattr(self, field):
                try:
                    setattr(self, field, cleaner(getattr(self, field)))
                except ValidationError as exc:
                    errors[field] = exc.messages[0]
        allowed_parents = PARENT_KINDS.get(kind, set())
        if self.parent_id is None and kind != self.Kind.MINISTRY:
            errors["parent"] = _("请选择上级单位。")
        elif self.parent_id is not None and self.parent.kind not in allowed_parents:
            errors["parent"] = _("“%(kind)s”不能设在“%(parent)s”之下。") % {
                "kind": self.get_kind_display(),
                "parent": self.parent.get_kind_display(),
            }
        if kind in (self.Kind.PROVINCE_EDU, self.Kind.PROVINCE_HR) and (
            self.region is None or self.region.level != Region.Level.PROVINCE
        ):
            errors["region"] = _("省级部门须选择省级行政区划。")
        if kind in (self.Kind.CITY_EDU, self.Kind.CITY_HR) and (
            self.region is None or self.region.level != Region.Level.PREFECTURE
        ):
            errors["region"] = _("市级部门须选择地级行政区划。")
        elif (
            kind in (self.Kind.CITY_EDU, self.Kind.CITY_HR)
            and self.parent_id
            and self.parent.region_id
            and self.region.parent_id != self.parent.region_id
        ):
            errors["region"] = _("所在地区不属于上级单位所在的省份。")
        if (
            kind
            in (
                self.Kind.SCHOOL,
                self.Kind.ENTERPRISE,
                self.Kind.RESEARCH_INSTITUTE,
                self.Kind.OTHER,
            )
            and self.region_id
            and self.parent_id
            and self.parent.region_id
            and self.region_id != self.parent.region_id
            and self.region.parent_id != self.parent.region_id
        ):
            errors["region"] = _("所在地区不在上级单位所在地区内。")
        others = Organisation.objects.exclude(pk=self.pk)
        if (
            self.school_code
            and "school_code" not in errors
            and others.filter(school_code=self.school_code).exists()
        ):
            errors["school_code"] = _("该学校标识码已被另一所学校使用。")
        if (
            self.credit_code
            and "credit_code" not in errors
            and others.filter(credit_code=self.credit_code).exists()
        ):
            errors["credit_code"] = _("该统一社会信用代码已被另一机构使用。")
        if (
            self.name
            and OrganisationAlias.objects.filter(name=self.name)
            .exclude(organisation_id=self.pk)
            .exists()
        ):
            errors["name"] = _("该名称已是另一机构的别名。")
        if kind == self.Kind.SCHOOL:
            if not self.school_kind:
                errors["school_kind"] = _("请选择办学层次。")
            elif self.school_kind != self.SchoolKind.TECHNICAL and not self.school_code:
                errors["school_code"] = _(
                    "教育部门所属学校须填写10位学校标识码（技工院校可不填）。"
                )
        else:
            if self.school_kind:
                errors["school_kind"] = _("只有学校才有办学层次。")
            if self.school_code:
                errors["school_code"] = _("只有学校才有学校标识码。")
        if kind == self.Kind.ENTERPRISE and not self.credit_code:
            errors["credit_code"] = _("企业须填写统一社会信用代码。")
        if errors:
            raise ValidationError(errors)

    @property
    def is_school(self) -> bool:
        return self.kind == self.Kind.SCHOOL

    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/") if part]


_K = Organisation.Kind
_ADMIN_KINDS = {
    _K.MINISTRY,
    _K.MINISTRY_UNIT,
    _K.PROVINCE_EDU,
    _K.PROVINCE_HR,
    _K.CITY_EDU,
    _K.CITY_HR,
}
# Which kinds may sit under which: education and human-resources lines stay parallel.
PARENT_KINDS: dict[str, set[str]] = {
    _K.MINISTRY: set(),
    _K.MINISTRY_UNIT: {_K.MINISTRY, _K.MINISTRY_UNIT},
    _K.PROVINCE_EDU: {_K.MINISTRY},
    _K.PROVINCE_HR: {_K.MINISTRY},
    _K.CITY_EDU: {_K.PROVINCE_EDU},
    _K.CITY_HR: {_K.PROVINCE_HR},
    _K.SCHOOL: _ADMIN_KINDS,
    _K.ENTERPRISE: _ADMIN_KINDS,
    _K.RESEARCH_INSTITUTE: _ADMIN_KINDS,
    _K.OTHER: _ADMIN_KINDS | {_K.SCHOOL, _K.OTHER},
}
# Kinds nothing may sit under (enterprises, research institutes): offered as no one's parent.
LEAF_KINDS = frozenset(k for k in _K if not any(k in ps for ps in PARENT_KINDS.values()))


class OrganisationAlias(models.Model):
    """Another spelling of a name, e.g. 深圳职业技术学院 for 深圳职业技术大学 (notice 003)."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("机构"), on_delete=models.CASCADE, related_name="aliases"
    )
    name = models.CharField(_("别名"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("机构别名")
        verbose_name_plural = _("机构别名")

    def __str__(self) -> str:
        return self.name


class Designation(models.Model):
    """A role an organisation holds as a training base, for a span of years."""

    class Kind(models.TextChoices):
        PRINCIPAL_BASE = "principal_base", _("国家级职业学校校长培训基地")
        DUAL_TEACHER_BASE = "dual_teacher_base", _("国家级职业教育“双师型”教师培训基地")
        ENTERPRISE_PRACTICE_BASE = "enterprise_practice_base", _("全国职业教育教师企业实践基地")
        RESEARCH_CENTRE = "research_centre", _("工学一体化师资研修中心")
        INTEGRATED_BASE = "integrated_base", _("技工院校工学一体化教师培训基地")
        X_EVALUATION_ORG = "x_evaluation_org", _("1+X职业技能等级证书评价组织")
        PROVINCIAL_BASE = "provincial_base", _("省级职业院校教师培训基地")

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("机构"), on_delete=models.CASCADE, related_name="designations"
    )
    kind = models.CharField(_("基地类型"), max_length=30, choices=Kind.choices)
    year_from = models.PositiveSmallIntegerField(_("起始年份"), null=True, blank=True)
    year_to = models.PositiveSmallIntegerField(_("截止年份"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("基地认定")
        verbose_name_plural = _("基地认定")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind", "year_from"], name="designation_unique_span"
            ),
            models.CheckConstraint(
                condition=Q(year_from__isnull=True)
                | Q(year_to__isnull=True)
                | Q(year_to__gte=models.F("year_from")),
                name="designation_years_ordered",
            ),
        ]

    def __str__(self) -> str:
        years = ""
        if self.year_from or self.year_to:
            years = f"（{self.year_from or ''}-{self.year_to or ''}）"
        return f"{self.get_kind_display()}{years}"
