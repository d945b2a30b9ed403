"""The annual summary of training institutions' classes: notice 004 附件6 (培训机构…培训工作总结,
due early in December), whose 基本情况 counts the classes opened, the trainees, those who passed
and the pass rate, the execution rate of the half-year plans and the planned classes not run with
their reasons, in all, by level and by category. Read from the domain apps' tables; nothing is
stored here.

What counts (one definition each, shared with the apps that own the facts):
- a class opened in the year: a class of the programme that ran (``classes.lifecycle.RAN``:
  running, assessing or closed) and starts in the year, planned or not;
- a trainee (人次): an admitted enrollment of such a class (``CHAIN_COMPLETED``; a no-show is
  not trained);
- passed (合格): every component of the assessment passed (``assessment.selectors.passed_counts``,
  the rule of ``results`` that certificates are issued by);
- planned and executed: the lines of the year's approved half-year plans, and those whose class
  ran (as ``classes.plans.plan_execution`` counts them); a class outside the plan counts as
  opened but not as planned.

Scope: an institution's own summary, a province's (its institutions, each and summed) or the
whole country's, each only for whoever reaches it (``class.view``); another is refused.
"""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shipei.accounts import scope as access
from shipei.assessment import selectors as assessment
from shipei.classes import selectors as classes
from shipei.classes.lifecycle import RAN
from shipei.classes.models import HalfYearPlan, HalfYearPlanLine, TrainingClass
from shipei.core.dates import year_in_range
from shipei.core.errors import DomainError, NotFound, NotPermitted
from shipei.enrollment.models import CHAIN_COMPLETED, Enrollment
from shipei.orgs.models import Organisation, Region
from shipei.programmes.models import Programme
from shipei.programmes.policy import PolicyV1
from shipei.staffing.needs import item_group

VIEW = "class.view"
# What a summary reads of an institution: its line's label and place (a province's thousands
# of classes and plan lines are read with no more than this of their institutions).
_BASE = ("name", "region_id", "name_pinyin")
INSTITUTION, PROVINCE, NATIONAL = "org", "province", "national"
# Levels are named with a numeral (三级, 二级, 一级); the summary lists them from 一级 down,
# whatever order the policy keeps them in (low to high, as the training climbs).
_NUMERALS = "一二三四五六七八九十"


class ScopeRefused(NotPermitted):
    """A summary of institutions the user does not reach."""

    def __init__(self, what: str = "") -> None:
        if what:
            message = _("您无权查看“%(what)s”的年度工作总结，请选择您所管辖的范围。") % {
                "what": what
            }
        else:
            message = _("您无权查看该范围的年度工作总结，请选择您所管辖的范围。")
        super().__init__(message)


class BadChoice(DomainError):
    code = "invalid_choice"
    status = 400
    template = gettext_lazy("%(what)s“%(value)s”无效：%(how)s")


# ---- the numbers ------------------------------------------------------------------------------


def percent(part: int, whole: int) -> Decimal | None:
    """`part` of `whole` in per cent with one decimal (None when there is no whole)."""
    if not whole:
        return None
    return (Decimal(100 * part) / whole).quantize(Decimal("0.1"), ROUND_HALF_UP)


def percent_text(value: Decimal | None) -> str:
    return "--" if value is None else f"{value}%"


@dataclass
class Unexecuted:
    """A planned class that did not run, and why."""

    name: str
    reason: str

    def __str__(self) -> str:
        return f"{self.name}：{self.reason}"


@dataclass
class Row:
    """One line of the summary: all classes, a level, a category or an institution."""

    label: str
    kind: str = "total"  # total, level, category, institution
    classes: int = 0
    trainees: int = 0
    passed: int = 0
    planned: int = 0
    ran: int = 0
    unexecuted: list[Unexecuted] = field(default_factory=list)

    @property
    def pass_rate(self) -> Decimal | None:
        return percent(self.passed, self.trainees)

    @property
    def execution_rate(self) -> Decimal | None:
        return percent(self.ran, self.planned)

    @property
    def not_run(self) -> int:
        return self.planned - self.ran


@dataclass
class Scope:
    kind: str  # INSTITUTION, PROVINCE or NATIONAL
    key: str  # the institution's id, the province's code, "" for the nation
    label: str

    @property
    def param(self) -> str:
        return f"{self.kind}:{self.key}" if self.key else self.kind


