"""Reads of programmes and of the notices' own tables."""

import re
from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import QuerySet

from shipei.accounts import scope
from shipei.core.recent import Recent
from shipei.orgs.models import Organisation

from .models import OWNER_KINDS, PrintedTable, Programme


def programme_list(*, user: Any) -> QuerySet[Programme]:
    """Programmes are published notices: every administrative role may read them."""
    if not scope.has_any(user, "programme.view"):
        return Programme.objects.none()
    return Programme.objects.all()


# Programmes read by busy inputs (each enrollment submission names one), kept for a few seconds
# per process, without the notice's text and the raw policy.
_RECENT: Recent[int, Programme] = Recent(
    lambda pk: Programme.objects.defer("notice_text", "policy").filter(pk=pk).first()
)


# Where rows of the apps built on programmes name an item by its code (quotas, projects): each
# registers how to find the codes it uses (AppConfig.ready), for programmes may not import it.
ITEM_USERS: list[Callable[[Programme, set[str]], Iterable[str]]] = []


def items_in_use(programme: Programme, codes: set[str] | None = None) -> list[str]:
    """Item codes (of `codes`, or of all the programme's items) still named by quota or project
    rows, which store the code rather than a key: such an item may not be removed or renamed."""
    if programme.pk is None or codes == set():
        return []
    if codes is None:
        codes = {i.code for i in programme.rules.items}
    used: set[str] = set()
    for find in ITEM_USERS:
        used |= set(find(programme, codes))
    return sorted(used)


def programme_recent(pk: int) -> Programme | None:
    """The programme as read at most a few seconds ago by this process, or None.

    For inputs that name a programme in an enrollment rush. Only configuration is stale, and
    briefly: a save in this process is seen at once (``forget_recent``), one in another process
    after a few seconds; the windows themselves are times in the policy, so that they open and
    close on the second wherever the row was read. Each caller gets its own copy."""
    programme = _RECENT.get(pk)
    if programme is None:
        return None
    # A copy as copy.copy makes it (Model.__getstate__), without the unpickling's lookups.
    clone = Programme.__new__(Programme)
    clone.__dict__.update(programme.__getstate__())
    return clone


def forget_recent(pk: int) -> None:
    _RECENT.forget(pk)


def printed_table(programme: Programme) -> dict[str, Any] | None:
    """The data of the notice's table that the policy names (``quota.table``), as stored with
    the programme; None when the policy names none, or one this programme does not hold."""
    name = programme.rules.quota.table
    if not name or programme.pk is None:
        return None
    return (
        PrintedTable.objects.filter(programme=programme, name=name)
        .values_list("data", flat=True)
        .first()
    )


def printed_table_choices(programme: Programme) -> list[tuple[str, str]]:
    """The tables stored with the programme that its policy may name: (name, printed title)."""
    if programme.pk is None:
        return []
    return [(t.name, t.title) for t in PrintedTable.objects.filter(programme=programme)]


# Places in a printed table as the data files of scanned notices spell them, in Chinese.
_PLACES = (
    (re.compile(r"^(\S+) (\S+) row, column (.+)$"), r"\1 \2行，\3列"),
    (re.compile(r"^(\S+) (\S+) row, (\S+) \(grand total\)$"), r"\1 \2行，\3"),
    (re.compile(r"^(\S+) row (\d+) (.+): (\S+)$"), r"\1 第 \2 行“\3”：\4"),
)


def _where_text(where: str) -> str:
    for pattern, chinese in _PLACES:
        if pattern.match(where):
            return pattern.sub(chinese, where)
    return where


def notice_table(programme: Programme) -> dict[str, Any] | None:
    """The notice's quota table as printed, in one shape whichever way the notice laid it out:
    title, columns, rows (label, cells, printed row total), printed column totals, and the
    places where the notice contradicts itself."""
    data = printed_table(programme)
    if data is None:
        return None
    table = data.get("quota_table", data)
    columns = table["columns"]
    totals = table.get("printed_column_totals") or data.get("printed_totals") or {}
    rows = []
    for row in table["rows"]:
        cells = row.get("cells", {})
        rows.append(
            {
                "label": row["label"],
                "cells": [cells.get(c) for c in columns],
                "printed_total": row.get("printed_row_total"),
                "sum": sum(v for v in cells.values() if isinstance(v, int)),
                "on_demand": row.get("on_demand", False),
            }
        )
    return {
        "title": table.get("title") or data.get("table", ""),
        "columns": columns,
        "rows": rows,
        "column_totals": [totals.get(c) for c in columns],
        "grand_total": table.get("printed_grand_total") or data.get("printed_grand_total"),
        "contradictions": [
            {**c, "where": _where_text(c["where"])} for c in data.get("contradictions", [])
        ],
        "reconstructed": len(data.get("reconstructed", [])),
    }


def owner_choices(user: Any) -> QuerySet[Organisation]:
    """Issuing departments where the user may manage programmes."""
    return (
        Organisation.objects.filter(scope.orgs_q(user, "programme.manage", via=None))
        .filter(kind__in=OWNER_KINDS, is_active=True)
        .order_by("path")
    )


def base_choices() -> list[str]:
    """The full names of the organisations that hold a training-base designation (any kind, any
    year), which an item may name as its base."""
    return list(
        Organisation.objects.filter(designations__isnull=False)
        .order_by("name")
        .values_list("name", flat=True)
        .distinct()
    )
