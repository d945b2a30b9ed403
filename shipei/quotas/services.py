"""Writes of quotas: giving seats down the tree, changing and taking them back. What is split
below a quota (``seats_split``) changes only here, what is held on it (``seats_held``) only in
``seats``, by conditional UPDATEs (STYLE.md §2)."""

from typing import Any

from django.db import transaction
from django.db.models import F, Sum
from django.utils.translation import gettext_lazy as _

from shipei.accounts import scope
from shipei.audit.services import record
from shipei.core.errors import DomainError, NotPermitted
from shipei.orgs.models import Organisation, Region
from shipei.programmes.models import Programme
from shipei.programmes.policy import QUOTA_SCOPE_LABELS
from shipei.programmes.selectors import printed_table

from . import selectors
from .errors import (
    QuotaBadReceiver,
    QuotaBatchRefused,
    QuotaBelowUsed,
    QuotaExceedsParent,
    QuotaInUse,
    QuotaNegative,
    QuotaOutsideArea,
    QuotaOutsideScope,
    QuotaOverPlanned,
    QuotaScopeNone,
    QuotaTooLarge,
    QuotaUnknownItem,
)
from .layout import table_layout
from .models import Quota, QuotaChange
from .notices import quota_notice
from .seats import seats_freed

MAX_SEATS = 1_000_000  # no notice comes near; keeps every sum inside a database integer


def _check_receiver(region: Region | None, org: Organisation | None) -> None:
    if (region is None) == (org is None):
        raise QuotaBadReceiver(receiver="（未指定）")
    if region is not None and region.level not in (Region.Level.PROVINCE, Region.Level.PREFECTURE):
        raise QuotaBadReceiver(receiver=region.name)
    if org is not None and not org.is_active:
        raise QuotaBadReceiver(receiver=org.name)


def _may_set(actor: Any, quota_parent: Quota | None, programme: Programme, **receiver: Any) -> bool:
    if quota_parent is None:
        # Seats that come from nowhere are the programme owner's to give.
        return scope.allows_programme(actor, "quota.allocate", programme)
    return scope.allows_receiver(
        actor, "quota.allocate", region=quota_parent.region, org=quota_parent.org
    )


@transaction.atomic
def quota_set(
    *,
    actor: Any,
    programme: Programme,
    item: str,
    seats: int,
    region: Region | None = None,
    org: Organisation | None = None,
    on_demand: bool = False,
    reason: str = "",
) -> Quota:
    """Give `seats` of `item` to a region or organisation, or change how many it has.

    The quota is taken from the most specific quota above the receiver (its parent); without
    one, it is a top-level quota that only the programme's owner sets. Quotas already given
    below the receiver move under it. Raises a domain error, changing nothing, when the parent
    has too few seats left or the receiver already holds or split more than `seats`.
    """
    if seats < 0:
        raise QuotaNegative()
    if seats > MAX_SEATS:
        raise QuotaTooLarge(most=f"{MAX_SEATS:,}")
    # Locked so that an admin cannot remove the item from the policy while it gets seats.
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    if not any(i.code == item for i in programme.rules.items):
        raise QuotaUnknownItem(item=item)
    _check_receiver(region, org)
    quota = (
        Quota.objects.select_for_update()
        .filter(programme=programme, item=item, region=region, org=org)
        .first()
    )
    parent = (
        quota.parent
        if quota is not None
        else selectors.quota_above(programme=programme, item=item, region=region, org=org)
    )
    if not _may_set(actor, parent, programme):
        raise NotPermitted()
    before = quota.seats if quota is not None else None
    # A province's own programme gives its seats within the province only; seats given outside
    # before this rule may still be taken back.
    if (before is None or seats > before) and not scope.in_area(
        programme.owner, region=region, org=org
    ):
        raise QuotaOutsideArea(receiver=(region or org).name, owner=programme.owner.name)
    if quota is not None and before == seats and quota.on_demand == on_demand:
        return quota  # nothing to change, nothing to record
    # What the owner gives (a quota without one above it) goes to the receivers the item's
    # quota scope names, within its planned seats; what was given before may still be cut.
    # Seats kept on demand stay a level above the scope's receivers (由上一级统筹).
    growing = parent is None and (before is None or seats > before)
    if growing and not on_demand:
        _check_scope(programme, item, region, org)
    given_before = _given_by_owner(programme) if growing else {}
    if quota is None:
        quota = _create(programme, item, region, org, parent, seats, on_demand)
    else:
        _resize(quota, seats)
        if quota.on_demand != on_demand:
            Quota.objects.filter(pk=quota.pk).update(on_demand=on_demand)
    if growing:
        _check_planned(programme, item, given_before)
    # More seats here, or fewer given from the parent, or a new quota covering some of the
    # parent's teachers: neither is known to be full any more.
    seats_freed(quota.pk, parent.pk if parent else None)
    quota.refresh_from_db()
    QuotaChange.objects.create(
        quota=quota, actor=actor, seats_before=before, seats_after=seats, reason=reason
    )
    quota_notice(programme, quota, actor, before, seats)
    record(
        actor,
        "quota.allocated" if before is None else "quota.changed",
        quota,
        org=org or (parent.org if parent else None),
        programme=programme.pk,
        item=item,
        receiver=quota.receiver_name,
        before=before,
        after=seats,
        reason=reason,
    )
    return quota