@dataclass
class Summary:
    programme: Programme
    year: int
    scope: Scope
    total: Row
    levels: list[Row]
    categories: list[Row]
    institutions: list[Row]
    made_on: datetime.date

    @property
    def empty(self) -> bool:
        """Nothing opened and nothing planned: no summary to write."""
        return not (self.total.classes or self.total.planned)

    @property
    def rows(self) -> list[Row]:
        return [self.total, *self.levels, *self.categories]

    @property
    def title(self) -> str:
        return _("%(scope)s%(year)s年度培训工作总结") % {
            "scope": self.scope.label,
            "year": self.year,
        }

    def basic_text(self) -> list[str]:
        """一、基本情况 with the numbers filled in, paragraph by paragraph (附件6's sentences)."""
        t = self.total
        first = _(
            "截至%(year)s年底，共开办培训班%(classes)s个，合计共培训%(trainees)s人次，"
            "培训合格%(passed)s人，培训合格率达%(rate)s。培训计划执行率达%(execution)s，"
        ) % {
            "year": self.year,
            "classes": t.classes,
            "trainees": t.trainees,
            "passed": t.passed,
            "rate": percent_text(t.pass_rate),
            "execution": percent_text(t.execution_rate),
        }
        if t.unexecuted:
            first += _("%(n)s个培训计划班次未执行，具体原因是：%(why)s。") % {
                "n": len(t.unexecuted),
                "why": "；".join(str(u) for u in t.unexecuted),
            }
        elif t.planned:
            first += _("培训计划班次均已执行。")
        else:
            first += _("本年度无审核通过的培训计划班次。")
        out = [first]
        if self.levels:
            parts = [
                _("%(label)s培训班%(classes)s个，共培训%(trainees)s人次，培训合格%(passed)s人，")
                % {
                    "label": r.label,
                    "classes": r.classes,
                    "trainees": r.trainees,
                    "passed": r.passed,
                }
                + _("合格率达%(rate)s") % {"rate": percent_text(r.pass_rate)}
                for r in self.levels
            ]
            out.append(_("其中，") + "；".join(parts) + "。")
        opened = [r for r in self.categories if r.classes]
        if opened:
            parts = [
                _(
                    "%(label)s专业大类的培训班%(classes)s个，共培训%(trainees)s人次，"
                    "培训合格%(passed)s人，合格率达%(rate)s"
                )
                % {
                    "label": r.label,
                    "classes": r.classes,
                    "trainees": r.trainees,
                    "passed": r.passed,
                    "rate": percent_text(r.pass_rate),
                }
                for r in opened
            ]
            out.append(_("其中，") + "；".join(parts) + "。")
        return out


# ---- what may be chosen -----------------------------------------------------------------------


def annual_programmes() -> list[Programme]:
    """Programmes whose institutions plan their classes by half-year (policy ``classes.steps``
    with ``semiannual_plan``): their summary has an execution rate to report."""
    return [p for p in classes.stepped_programmes() if p.rules.classes.uses("semiannual_plan")]


def programme_chosen(value: str) -> Programme | None:
    """The programme asked for (404 if it has no summary), else the first; None if none has."""
    programmes = annual_programmes()
    if not value:
        return programmes[0] if programmes else None
    found = next((p for p in programmes if str(p.pk) == value), None)
    if found is None:
        raise NotFound()
    return found


def year_chosen(value: str) -> int:
    """The year asked for, else this year (the summary is written in its December)."""
    if not value:
        return timezone.localdate().year
    year = year_in_range(value)
    if year is None:
        raise BadChoice(what=_("年度"), value=value[:20], how=_("请填写 2000 至 2100 之间的年份。"))
    return year


def _reached(user: Any) -> QuerySet[Organisation]:
    return Organisation.objects.filter(access.orgs_q(user, VIEW, via=None))


def _covers(prefixes: list[str], code: str) -> bool:
    return any(code.startswith(p) for p in prefixes)


