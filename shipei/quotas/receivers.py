"""Who a programme's own table gives seats to, as its policy's quota scope says, item by item
(``PolicyV1.quota_scope_for``): the provinces, the cities, the schools or the training bases in
the area of the programme's owner. The matrix offers these columns for a new programme's first
quotas, and only the cells whose receiver fits the item's scope take input."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from shipei.accounts import scope
from shipei.orgs.models import Organisation, Region
from shipei.programmes.models import Programme
from shipei.programmes.policy import QUOTA_SCOPE_LABELS

from .selectors import Receiver

# What the receivers of each scope are called on the page ("添加全部 11 个设区市").
SCOPE_NOUNS = {
    "province": _("省份"),
    "city": _("设区市"),
    "school": _("学校"),
    "base": _("培训基地"),
}
MAX_ORGS = 500  # a national school scope lists schools by pinyin, this many at most


def item_scopes(programme: Programme) -> dict[str, str]:
    """Each item's quota scope, its own or inherited (``none``: the item gets no quotas)."""
    rules = programme.rules
    return {i.code: rules.quota_scope_for(i.code) for i in rules.items}


def _area(programme: Programme) -> tuple[str | None, Organisation | None]:
    """The region prefix the owner governs ("" the country, None for an owner that governs
    no region) and the owner, whose organisations are its area otherwise."""
    owner = programme.owner
    if owner is None:
        return "", None
    return scope.area_prefix(owner), owner


def base_ids(orgs: list[Organisation]) -> set[int]:
    """Which of `orgs` are training bases (hold a base designation)."""
    return set(
        Organisation.objects.filter(pk__in=[o.pk for o in orgs], designations__isnull=False)
        .values_list("pk", flat=True)
        .distinct()
    )


def scope_receivers(*, user: Any, programme: Programme, scopes: set[str]) -> list[Receiver]:
    """The receivers of the given scopes in the owner's area that `user` may give seats to:
    regions first (by code), then organisations (by pinyin)."""
    prefix, owner = _area(programme)
    out: list[Receiver] = []
    levels = [
        level
        for code, level in (("province", Region.Level.PROVINCE), ("city", Region.Level.PREFECTURE))
        if code in scopes
    ]
    if levels and prefix is not None:
        regions = Region.objects.filter(level__in=levels, code__startswith=prefix).order_by("code")
        out += [
            Receiver(f"r{r.code}", r.name, region=r)
            for r in regions
            if scope.allows_receiver(user, "quota.allocate", region=r)
            or scope.allows_programme(user, "quota.allocate", programme)
        ]
    if {"school", "base"} & scopes:
        orgs = Organisation.objects.filter(is_active=True)
        if prefix:
            orgs = orgs.filter(region__code__startswith=prefix)
        elif prefix is None and owner is not None:
            orgs = orgs.filter(path__startswith=owner.path)
        kinds = Organisation.objects.none()
        if "school" in scopes:
            kinds |= orgs.filter(kind=Organisation.Kind.SCHOOL)
        if "base" in scopes:
            kinds |= orgs.filter(designations__isnull=False)
        found = (
            kinds.filter(scope.orgs_q(user, "quota.allocate", via=None))
            .distinct()
            .order_by("name_pinyin")[:MAX_ORGS]
        )
        out += [Receiver(f"o{o.pk}", o.name, org=o) for o in found]
    return out


class Fit:
    """Whether a receiver may get seats of an item at the programme's own level, by the
    item's scope; a cell that already has a quota always may be changed (taken back)."""

    def __init__(self, programme: Programme, receivers: list[Receiver]) -> None:
        self.scopes = item_scopes(programme)
        self.bases = base_ids([r.org for r in receivers if r.org is not None])

    def __call__(self, item: str, receiver: Receiver) -> bool:
        wanted = self.scopes.get(item, "none")
        if receiver.region is not None:
            level = receiver.region.level
            return (wanted, level) in (
                ("province", Region.Level.PROVINCE),
                ("city", Region.Level.PREFECTURE),
            )
        if wanted == "school":
            return receiver.org.kind == Organisation.Kind.SCHOOL
        return wanted == "base" and receiver.org.pk in self.bases

    def explain(self, item: str) -> str:
        """What the item's scope gives seats to, for a refusal ("按市分配")."""
        return str(QUOTA_SCOPE_LABELS.get(self.scopes.get(item, "none"), ""))
