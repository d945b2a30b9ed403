"""Reads of quotas: which quota covers whom, and the tables admins look at."""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet

from shipei.accounts import scope
from shipei.accounts.models import Person
from shipei.core import rows
from shipei.core.text import is_int
from shipei.orgs.models import Organisation, Region
from shipei.orgs.selectors import region_name, region_parent
from shipei.programmes.models import Programme

from .layout import table_layout
from .models import Quota, QuotaChange


def items_with_quotas(programme: Programme, codes: set[str]) -> QuerySet[Any]:
    """Which of the item `codes` have quotas: such an item keeps its code (programmes asks)."""
    return Quota.objects.filter(programme=programme, item__in=codes).values_list("item", flat=True)


def quota_list(*, user: Any, programme: Programme) -> QuerySet[Quota]:
    return (
        Quota.objects.filter(programme=programme)
        .filter(scope.receivers_q(user, "quota.view"))
        .select_related("region", "org", "parent__region", "parent__org")
    )


def _chain(
    *, region: Region | None, org: Organisation | None, include_self: bool
) -> list[tuple[str, Any]]:
    """The receivers above a receiver (and the receiver itself with `include_self`), most
    specific first: the organisation and its ancestors, then its city, then its province."""
    out: list[tuple[str, Any]] = []
    code, parent = (region.code, region.parent_id) if region is not None else (None, None)
    if org is not None:
        ids = [int(i) for i in org.path.strip("/").split("/") if i]
        if not include_self:
            ids = ids[:-1]
        out += [("org", i) for i in reversed(ids)]
        code, include_self = org.region_id, True
        parent = region_parent(code) if code else None
    if code is not None:
        codes = [code] if include_self else []
        if parent:
            codes.append(parent)
        out += [("region", c) for c in codes]
    return out


def _most_specific(
    programme: Programme, item: str, chain: list[tuple[str, Any]], *, related: bool = True
) -> Quota | None:
    """The quota of the first receiver in `chain` that has one: one query for every candidate
    (by organisation id or region code), ranked here. With `related`, the quota's region and
    organisation come with it (for pages naming the receiver); without, only the row."""
    if not chain:
        return None
    rank = {key: n for n, key in enumerate(chain)}
    org_ids = [v for k, v in chain if k == "org"]
    codes = [v for k, v in chain if k == "region"]
    if related:
        # No ordering (the model's would join the programme): ranked below.
        candidates: Any = (
            Quota.objects.filter(
                Q(org_id__in=org_ids) | Q(region_id__in=codes), programme=programme, item=item
            )
            .order_by()
            .select_related("region", "org")
        )
    else:
        candidates = _plain_candidates(programme, item, chain)
    return min(
        candidates,
        key=lambda q: rank[("org", q.org_id) if q.org_id else ("region", q.region_id)],
        default=None,
    )


def _plain_candidates(programme: Programme, item: str, chain: list[tuple[str, Any]]) -> list[Quota]:
    """The same rows as the filter above, without related rows, written out: an enrollment
    submission may send it, and building it through the ORM cost more than all its other
    reads."""
    receivers, params = receivers_sql(chain)
    return rows.fetch(
        Quota,
        f"SELECT {rows.columns(Quota)} FROM {Quota._meta.db_table} "
        f"WHERE programme_id = %s AND item = %s AND {receivers}",
        [programme.pk, item, *params],
    )


def receivers_sql(receivers: list[tuple[str, Any]]) -> tuple[str, list[Any]]:
    """A quota row's receiver among `receivers` (("org", id) or ("region", code), at least
    one), as SQL and its parameters (this read, and seats.seat_take_sql's guard)."""
    org_ids = [value for kind, value in receivers if kind == "org"]
    codes = [value for kind, value in receivers if kind == "region"]
    where = [
        f"{column} IN ({', '.join(['%s'] * len(values))})"
        for column, values in (("org_id", org_ids), ("region_id", codes))
        if values
    ]
    return f"({' OR '.join(where)})", [*org_ids, *codes]


def receivers_covering(org: Organisation) -> list[tuple[str, Any]]:
    """The receivers whose quota would cover a teacher of `org`, most specific first: the
    organisation and its ancestors, then its city, then its province."""
    return _chain(region=None, org=org, include_self=True)