def scope_choices(user: Any, programme: Programme) -> list[Scope]:
    """What the user may summarise: the nation (a national admin), the provinces it reaches
    that have institutions in the programme, and those institutions (a base: its own)."""
    prefixes = [p for p in access.region_prefixes(user, VIEW) if len(p) <= 2]
    own = classes.institutions_of(user)
    active = _reached(user).filter(
        Q(pk__in=HalfYearPlan.objects.filter(programme=programme).values("institution"))
        | Q(
            pk__in=TrainingClass.objects.filter(project__programme=programme).values(
                "project__base"
            )
        )
    )
    bases = {o.pk: o for o in [*own, *active]}
    out = []
    if "" in prefixes:
        out.append(Scope(NATIONAL, "", _("全国")))
    codes = {f"{(o.region_id or '')[:2]}0000" for o in bases.values() if o.region_id}
    provinces = Region.objects.filter(level=Region.Level.PROVINCE, code__in=codes)
    out += [
        Scope(PROVINCE, r.code, r.name)
        for r in provinces.order_by("code")
        if _covers(prefixes, r.code)
    ]
    ordered = sorted(bases.values(), key=lambda o: (o.region_id or "", o.name_pinyin))
    out += [Scope(INSTITUTION, str(o.pk), o.name) for o in ordered]
    return out


def scope_chosen(user: Any, value: str, choices: list[Scope]) -> Scope:
    """The scope asked for (``national``, ``province:330000``, ``org:12``), refused outside the
    user's reach; else the user's own: its institution, its province, or the nation."""
    if not value:
        if not choices:
            raise ScopeRefused()
        own = {str(o.pk) for o in classes.institutions_of(user)}
        mine = [c for c in choices if c.kind == INSTITUTION and c.key in own]
        return (mine or choices)[0]
    kind, _sep, key = value.partition(":")
    # A region code has six digits and an id at most ten: anything else never reaches the
    # database (a NUL or a 30-digit number would fail there rather than be refused).
    digits = key.isascii() and key.isdigit()
    if kind == NATIONAL and not key:
        if "" not in access.region_prefixes(user, VIEW):
            raise ScopeRefused(_("全国"))
        return Scope(NATIONAL, "", _("全国"))
    if kind == PROVINCE and digits and len(key) == 6:
        region = Region.objects.filter(code=key, level=Region.Level.PROVINCE).first()
        if region is None:
            raise ScopeRefused()
        prefixes = [p for p in access.region_prefixes(user, VIEW) if len(p) <= 2]
        if not _covers(prefixes, region.code):
            raise ScopeRefused(region.name)
        return Scope(PROVINCE, region.code, region.name)
    if kind == INSTITUTION and digits and len(key) <= 10:
        org = Organisation.objects.filter(pk=int(key)).first()
        if org is None:
            raise ScopeRefused()
        if not access.allows(user, VIEW, org):
            raise ScopeRefused(org.name)
        return Scope(INSTITUTION, str(org.pk), org.name)
    raise BadChoice(
        what=_("统计范围"),
        value=value[:40],
        how=_("请从“统计范围”列表中选择全国、省份或培训机构。"),
    )


# ---- the summary ------------------------------------------------------------------------------


def _bases(user: Any, chosen: Scope) -> QuerySet[Organisation]:
    qs = _reached(user)
    if chosen.kind == INSTITUTION:
        return qs.filter(pk=int(chosen.key))
    if chosen.kind == PROVINCE:
        return qs.filter(region__code__startswith=chosen.key[:2])
    return qs


def _level_order(levels: list[str]) -> list[str]:
    ranks = [next((n for n, ch in enumerate(_NUMERALS) if ch in level), None) for level in levels]
    if None in ranks:
        return levels
    return [level for _rank, level in sorted(zip(ranks, levels, strict=True))]


def _groups(rules: PolicyV1) -> tuple[list[str], list[str]]:
    """The policy's levels (一级 first) and categories, in its order."""
    levels: dict[str, None] = {}
    categories: dict[str, None] = {}
    for item in rules.leaves():
        category, level = item_group(rules, item.code)
        categories.setdefault(category)
        if level:
            levels.setdefault(level)
    return _level_order(list(levels)), list(categories)


def _item_label(rules: PolicyV1, code: str) -> str:
    try:
        return rules.item(code).label
    except StopIteration:
        return code


