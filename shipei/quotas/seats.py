"""A quota's seats on the busiest path (an enrollment rush): which quota covers a teacher, as this
process read it a few seconds ago; taking or releasing one seat by a conditional UPDATE of the
quota's row (STYLE.md §2); and which quotas are known to be full, so that a rush's refusals
need not touch the rows. Only this module changes ``seats_held``.

The statements are written out: building them through the ORM cost more than the rest of a
seat's work.
"""

import logging
import secrets
import time
from dataclasses import dataclass
from typing import Any

from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection, transaction
from django.db.models import F

from shipei.core import rows
from shipei.orgs.models import Organisation
from shipei.programmes.models import Programme

from .models import Quota
from .selectors import quota_covering, receivers_covering, receivers_sql

logger = logging.getLogger(__name__)

_TABLE = Quota._meta.db_table
_TAKE = (
    f"UPDATE {_TABLE} SET seats_held = seats_held + 1 "
    "WHERE id = %s AND seats_held < seats - seats_split"
)
# Whether the seat just taken was the last one.
_LAST = "seats_held >= seats - seats_split"


def seat_take(quota: Quota, flag: "FullFlag | None" = None) -> bool:
    """Hold one seat; False when none is left. Call inside the enrollment's transaction. With
    the quota's `flag` (read before), a quota left full, or found full, is known to be full
    once the transaction commits (seen_full); a caller whose transaction a full quota rolls
    back records it after the rollback."""
    with connection.cursor() as cursor:
        cursor.execute(f"{_TAKE} RETURNING {_LAST}", [quota.pk])
        taken = cursor.fetchone()
    if flag is not None and (taken is None or taken[0]):
        seen_full(flag)
    return taken is not None


def seat_release(quota: Quota) -> None:
    """Free one seat held on `quota`, in the transaction of the enrollment that held it."""
    Quota.objects.filter(pk=quota.pk, seats_held__gt=0).update(seats_held=F("seats_held") - 1)
    seats_freed(quota.pk)


def seat_take_sql(quota: Quota, org: Organisation) -> tuple[str, list[Any]]:
    """seat_take for a teacher of `org`, as SQL and parameters for a statement of the caller's
    (``WITH seat AS (...)``): the UPDATE returns the quota's id and whether that was its last
    seat (``last``) when the seat is taken, and no row when the quota is full or gone, or when a
    quota now exists for a receiver closer to the teacher than `quota`'s (added since `quota`
    was found, by quota_covering_recent say), which covers the teacher instead."""
    mine = ("org", quota.org_id) if quota.org_id else ("region", quota.region_id)
    closer = []
    for receiver in receivers_covering(org):
        if receiver == mine:
            break
        closer.append(receiver)
    returning = f"RETURNING id, {_LAST} AS last"
    if not closer:
        return f"{_TAKE} {returning}", [quota.pk]
    receivers, params = receivers_sql(closer)
    sql = (
        f"{_TAKE} AND NOT EXISTS (SELECT 1 FROM {_TABLE} "
        f"WHERE programme_id = %s AND item = %s AND {receivers}) {returning}"
    )
    return sql, [quota.pk, quota.programme_id, quota.item, *params]


# ---- quotas known to be full ---------------------------------------------------------------------
#
# In a rush most submissions come after their quota has run out. Each would still send its seat
# statement to the quota's row (those about the last seat queue for its lock) or, on the ORM's
# path, write its rows in a transaction and roll them back, only to be refused, while the
# submissions that could still get a seat wait behind them. So the shared cache (Redis) keeps,
# per quota, a flag "full", and a "freed" mark that every change which may free a seat replaces
# (seats_freed: a seat released, a quota enlarged or deleted, seats taken back from below, a
# quota added under it). The flag holds the mark as it was before the statement that found the
# quota full, or took its last seat; the quota is known full while the two agree.
#
# A stale flag can cost a refusal, never a seat: the seat UPDATE stays the authority, and no
# flag means "ask the row". A change that frees a seat replaces the mark right after its UPDATE,
# in its transaction, while it holds the row: a statement on the row after that reads the new
# mark first and waits for the row, so it sees the seat; a statement on the row before it
# recorded the old mark, which no longer agrees. The flag is written after the commit (a
# rolled-back last seat was never taken), and lives FULL_SECONDS at most, so a change this
# module was not told of (an admin's edit in the database) holds for seconds, not for good.

FULL_SECONDS = 10
FREED_SECONDS = 24 * 3600  # longer than any flag: a flag must never outlive the mark after it
_FULL = "quota-full:%s"
_FREED = "quota-freed:%s"


