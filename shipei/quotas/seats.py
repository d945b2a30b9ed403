"""A quota's seats on the busiest path (an enrollment rush): which quota covers a teacher, as this
process read it a few seconds ago, and taking or releasing one seat by a conditional UPDATE of
the quota's row (STYLE.md §2). Only this module changes ``seats_held``.

The statements are written out: building them through the ORM cost more than the rest of a
seat's work.
"""

import time
from typing import Any

from django.db import connection
from django.db.models import F

from shipei.core import rows
from shipei.orgs.models import Organisation
from shipei.programmes.models import Programme

from .models import Quota
from .selectors import quota_covering, receivers_covering, receivers_sql

_TABLE = Quota._meta.db_table
_TAKE = (
    f"UPDATE {_TABLE} SET seats_held = seats_held + 1 "
    "WHERE id = %s AND seats_held < seats - seats_split"
)


def seat_take(quota: Quota) -> bool:
    """Hold one seat; False when none is left. Call inside the enrollment's transaction."""
    with connection.cursor() as cursor:
        cursor.execute(_TAKE, [quota.pk])
        return cursor.rowcount == 1


def seat_release(quota: Quota) -> None:
    """Free one seat held on `quota`, in the transaction of the enrollment that held it."""
    Quota.objects.filter(pk=quota.pk, seats_held__gt=0).update(seats_held=F("seats_held") - 1)


def seat_take_sql(quota: Quota, org: Organisation) -> tuple[str, list[Any]]:
    """seat_take for a teacher of `org`, as SQL and parameters for a statement of the caller's
    (``WITH seat AS (...)``): the UPDATE returns the quota's id when the seat is taken, and no
    row when the quota is full or gone, or when a quota now exists for a receiver closer to the
    teacher than `quota`'s (added since `quota` was found, by quota_covering_recent say), which
    covers the teacher instead."""
    mine = ("org", quota.org_id) if quota.org_id else ("region", quota.region_id)
    closer = []
    for receiver in receivers_covering(org):
        if receiver == mine:
            break
        closer.append(receiver)
    if not closer:
        return f"{_TAKE} RETURNING id", [quota.pk]
    receivers, params = receivers_sql(closer)
    sql = (
        f"{_TAKE} AND NOT EXISTS (SELECT 1 FROM {_TABLE} "
        f"WHERE programme_id = %s AND item = %s AND {receivers}) RETURNING id"
    )
    return sql, [quota.pk, quota.programme_id, quota.item, *params]


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
            for pk, org_id, region_id in Quota.objects.filter(
                programme_id=programme.pk, item=item
            ).values_list("pk", "org_id", "region_id")
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