def _why_not(line: HalfYearPlanLine, today: datetime.date) -> str:
    """Why a planned class has not run: cancelled (its reason), still to come, or late."""
    cls = getattr(line, "training_class", None)
    if cls is None:
        return _("未建立班次")
    if cls.status == TrainingClass.Status.CANCELLED:
        return _("已取消（%(reason)s）") % {"reason": cls.status_reason or _("未填写原因")}
    if cls.starts_on > today:
        return _("尚未开班（计划%(date)s开班，当前状态：%(status)s）") % {
            "date": cls.starts_on.isoformat(),
            "status": cls.get_status_display(),
        }
    return _("未按期开班（计划%(date)s开班，当前状态：%(status)s）") % {
        "date": cls.starts_on.isoformat(),
        "status": cls.get_status_display(),
    }


def annual_summary(*, user: Any, programme: Programme, year: int, chosen: Scope) -> Summary:
    """The summary of the institutions of `chosen` that the user reaches, for `year`."""
    rules = programme.rules
    today = timezone.localdate()
    bases = _bases(user, chosen)
    level_names, category_names = _groups(rules)
    total = Row(_("合计"))
    levels = {name: Row(name, "level") for name in level_names}
    categories = {name: Row(name, "category") for name in category_names}
    institutions: dict[int, tuple[Organisation, Row]] = {}

    def rows_for(item: str, base: Organisation) -> list[Row]:
        category, level = item_group(rules, item)
        found = [total]
        if level:
            found.append(levels.setdefault(level, Row(level, "level")))
        found.append(categories.setdefault(category, Row(category, "category")))
        if base.pk not in institutions:
            institutions[base.pk] = (base, Row(base.name, "institution"))
        found.append(institutions[base.pk][1])
        return found

    ran = TrainingClass.objects.filter(
        project__programme=programme,
        project__base__in=bases,
        status__in=RAN,
        starts_on__year=year,
    )
    opened = list(
        ran.select_related("project__base").only(
            "project__item", *(f"project__base__{name}" for name in _BASE)
        )
    )
    # Counted in the database: some 15,000 trainees in a province's year. By programme too: its
    # (programme, status) index finds them among a country's enrollments, where a list of
    # classes alone would have every enrollment read.
    trainees = Enrollment.objects.filter(
        programme=programme, training_class__in=ran.values("pk"), status__in=CHAIN_COMPLETED
    )
    by_class = dict(
        trainees.order_by()
        .values("training_class_id")
        .annotate(n=Count("pk"))
        .values_list("training_class_id", "n")
    )
    passed = assessment.passed_counts(programme, trainees)
    for cls in opened:
        for row in rows_for(cls.project.item, cls.project.base):
            row.classes += 1
            row.trainees += by_class.get(cls.pk, 0)
            row.passed += passed.get(cls.pk, 0)

    lines = (
        HalfYearPlanLine.objects.filter(
            plan__programme=programme,
            plan__year=year,
            plan__status=HalfYearPlan.Status.APPROVED,
            plan__institution__in=bases,
        )
        .select_related("plan__institution", "training_class")
        .only(
            "item",
            "starts_on",
            *(f"plan__institution__{name}" for name in _BASE),
            *(f"training_class__{name}" for name in ("status", "status_reason", "starts_on")),
        )
        .order_by("starts_on", "plan__institution__name", "seq")
    )
    for line in lines:
        cls = getattr(line, "training_class", None)
        ran = cls is not None and cls.status in RAN
        missing = None
        if not ran:
            name = f"{_item_label(rules, line.item)}（{line.starts_on.isoformat()}）"
            if chosen.kind != INSTITUTION:
                name = f"{line.plan.institution.name} {name}"
            missing = Unexecuted(name=name, reason=_why_not(line, today))
        for row in rows_for(line.item, line.plan.institution):
            row.planned += 1
            row.ran += int(ran)
            if missing is not None:
                row.unexecuted.append(missing)

    return Summary(
        programme=programme,
        year=year,
        scope=chosen,
        total=total,
        levels=list(levels.values()),
        categories=list(categories.values()),
        institutions=[
            row
            for base, row in sorted(
                institutions.values(), key=lambda p: (p[0].region_id or "", p[0].name_pinyin)
            )
        ]
        if chosen.kind != INSTITUTION
        else [],
        made_on=today,
    )