@dataclass(frozen=True)
class FullFlag:
    """What the cache knows of one quota: whether it is known to be full, and its freed mark
    (None when the cache could not be read, or is not shared: then nothing is recorded)."""

    quota_id: int
    known: bool
    mark: str | None


def shared_cache() -> Any:
    """The shared cache, or None where every process has its own (the demo's local memory, in
    which a process would not hear of the seats another frees)."""
    cache = caches["default"]
    return None if isinstance(cache, LocMemCache) else cache


def full_flag(quota_id: int) -> FullFlag:
    """Read the quota's flag and freed mark (one round trip); before the statement whose
    finding is to be recorded (seen_full)."""
    cache = shared_cache()
    if cache is None:
        return FullFlag(quota_id, False, None)
    try:
        found = cache.get_many([_FULL % quota_id, _FREED % quota_id])
    except Exception as exc:  # the cache down: the rows answer, as without it
        logger.warning("quota flags unreadable: %s", exc)
        return FullFlag(quota_id, False, None)
    mark = found.get(_FREED % quota_id, "")
    return FullFlag(quota_id, found.get(_FULL % quota_id) == mark, mark)


def seen_full(flag: FullFlag) -> None:
    """The quota was found full, or its last seat taken, by a statement after `flag` was read:
    known full once the caller's transaction commits (at once outside one)."""
    cache = shared_cache()
    if cache is None or flag.mark is None:
        return

    def record() -> None:
        try:
            cache.set(_FULL % flag.quota_id, flag.mark, FULL_SECONDS)
        except Exception as exc:
            logger.warning("quota flag not recorded: %s", exc)

    transaction.on_commit(record)


def seats_freed(*quota_ids: int | None) -> None:
    """Seats of these quotas may have been freed: no flag recorded before says full any more.
    Call right after the UPDATE that frees them, in its transaction."""
    cache = shared_cache()
    ids = [pk for pk in quota_ids if pk is not None]
    if cache is None or not ids:
        return
    try:
        cache.set_many({_FREED % pk: secrets.token_hex(8) for pk in ids}, FREED_SECONDS)
    except Exception as exc:  # unrecorded: the flags expire within FULL_SECONDS
        logger.warning("quota flags not cleared: %s", exc)


# The receivers that have a quota, per programme and item, as this process read them in the
# last few seconds: (programme, item) -> (until, {("org", id) | ("region", code): quota id}).
_RECEIVERS: dict[tuple[int, str], tuple[float, dict[tuple[str, Any], int]]] = {}
COVERING_SECONDS = 5.0
# The columns a kept quota comes with, in the model's order (Model.from_db takes them so).
_ROW = [f.attname for f in rows.fields(Quota, {"id", "programme", "item", "region", "org"})]


def quota_covering_recent(*, programme: Programme, item: str, org: Organisation) -> Quota | None:
    """quota_covering from the programme's quota receivers as this process read them at most
    COVERING_SECONDS ago, for submissions in a rush: one read per programme and item, not one
    per submission. The quota comes with its key and receiver only (the rest loads on use).

    Only which row covers `org` may be stale, never its seats: a seat is taken by a conditional
    UPDATE of the row (seat_take_sql, which also refuses a quota that a closer one has
    replaced), and a caller that finds it full (or gone) asks quota_covering again. Where no
    kept receiver covers `org`, quota_covering answers, so that a quota added meanwhile is
    never passed over. A quota added or removed in this process is seen at once
    (``forget_covering``, after its commit); in another, within the few seconds."""
    key = (programme.pk, item)
    now = time.monotonic()
    hit = _RECEIVERS.get(key)
    if hit is None or hit[0] < now:
        receivers = {
            (("org", org_id) if org_id else ("region", region_id)): pk
            for pk, org_id, region_id in Quota.objects.filter(programme_id=programme.pk, item=item)
            .order_by()  # no join for the model's ordering
            .values_list("pk", "org_id", "region_id")
        }
        hit = _RECEIVERS[key] = (now + COVERING_SECONDS, receivers)
    receivers = hit[1]
    for receiver in receivers_covering(org):
        pk = receivers.get(receiver)
        if pk is not None:
            kind, value = receiver
            known = {
                "id": pk,
                "programme_id": programme.pk,
                "item": item,
                "org_id": value if kind == "org" else None,
                "region_id": value if kind == "region" else None,
            }
            return Quota.from_db("default", _ROW, [known[name] for name in _ROW])
    return quota_covering(programme=programme, item=item, org=org)


def forget_covering() -> None:
    """Forget the kept receivers (a quota was added or removed): the next submission reads."""
    _RECEIVERS.clear()
