"""Reads of spot checks, each starting from the user's scope (STYLE.md §3): admins see the draws
of their subtree and the inspections of those draws, an inspector the inspections assigned to
it, a base its own inspections once they have been carried out."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from shipei.accounts import scope
from shipei.accounts.models import Role, User
from shipei.classes.models import TrainingClass
from shipei.core.errors import NotFound
from shipei.orgs.models import Designation, Organisation, Region
from shipei.programmes.models import Programme
from shipei.projects.models import Project

from .models import SEEN_BY_BASE, Inspection, SpotCheck

VIEW = "supervision.view"
MANAGE = "supervision.manage"
RESPOND = "supervision.respond"

# Projects that have been published and not cancelled: what a base carries out and a check can
# visit. A class qualifies when its project does and it is not cancelled itself.
LIVE_PROJECTS = (
    Project.Status.PUBLISHED,
    Project.Status.ENROLLING,
    Project.Status.ENROLLMENT_CLOSED,
    Project.Status.RUNNING,
    Project.Status.COMPLETED,
)
# Who may be sent to inspect: admins and the ministry's experts within the drawer's reach.
INSPECTOR_ROLES = (
    Role.NATIONAL_ADMIN,
    Role.PROVINCIAL_ADMIN,
    Role.CITY_ADMIN,
    Role.EXPERT_REVIEWER,
)


def may_see_any(user: Any) -> bool:
    """Whether the menu offers 监督抽检: to admins, bases, and whoever has been sent to inspect
    (only holders of INSPECTOR_ROLES can be, so nobody else costs a query)."""
    if scope.has_any(user, VIEW) or scope.has_any(user, RESPOND):
        return True
    return bool(scope.roles(user) & set(INSPECTOR_ROLES)) and (
        Inspection.objects.filter(inspector=user).exists()
    )


def spot_checks(user: Any) -> QuerySet[SpotCheck]:
    return (
        SpotCheck.objects.filter(scope.orgs_q(user, VIEW, via="area"))
        .select_related("programme", "area", "drawn_by__person")
        .order_by("-drawn_at", "-pk")
    )


def spot_check_get(user: Any, pk: int) -> SpotCheck:
    found = spot_checks(user).filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def inspections_q(user: Any) -> Q:
    q = scope.orgs_q(user, VIEW, via="spot_check__area") | (
        scope.orgs_q(user, RESPOND, via="base") & Q(status__in=SEEN_BY_BASE)
    )
    if getattr(user, "is_authenticated", False):
        q |= Q(inspector=user)
    return q


def inspections(user: Any) -> QuerySet[Inspection]:
    return (
        Inspection.objects.filter(inspections_q(user))
        .select_related(
            "spot_check__programme",
            "spot_check__area",
            "project",
            "training_class__project",
            "base__region",
            "inspector__person",
        )
        .order_by("-spot_check__drawn_at", "pk")
    )


def inspection_get(user: Any, pk: int) -> Inspection:
    found = inspections(user).filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


@dataclass
class InspectionFilter:
    programme: Programme | None = None
    status: str = ""
    base: str = ""
    region: str = ""
    spot_check: SpotCheck | None = None


def inspection_list(user: Any, f: InspectionFilter) -> QuerySet[Inspection]:
    qs = inspections(user)
    if f.spot_check is not None:
        qs = qs.filter(spot_check=f.spot_check)
    if f.programme is not None:
        qs = qs.filter(spot_check__programme=f.programme)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.base:
        qs = qs.filter(base__name__contains=f.base)
    if f.region:
        qs = qs.filter(base__region__code__startswith=_prefix(f.region))
    return qs


def _prefix(code: str) -> str:
    """A region code's leading digits: "33" for 330000, "3301" for 330100."""
    return code.rstrip("0") if code.endswith("0000") else code[:4] if code.endswith("00") else code


def region_choices(user: Any) -> QuerySet[Region]:
    """Provinces of the bases in the user's inspections: the list's region filter."""
    codes = {
        (code or "")[:2] + "0000"
        for code in inspections(user).values_list("base__region_id", flat=True).distinct()
        if code
    }
    return Region.objects.filter(code__in=codes).order_by("code")


def area_choices(user: Any) -> QuerySet[Organisation]:
    """Where the user may draw: the administrative departments of its subtree."""
    return Organisation.objects.filter(
        scope.orgs_q(user, MANAGE, via=None), kind__in=scope.REGION_KINDS, is_active=True
    ).order_by("path")