# What a quota scope hands seats to, at the first level below the programme's owner.
_SCOPE_RECEIVERS = {
    "province": _("省级教育行政部门（省、自治区、直辖市）"),
    "city": _("设区市（地级）"),
    "school": _("学校"),
    "base": _("培训基地"),
}
_K = Organisation.Kind


def _in_scope(scope_code: str, region: Region | None, org: Organisation | None) -> bool:
    """Whether the receiver is of the level the quota scope names."""
    if scope_code == "province":
        if region is not None:
            return region.level == Region.Level.PROVINCE
        return org.kind in (_K.PROVINCE_EDU, _K.PROVINCE_HR)
    if scope_code == "city":
        if region is not None:
            return region.level == Region.Level.PREFECTURE
        return org.kind in (_K.CITY_EDU, _K.CITY_HR)
    if scope_code == "school":
        return org is not None and org.kind == _K.SCHOOL
    if scope_code == "base":
        return org is not None and org.designations.exists()
    return False


def _check_scope(
    programme: Programme, item: str, region: Region | None, org: Organisation | None
) -> None:
    """QuotaOutsideScope (QuotaScopeNone) unless the item's quota scope (policy quota.scope,
    or the item's own) hands seats to this receiver."""
    scope_code = programme.rules.quota_scope_for(item)
    label = _item_label(programme, item)
    receiver = (region or org).name
    if scope_code == "none":
        raise QuotaScopeNone(item=label, receiver=receiver)
    if not _in_scope(scope_code, region, org):
        raise QuotaOutsideScope(
            item=label,
            scope=QUOTA_SCOPE_LABELS[scope_code],
            receiver=receiver,
            expected=_SCOPE_RECEIVERS[scope_code],
        )


def _item_label(programme: Programme, item: str) -> str:
    return f"{programme.rules.item(item).label}（{item}）"


def _given_by_owner(programme: Programme) -> dict[str, int]:
    """Seats the owner has given (quotas with none above them), per item."""
    return {
        code: total
        for code, total in Quota.objects.filter(programme=programme, parent__isnull=True)
        .values_list("item")
        .annotate(total=Sum("seats"))
    }


def _check_planned(programme: Programme, item: str, before: dict[str, int]) -> None:
    """QuotaOverPlanned when the seats the owner has given for an item with planned seats (the
    item or any above it: 001's 1+X, 750 in all) now pass them, and grew."""
    rules = programme.rules
    after = _given_by_owner(programme)
    for planned in rules.lineage(item):
        if planned.planned_seats is None:
            continue
        codes = {planned.code, *_below(rules, planned.code)}
        asked = sum(after.get(c, 0) for c in codes)
        if asked > planned.planned_seats and asked > sum(before.get(c, 0) for c in codes):
            raise QuotaOverPlanned(
                item=_item_label(programme, planned.code),
                planned=planned.planned_seats,
                asked=asked,
            )


def _below(rules: Any, code: str) -> set[str]:
    """The codes of the items under `code`, at any depth."""
    out: set[str] = set()
    for child in (i.code for i in rules.items if i.parent == code):
        out |= {child, *_below(rules, child)}
    return out


def _take_from_parent(parent: Quota | None, delta: int) -> None:
    if parent is None or delta == 0:
        return
    updated = Quota.objects.filter(
        pk=parent.pk, seats__gte=F("seats_split") + F("seats_held") + delta
    ).update(seats_split=F("seats_split") + delta)
    if not updated:
        parent.refresh_from_db()
        raise QuotaExceedsParent(parent=parent.receiver_name, free=parent.seats_free, wanted=delta)


def _create(
    programme: Programme,
    item: str,
    region: Region | None,
    org: Organisation | None,
    parent: Quota | None,
    seats: int,
    on_demand: bool,
) -> Quota:
    # Quotas already given below the new receiver move under it (province -> schools, then a
    # city quota is added between them).
    siblings = Quota.objects.select_for_update().filter(
        programme=programme, item=item, parent=parent
    )
    moved = [q for q in siblings if selectors.is_below(q, region=region, org=org)]
    moved_seats = sum(q.seats for q in moved)
    if seats < moved_seats:
        raise QuotaBelowUsed(
            receiver=region.name if region else org.name, held=0, split=moved_seats, wanted=seats
        )
    _take_from_parent(parent, seats - moved_seats)
    quota = Quota.objects.create(
        programme=programme,
        item=item,
        region=region,
        org=org,
        parent=parent,
        seats=seats,
        seats_split=moved_seats,
        on_demand=on_demand,
    )
    Quota.objects.filter(pk__in=[q.pk for q in moved]).update(parent=quota)
    return quota