def quota_covering(*, programme: Programme, item: str, org: Organisation) -> Quota | None:
    """The quota a teacher of `org` takes a seat from: the most specific one covering `org`.
    Seats a level keeps unassigned serve only the organisations under it without their own.

    The row alone (``quota.region``/``quota.org`` load on first use): a submission needs only
    its id to take the seat. ``seats.quota_covering_recent`` answers from what the process
    read a few seconds ago."""
    return _most_specific(programme, item, receivers_covering(org), related=False)


def receiver_name(quota: Quota) -> str:
    """``quota.receiver_name``, a region's without reading the region (region_name): for the
    refusal of a full quota, the commonest answer of a rush."""
    if quota.region_id and not Quota.region.is_cached(quota):
        return region_name(quota.region_id)
    return quota.receiver_name


def seats_free(quota_ids: list[int]) -> dict[int, int]:
    """How many seats each quota can still give a teacher (neither split down nor held), as
    stored now: for a list checked as a whole before its seats are taken one by one."""
    found = (
        Quota.objects.filter(pk__in=quota_ids).order_by().only("seats", "seats_split", "seats_held")
    )
    return {quota.pk: max(quota.seats_free, 0) for quota in found}


def quota_above(
    *, programme: Programme, item: str, region: Region | None, org: Organisation | None
) -> Quota | None:
    """The quota a new quota for this receiver is split from."""
    return _most_specific(programme, item, _chain(region=region, org=org, include_self=False))


def is_below(quota: Quota, *, region: Region | None, org: Organisation | None) -> bool:
    """Whether `quota`'s receiver lies strictly under the given receiver."""
    if org is not None:
        return quota.org_id is not None and (
            quota.org.path.startswith(org.path) and quota.org_id != org.pk
        )
    prefix = region.code[: scope.region_digits(region)]
    if quota.region_id:
        return quota.region_id != region.code and quota.region_id.startswith(prefix)
    return bool(quota.org.region_id and quota.org.region_id.startswith(prefix))


def quota_history(*, quota: Quota) -> QuerySet[Any]:
    return quota.changes.select_related("actor__person")


# ---- the matrix page -------------------------------------------------------------------------


@dataclass(frozen=True)
class Receiver:
    """A region or organisation that holds quotas, keyed for forms and URLs ("r330000", "o12")."""

    key: str
    label: str
    region: Region | None = None
    org: Organisation | None = None

    @classmethod
    def of(cls, quota: Quota) -> "Receiver":
        if quota.region_id:
            return cls(f"r{quota.region_id}", quota.region.name, region=quota.region)
        return cls(f"o{quota.org_id}", quota.org.name, org=quota.org)


def receiver_from_key(key: str) -> Receiver | None:
    """Parse "r330000" / "o12"; None for anything else (a forged key reads as unknown)."""
    if key[:1] == "r" and is_int(key[1:]):
        region = Region.objects.filter(code=key[1:]).first()
        return Receiver(key, region.name, region=region) if region else None
    if key[:1] == "o" and is_int(key[1:]):
        org = Organisation.objects.filter(pk=int(key[1:])).first()
        return Receiver(key, org.name, org=org) if org else None
    return None


@dataclass
class Matrix:
    """Items × receivers at one level: the programme's own table (``at`` None) or the split of
    one receiver's quotas to the receivers below it."""

    programme: Programme
    at: Receiver | None
    items: list[tuple[str, str]]
    receivers: list[Receiver]
    cells: dict[tuple[str, str], Quota]
    parents: dict[str, Quota] = field(default_factory=dict)  # item -> the at-receiver's quota
    items_across: bool = False

    def seats(self, item: str, key: str) -> int | None:
        quota = self.cells.get((item, key))
        return quota.seats if quota else None

    def item_total(self, item: str) -> int:
        return sum(q.seats for (i, _), q in self.cells.items() if i == item)

    def receiver_total(self, key: str) -> int:
        return sum(q.seats for (_, k), q in self.cells.items() if k == key)

    @property
    def total(self) -> int:
        return sum(q.seats for q in self.cells.values())


def default_at(user: Any) -> Receiver | None:
    """Where a user's matrix opens when the programme is not its own: a province or city admin
    at its region's split, a school at its own quotas."""
    for a in scope.active_assignments(user):
        if "quota.view" not in scope.ROLE_ACTIONS[a.role]:
            continue
        if a.org.kind in scope.REGION_KINDS and a.org.region_id:
            return Receiver(f"r{a.org.region_id}", a.org.region.name, region=a.org.region)
        return Receiver(f"o{a.org_id}", a.org.name, org=a.org)
    return None


