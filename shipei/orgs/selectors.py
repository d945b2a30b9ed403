"""Reads of organisations and regions, always starting from the scope filter."""

from typing import Any

from django.db.models import Count, Q, QuerySet

from shipei.core.access import scope
from shipei.core.recent import Recent
from shipei.core.text import clean_name

from .models import LEAF_KINDS, Designation, Organisation, OrganisationAlias, Region


def org_list(
    *, user: Any, action: str = "org.view", filters: dict[str, Any] | None = None
) -> QuerySet[Organisation]:
    qs = (
        Organisation.objects.filter(scope.orgs_q(user, action, via=None))
        .select_related("region", "parent")
        .prefetch_related("designations")
    )
    f = filters or {}
    if f.get("q"):
        term = clean_name(f["q"])
        qs = qs.filter(
            Q(name__contains=term)
            | Q(aliases__name__contains=term)
            | Q(school_code=term)
            | Q(credit_code=term.upper())
            | Q(name_pinyin__contains=term.lower())
        ).distinct()
    if f.get("kind"):
        qs = qs.filter(kind=f["kind"])
    if f.get("school_kind"):
        qs = qs.filter(school_kind=f["school_kind"])
    if f.get("region"):
        region = f["region"]
        qs = qs.filter(Q(region=region) | Q(region__parent=region))
    if f.get("designation"):
        qs = qs.filter(designations__kind=f["designation"]).distinct()
    if f.get("active") in ("1", "0"):
        qs = qs.filter(is_active=f["active"] == "1")
    if f.get("under"):
        qs = qs.filter(path__startswith=f["under"].path)
    return qs


def org_facets(*, user: Any, action: str = "org.view") -> dict[str, Any]:
    """What the organisation filters can usefully offer this user: the kinds, school levels and
    base designations found among its organisations, and their regions (provinces, or the
    cities of its one province). A filter with one choice or none is left out of the form."""
    orgs = Organisation.objects.filter(scope.orgs_q(user, action, via=None)).order_by()
    codes = set(orgs.exclude(region=None).values_list("region_id", flat=True).distinct())
    if len({code[:2] for code in codes}) > 1:
        regions = Region.objects.filter(
            level=Region.Level.PROVINCE, code__in={f"{code[:2]}0000" for code in codes}
        )
    else:
        regions = Region.objects.filter(level=Region.Level.PREFECTURE, code__in=codes)
    return {
        "kinds": set(orgs.values_list("kind", flat=True).distinct()),
        "school_kinds": set(
            orgs.exclude(school_kind="").values_list("school_kind", flat=True).distinct()
        ),
        "designations": set(
            Designation.objects.filter(organisation__in=orgs)
            .order_by()
            .values_list("kind", flat=True)
            .distinct()
        ),
        "regions": list(regions.order_by("code")),
    }


def org_names(*, user: Any, action: str) -> list[str]:
    """The names of the active organisations where `user` may do `action`, by pinyin: the
    drop-down of an import template's organisation column."""
    orgs = Organisation.objects.filter(scope.orgs_q(user, action, via=None), is_active=True)
    return list(orgs.order_by("name_pinyin").values_list("name", flat=True))


def org_stats(*, user: Any) -> dict[str, int]:
    qs = Organisation.objects.filter(scope.orgs_q(user, "org.view", via=None), is_active=True)
    return qs.aggregate(
        # distinct: the join on designations repeats an organisation once per designation
        total=Count("pk", distinct=True),
        schools=Count("pk", filter=Q(kind=Organisation.Kind.SCHOOL), distinct=True),
        bases=Count("pk", filter=Q(designations__isnull=False), distinct=True),
    )


def org_parent_choices(*, user: Any) -> QuerySet[Organisation]:
    """Where the user may create organisations: any active non-leaf kind in scope."""
    return Organisation.objects.filter(
        scope.orgs_q(user, "org.create", via=None), is_active=True
    ).exclude(kind__in=LEAF_KINDS)


def org_match(name: str, *, within: QuerySet[Organisation] | None = None) -> Organisation | None:
    """Find an organisation by official name or alias (notices spell some names two ways)."""
    name = clean_name(name)
    qs = within if within is not None else Organisation.objects.all()
    found = qs.filter(name=name).first()
    if found is None:
        alias = OrganisationAlias.objects.filter(name=name, organisation__in=qs).first()
        found = alias.organisation if alias else None
    return found


def region_list() -> QuerySet[Region]:
    return Region.objects.select_related("parent")


def region_index() -> dict[str, Region]:
    """Every full name, short name and alias of a region, for imports."""
    index: dict[str, Region] = {}
    for region in Region.objects.select_related("parent"):
        for key in {region.name, *region.aliases}:
            index.setdefault(key, region)
    return index


# GB/T 2260 codes are fixed (a data migration loads them): their parents are read once per
# process, so that finding a teacher's quota joins no region.
_PARENTS: dict[str, str | None] = {}


def region_parent(code: str) -> str | None:
    """The code of the region's parent (its province), or None for a province."""
    if code not in _PARENTS:
        _PARENTS.update(Region.objects.values_list("code", "parent_id"))
    return _PARENTS.get(code)


_NAMES: dict[str, str] = {}


def region_name(code: str) -> str:
    """The region's name, as read once per process (the codes and names are fixed, see
    region_parent): a refusal naming a province's quota reads no region."""
    if code not in _NAMES:
        _NAMES.update(Region.objects.values_list("code", "name"))
    return _NAMES[code]


# Organisations read by busy paths (a programme's owner, on each enrollment submission), kept
# for a few seconds per process.
_RECENT: Recent[int, Organisation] = Recent(lambda pk: Organisation.objects.filter(pk=pk).first())


def org_recent(pk: int) -> Organisation | None:
    """The organisation as this process read it at most a few seconds ago (read only)."""
    return _RECENT.get(pk)