def _resize(quota: Quota, seats: int) -> None:
    delta = seats - quota.seats
    if delta > 0:
        _take_from_parent(quota.parent, delta)
    updated = Quota.objects.filter(pk=quota.pk, seats_split__lte=seats - F("seats_held")).update(
        seats=seats
    )
    if not updated:
        quota.refresh_from_db()
        raise QuotaBelowUsed(
            receiver=quota.receiver_name,
            held=quota.seats_held,
            split=quota.seats_split,
            wanted=seats,
        )
    if delta < 0 and quota.parent_id:
        Quota.objects.filter(pk=quota.parent_id).update(seats_split=F("seats_split") + delta)


@transaction.atomic
def quota_delete(*, actor: Any, quota: Quota, reason: str = "") -> None:
    """Take a quota back to its parent; refused while seats are held or split below it."""
    quota = Quota.objects.select_for_update().get(pk=quota.pk)
    if not _may_set(actor, quota.parent, quota.programme):
        raise NotPermitted()
    if quota.seats_held or quota.seats_split or quota.children.exists():
        raise QuotaInUse(receiver=quota.receiver_name)
    if quota.parent_id:
        Quota.objects.filter(pk=quota.parent_id).update(seats_split=F("seats_split") - quota.seats)
    seats_freed(quota.pk, quota.parent_id)  # its teachers now take the parent's seats
    quota_notice(quota.programme, quota, actor, quota.seats, None)
    record(
        actor,
        "quota.deleted",
        quota,
        org=quota.org,
        programme=quota.programme_id,
        item=quota.item,
        receiver=quota.receiver_name,
        before=quota.seats,
        reason=reason,
    )
    quota.delete()


@transaction.atomic
def quota_load_printed(*, programme: Programme, replace: bool = False) -> int:
    """Give the seats of the notice's own table (``programmes.PrintedTable``, stored with the
    programme) as top-level quotas.

    Runs when a preset is loaded: a programme that already has quotas keeps them (an admin may
    have changed them) unless `replace`, which is refused while any seat is held. Returns how
    many quotas were created; none for a programme without a printed table.
    """
    if printed_table(programme) is None:
        return 0
    existing = Quota.objects.select_for_update().filter(programme=programme)
    if existing.exists():
        if not replace:
            return 0
        if any(q.seats_held for q in existing):
            raise QuotaInUse(receiver=programme.title)
        seats_freed(*(q.pk for q in existing))
        existing.update(parent=None)
        existing.delete()
    layout = table_layout(programme)
    regions = {r.code: r for r in [*layout.regions, *layout.on_demand.values()]}
    created = Quota.objects.bulk_create(
        Quota(
            programme=programme,
            item=item,
            region=regions[code],
            seats=seats,
            on_demand=layout.on_demand.get(item) is not None,
        )
        for (item, code), seats in layout.cells.items()
    )
    QuotaChange.objects.bulk_create(
        QuotaChange(quota=q, seats_after=q.seats, reason="按通知附件载入") for q in created
    )
    record(None, "quota.loaded", programme, count=len(created), replace=replace)
    return len(created)


@transaction.atomic
def quota_set_many(
    *,
    actor: Any,
    programme: Programme,
    changes: list[tuple[str, Region | None, Organisation | None, int, str]],
    reason: str = "",
) -> int:
    """Apply several cells at once, all or nothing: (item, region, org, seats, cell key).

    Cuts go first so that the seats they free can be given elsewhere in the same batch. Every
    refusal is collected with its cell before the whole batch is rolled back.
    """
    current = {
        (q.item, q.region_id, q.org_id): q.seats for q in Quota.objects.filter(programme=programme)
    }

    def delta(change: tuple[str, Region | None, Organisation | None, int, str]) -> int:
        item, region, org, seats, _ = change
        return seats - current.get(
            (item, region.pk if region else None, org.pk if org else None), 0
        )

    problems: dict[str, str] = {}
    done = 0
    for change in sorted(changes, key=delta):
        item, region, org, seats, key = change
        if delta(change) == 0:
            continue
        try:
            quota_set(
                actor=actor,
                programme=programme,
                item=item,
                seats=seats,
                region=region,
                org=org,
                reason=reason,
            )
            done += 1
        except (DomainError, NotPermitted) as exc:
            problems[key] = exc.message
    if problems:
        raise QuotaBatchRefused(problems)
    return done