def quota_matrix(*, user: Any, programme: Programme, at: Receiver | None) -> Matrix:
    visible = quota_list(user=user, programme=programme)
    if at is None:
        layout = table_layout(programme)
        top = list(visible.filter(parent=None))
        cells = {(q.item, Receiver.of(q).key): q for q in top}
        receivers = [Receiver(f"r{r.code}", r.name, region=r) for r in layout.regions]
        known = {r.key for r in receivers}
        extra = {Receiver.of(q).key: Receiver.of(q) for q in top}
        receivers += sorted((r for k, r in extra.items() if k not in known), key=lambda r: r.key)
        # On-demand seats stay at the level above: a row of their own, not a column.
        on_demand = {k for (i, k), q in cells.items() if q.on_demand}
        receivers = [r for r in receivers if r.key not in on_demand or r.key in known]
        items = list(layout.items)
        codes = {c for c, _ in items}
        items += [
            (i.code, i.label)
            for i in programme.rules.items
            if i.code not in codes and any(c[0] == i.code for c in cells)
        ]
        return Matrix(programme, None, items, receivers, cells, items_across=layout.items_across)
    mine = list(visible.filter(region=at.region, org=at.org))
    parents = {q.item: q for q in mine}
    children = list(visible.filter(parent__in=mine))
    cells = {(q.item, Receiver.of(q).key): q for q in children}
    receivers = sorted({Receiver.of(q) for q in children}, key=lambda r: (r.org is not None, r.key))
    labels = {i.code: i.label for i in programme.rules.items}
    items = [
        (i.code, labels.get(i.code, i.code)) for i in programme.rules.items if i.code in parents
    ]
    return Matrix(programme, at, items, receivers, cells, parents=parents)


def child_receivers(*, user: Any, programme: Programme, at: Receiver) -> list[Receiver]:
    """Receivers a level's new column can be given to: below `at`, within the user's reach;
    regions first, then organisations. (The programme's own table offers those its quota
    scope names: ``receivers.scope_receivers``.)"""
    out: list[Receiver] = []
    if at.region is not None:
        prefix = at.region.code[: scope.region_digits(at.region)]
        if at.region.level == Region.Level.PROVINCE:
            out += [
                Receiver(f"r{r.code}", r.name, region=r)
                for r in Region.objects.filter(parent=at.region).order_by("code")
            ]
        orgs = Organisation.objects.filter(region__code__startswith=prefix)
    else:
        orgs = Organisation.objects.filter(path__startswith=at.org.path).exclude(pk=at.org.pk)
    orgs = (
        orgs.filter(scope.orgs_q(user, "quota.allocate", via=None), is_active=True)
        .filter(kind__in=[Organisation.Kind.SCHOOL, Organisation.Kind.ENTERPRISE])
        .order_by("name_pinyin")[:500]
    )
    out += [Receiver(f"o{o.pk}", o.name, org=o) for o in orgs]
    return out


def receiver_area_q(receiver: Receiver, *, via: str = "org") -> Q:
    """Rows (people, enrollments) whose organisation lies in a receiver's area: under its
    region's code, or under the organisation itself."""
    if receiver.region is not None:
        prefix = receiver.region.code[: scope.region_digits(receiver.region)]
        return Q(**{f"{via}__region__code__startswith": prefix})
    return Q(**{f"{via}__path__startswith": receiver.org.path})


def teacher_weights(receivers: list[Receiver]) -> list[int]:
    """Teachers registered under each receiver: the default weights for apportionment, in one
    query."""
    if not receivers:
        return []
    counts = Person.objects.filter(teacher_profile__isnull=False).aggregate(
        **{f"n{n}": Count("pk", filter=receiver_area_q(r)) for n, r in enumerate(receivers)}
    )
    return [counts[f"n{n}"] for n in range(len(receivers))]


def recent_changes(*, user: Any, programme: Programme, at: Receiver | None) -> QuerySet[Any]:
    visible = quota_list(user=user, programme=programme)
    if at is not None:
        mine = visible.filter(region=at.region, org=at.org)
        visible = visible.filter(pk__in=mine) | visible.filter(parent__in=mine)
    return (
        QuotaChange.objects.filter(quota__in=visible)
        .select_related("quota__region", "quota__org", "actor__person")
        .order_by("-at", "-pk")[:20]
    )