def inspector_choices(user: Any) -> QuerySet[User]:
    """Users the admin may send to inspect (INSPECTOR_ROLES over organisations in its reach)."""
    return (
        User.objects.filter(
            is_active=True,
            assignments__is_active=True,
            assignments__role__in=INSPECTOR_ROLES,
        )
        .filter(scope.orgs_q(user, MANAGE, via="assignments__org"))
        .select_related("person")
        .distinct()
        .order_by("pk")
    )


# ---- the population of a draw -------------------------------------------------------------


@dataclass
class Population:
    """The ids of a draw's population in ascending order, each one's stratum, and the labels."""

    ids: list[int]
    strata: dict[str, list[int]]
    labels: dict[str, str]
    rule: str
    base_of: dict[int, int]
    project_of: dict[int, int]


def population(
    *, programme: Programme, target: str, area: Organisation, stratify: str
) -> Population:
    if target == SpotCheck.Target.CLASS:
        rows = (
            TrainingClass.objects.filter(
                project__programme=programme,
                project__status__in=LIVE_PROJECTS,
                project__base__path__startswith=area.path,
            )
            .exclude(status=TrainingClass.Status.CANCELLED)
            .values_list(
                "pk",
                "project_id",
                "project__base_id",
                "project__base_kind",
                "project__base__region_id",
            )
            .order_by("pk")
        )
        rule = _(
            "%(programme)s中承训单位在“%(area)s”及下属范围内、项目已发布且未撤销、"
            "本身未取消的全部班次，按班次编号（id）升序排列"
        )
    else:
        rows = (
            Project.objects.filter(
                programme=programme,
                status__in=LIVE_PROJECTS,
                base__path__startswith=area.path,
            )
            .values_list("pk", "pk", "base_id", "base_kind", "base__region_id")
            .order_by("pk")
        )
        rule = _(
            "%(programme)s中承训单位在“%(area)s”及下属范围内、已发布且未撤销的全部培训项目，"
            "按项目编号（id）升序排列"
        )
    rows = list(rows)
    strata: dict[str, list[int]] = {}
    labels: dict[str, str] = {}
    digits = _stratum_digits(area)
    kinds = dict(Designation.Kind.choices)
    for pk, _project, _base, base_kind, region in rows:
        if stratify == SpotCheck.Stratify.BASE_KIND:
            key = base_kind or ""
            labels[key] = str(kinds.get(key, _("未注明基地类型")))
        elif stratify == SpotCheck.Stratify.REGION:
            key = (region or "")[:digits].ljust(6, "0") if region else ""
            labels[key] = key
        else:
            key = ""
            labels[key] = str(_("全部"))
        strata.setdefault(key, []).append(pk)
    if stratify == SpotCheck.Stratify.REGION:
        names = dict(Region.objects.filter(code__in=labels).values_list("code", "name"))
        labels = {k: names.get(k, str(_("未注明地区"))) for k in labels}
    return Population(
        ids=[r[0] for r in rows],
        strata=strata,
        labels=labels,
        rule=str(rule) % {"programme": programme.title, "area": area.name},
        base_of={r[0]: r[2] for r in rows},
        project_of={r[0]: r[1] for r in rows},
    )


def _stratum_digits(area: Organisation) -> int:
    """A region stratum is one level below the area: provinces for the ministry, cities for a
    province, counties below a city."""
    prefix = scope.area_prefix(area)
    return 6 if prefix is None else min(len(prefix) + 2, 6)


def waiting(user: Any) -> list[tuple[str, int, str]]:
    """What waits for the user on the home page: (label, count, status to filter the list by)."""
    out: list[tuple[str, int, str]] = []
    S = Inspection.Status
    if scope.has_any(user, MANAGE):
        mine = Inspection.objects.filter(scope.orgs_q(user, MANAGE, via="spot_check__area"))
        out.append((_("待指派检查人的抽检"), mine.filter(status=S.DRAWN).count(), S.DRAWN))
        out.append(
            (_("基地已回复待结案的抽检"), mine.filter(status=S.RESPONDED).count(), S.RESPONDED)
        )
    if scope.roles(user) & set(INSPECTOR_ROLES):
        count = Inspection.objects.filter(inspector=user, status=S.ASSIGNED).count()
        out.append((_("待我检查的抽检"), count, S.ASSIGNED))
    if scope.has_any(user, RESPOND):
        count = Inspection.objects.filter(
            scope.orgs_q(user, RESPOND, via="base"), status=S.INSPECTED
        ).count()
        out.append((_("待基地回复的抽检"), count, S.INSPECTED))
    return out
