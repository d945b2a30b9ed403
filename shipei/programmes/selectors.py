"""Reads of programmes and of the notices' own tables."""

import json
from functools import cache
from typing import Any

from django.db.models import QuerySet

from shipei.core import scope

from .models import Programme
from .presets import PRESET_DIR


def programme_list(*, user: Any) -> QuerySet[Programme]:
    """Programmes are published notices: every administrative role may read them."""
    if not scope.has_any(user, "programme.view"):
        return Programme.objects.none()
    return Programme.objects.all()


@cache
def table_file(name: str) -> dict[str, Any]:
    return json.loads((PRESET_DIR / "data" / name).read_text(encoding="utf-8"))


def notice_table(programme: Programme) -> dict[str, Any] | None:
    """The notice's quota table as printed, in one shape whichever way the notice laid it out:
    title, columns, rows (label, cells, printed row total), printed column totals, and the
    places where the notice contradicts itself."""
    name = programme.rules.quota.table
    if not name:
        return None
    data = table_file(name)
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
        "contradictions": data.get("contradictions", []),
        "reconstructed": len(data.get("reconstructed", [])),
    }
