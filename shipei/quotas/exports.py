"""Quota tables out: a flat CSV (item, region, quota) and the notices' own Excel layouts.

The values are the programme's current quotas in the database, arranged the way the notice's
table lays them out (``layout.table_layout``); right after a preset is loaded they equal the
notice's printed cells. The import (``imports.py``) reads back every file written here.
"""

import csv
import io
from dataclasses import replace
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from shipei.accounts import scope
from shipei.programmes.models import Programme

from . import selectors
from .layout import Layout, item_columns, table_layout
from .models import Quota

TOTAL = "合计"
ROW_TOTAL = {"plan": "小计", "projects": "总计", "generic": "合计"}
COLUMN_TOTAL = {"regions_down": "合计", "plan": "合计", "projects": "小计", "generic": "合计"}
REGION_HEADER = "省份"
PLAN_GROUP = "计划数（人）"


def export_layout(programme: Programme, *, user: Any = None) -> tuple[Layout, dict]:
    """The programme's table and its current cells {(item, region code): seats}.

    Without `user` (the management command) the whole table; a user allowed to view the
    programme's quotas as a whole gets the whole table too, anyone else only the regions it
    reaches (a province admin: its own row of 000, its own column of 003), read through the
    same scope filter as the quota list.
    """
    layout = table_layout(programme)
    quotas = Quota.objects.filter(programme=programme, region__isnull=False)
    if user is not None and not scope.allows_programme(user, "quota.view", programme):
        quotas = selectors.quota_list(user=user, programme=programme).filter(region__isnull=False)
        layout = _scoped(layout, user)
    cells = {
        (item, region): seats
        for item, region, seats in quotas.values_list("item", "region_id", "seats")
    }
    return layout, cells


def _scoped(layout: Layout, user: Any) -> Layout:
    seen = lambda r: scope.allows_receiver(user, "quota.view", region=r)  # noqa: E731
    kept = [(r, label) for r, label in zip(layout.regions, layout.region_labels, strict=True)]
    kept = [(r, label) for r, label in kept if seen(r)]
    return replace(
        layout,
        regions=[r for r, _label in kept],
        region_labels=[label for _r, label in kept],
        on_demand={code: r for code, r in layout.on_demand.items() if seen(r)},
    )


def cell_rows(layout: Layout, cells: dict[tuple[str, str], int]) -> list[tuple[str, Any, int]]:
    """(item label, region, seats) for every non-zero cell, in the notice's reading order:
    its rows top to bottom, each row's cells left to right."""
    out: list[tuple[str, Any, int]] = []
    if layout.items_across:
        for region in layout.regions:
            for code, label in layout.items:
                out.append((label, region, cells.get((code, region.code), 0)))
    else:
        for code, label in layout.items:
            if code in layout.on_demand:
                region = layout.on_demand[code]
                out.append((label, region, cells.get((code, region.code), 0)))
                continue
            for region in layout.regions:
                out.append((label, region, cells.get((code, region.code), 0)))
    return [row for row in out if row[2]]


def quota_csv(programme: Programme, *, user: Any = None) -> str:
    """``item,region,quota``: one line per non-zero cell, region by its full name."""
    layout, cells = export_layout(programme, user=user)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["item", "region", "quota"])
    for label, region, seats in cell_rows(layout, cells):
        writer.writerow([label, region.name, seats])
    return out.getvalue()


# --- Excel in the notice's layout -----------------------------------------------------------

_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEAD_FILL = PatternFill("solid", fgColor="E8F1FB")
_TOTAL_FILL = PatternFill("solid", fgColor="F5F5F5")
_CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
_LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
_NUMBER = Alignment(horizontal="right", vertical="center")


class _Grid:
    """Cells written by (row, column), 1-based, with the house styles for each part."""

    def __init__(self, ws: Worksheet) -> None:
        self.ws = ws

    def head(self, row: int, col: int, text: str, *, rows: int = 1, cols: int = 1) -> None:
        for r in range(row, row + rows):
            for c in range(col, col + cols):
                cell = self.ws.cell(r, c)
                cell.border = _BORDER
                cell.fill = _HEAD_FILL
        cell = self.ws.cell(row, col, text)
        cell.font = Font(bold=True)
        cell.alignment = _CENTRE
        if rows > 1 or cols > 1:
            self.ws.merge_cells(
                start_row=row, start_column=col, end_row=row + rows - 1, end_column=col + cols - 1
            )

    def text(self, row: int, col: int, text: str, *, bold: bool = False) -> None:
        cell = self.ws.cell(row, col, text)
        cell.border = _BORDER
        cell.alignment = _LEFT
        cell.number_format = "@"
        if bold:
            cell.font = Font(bold=True)

    def number(self, row: int, col: int, value: int | None, *, bold: bool = False) -> None:
        # A zero cell stays blank, as the notices print it.
        cell = self.ws.cell(row, col, value or None)
        cell.border = _BORDER
        cell.alignment = _NUMBER
        cell.number_format = "#,##0"
        if bold:
            cell.font = Font(bold=True)


def quota_xlsx(programme: Programme, *, user: Any = None) -> bytes:
    """The table as the notice lays it out: title, merged headers, a totals row, frozen header."""
    layout, cells = export_layout(programme, user=user)
    book = Workbook()
    ws = book.active
    ws.title = _("名额分配表")
    grid = _Grid(ws)
    if layout.items_across:
        width, first_data, first_value_col = _regions_down(grid, layout, cells, programme)
    else:
        width, first_data, first_value_col = _items_down(grid, layout, cells)
    title = ws.cell(1, 1, layout.title)
    title.font = Font(bold=True, size=14)
    title.alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 30
    if width > 1:
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws.freeze_panes = ws.cell(first_data, first_value_col)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _regions_down(
    grid: _Grid, layout: Layout, cells: dict, programme: Programme
) -> tuple[int, int, int]:
    """000: provinces down; 第1期 | 第2期 over its five fields | 第3期 across."""
    ws = grid.ws
    items = layout.items
    groups = _item_groups(layout, programme)
    two_rows = any(parent for parent, _ in groups)
    head_rows = 2 if two_rows else 1
    grid.head(2, 1, REGION_HEADER, rows=head_rows)
    col = 2
    for parent, members in groups:
        if parent:
            grid.head(2, col, parent, cols=len(members))
            for offset, (_code, label) in enumerate(members):
                grid.head(3, col + offset, label)
        else:
            grid.head(2, col, members[0][1], rows=head_rows)
        col += len(members)
    row = 2 + head_rows
    first_data = row
    for region, label in zip(layout.regions, layout.region_labels, strict=True):
        grid.text(row, 1, label)
        for n, (code, _label) in enumerate(items):
            grid.number(row, 2 + n, cells.get((code, region.code), 0))
        row += 1
    grid.text(row, 1, TOTAL, bold=True)
    for n, (code, _label) in enumerate(items):
        total = sum(cells.get((code, r.code), 0) for r in layout.regions)
        grid.number(row, 2 + n, total, bold=True)
        ws.cell(row, 2 + n).fill = _TOTAL_FILL
    ws.column_dimensions["A"].width = 12
    for n, (_code, label) in enumerate(items):
        ws.column_dimensions[get_column_letter(2 + n)].width = max(10, min(len(label) * 2, 20))
    return 1 + len(items), first_data, 2


def _item_groups(layout: Layout, programme: Programme) -> list[tuple[str, list[tuple[str, str]]]]:
    """Consecutive items under the same parent item, which the notice prints as one spanning
    header (000's 第2期 over its five fields); items without a parent stand alone."""
    parents = {i.code: i.parent for i in programme.rules.items}
    labels = {i.code: i.label for i in programme.rules.items}
    groups: list[tuple[str, list[tuple[str, str]]]] = []
    for code, label in layout.items:
        parent = parents.get(code) or ""
        parent_label = labels.get(parent, "") if parent else ""
        if parent_label and groups and groups[-1][0] == parent_label:
            groups[-1][1].append((code, label))
        else:
            groups.append((parent_label, [(code, label)]))
    return groups


def _items_down(grid: _Grid, layout: Layout, cells: dict) -> tuple[int, int, int]:
    """001, 003 and the generic table: items down with their descriptive columns, regions
    across, a row total and a totals row; 001 groups 小计 and the cities under 计划数（人）."""
    ws = grid.ws
    kind = layout.kind
    columns = item_columns(layout)
    grouped = kind == "plan"
    head_rows = 2 if grouped else 1
    col = 1
    for column in columns:
        grid.head(2, col, column.label, rows=head_rows)
        ws.column_dimensions[get_column_letter(col)].width = column.width
        col += 1
    total_label = ROW_TOTAL[kind]
    if grouped:
        grid.head(2, col, PLAN_GROUP, cols=1 + len(layout.regions))
        grid.head(3, col, total_label)
        total_col = col
        first_region = col + 1
    else:
        first_region = col
        total_col = col + len(layout.regions)
    for n, label in enumerate(layout.region_labels):
        grid.head(1 + head_rows, first_region + n, label)
        ws.column_dimensions[get_column_letter(first_region + n)].width = max(
            7, min(len(label) * 2 + 2, 12)
        )
    if not grouped:
        grid.head(2, total_col, total_label)
    ws.column_dimensions[get_column_letter(total_col)].width = 8
    width = max(total_col, first_region + len(layout.regions) - 1)
    row = 2 + head_rows
    first_data = row
    runs: list[tuple[int, int, int]] = []  # (column, first row, last row) printed once
    run_start: dict[int, tuple[int, str]] = {}
    column_totals = [0] * len(layout.regions)
    grand = 0
    for code, _label in layout.items:
        for n, column in enumerate(columns, start=1):
            value = column.values.get(code, "")
            if column.merge_runs:
                start, text = run_start.get(n, (row, None))
                if text == value:
                    runs.append((n, start, row))
                    grid.text(row, n, "")
                    continue
                run_start[n] = (row, value)
            grid.text(row, n, value)
        if code in layout.on_demand:
            seats = cells.get((code, layout.on_demand[code].code), 0)
            note = _on_demand_note(layout, code)
            for n in range(len(layout.regions)):
                grid.text(row, first_region + n, "")
            if len(layout.regions) > 1:
                grid.text(row, first_region, note)
                ws.merge_cells(
                    start_row=row,
                    start_column=first_region,
                    end_row=row,
                    end_column=first_region + len(layout.regions) - 1,
                )
        else:
            values = [cells.get((code, r.code), 0) for r in layout.regions]
            for n, value in enumerate(values):
                grid.number(row, first_region + n, value)
                column_totals[n] += value
            seats = sum(values)
        grid.number(row, total_col, seats)
        grand += seats
        row += 1
    merged: dict[tuple[int, int], int] = {}
    for col_no, start, end in runs:  # the longest run from each start row
        merged[(col_no, start)] = max(end, merged.get((col_no, start), end))
    for (col_no, start), end in merged.items():
        ws.merge_cells(start_row=start, start_column=col_no, end_row=end, end_column=col_no)
    label_cols = max(len(columns), 1)
    grid.text(row, 1, COLUMN_TOTAL[kind], bold=True)
    for n in range(2, label_cols + 1):
        grid.text(row, n, "")
    if label_cols > 1:
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=label_cols)
    for n, value in enumerate(column_totals):
        grid.number(row, first_region + n, value, bold=True)
    grid.number(row, total_col, grand, bold=True)
    for c in range(1, width + 1):
        ws.cell(row, c).fill = _TOTAL_FILL
    note = (layout.source or {}).get("printed_table_note")
    if note:
        ws.cell(row + 1, 1, note).alignment = _LEFT
        ws.merge_cells(start_row=row + 1, start_column=1, end_row=row + 1, end_column=width)
        ws.row_dimensions[row + 1].height = 32
    return width, first_data, first_region if not grouped else total_col


def _on_demand_note(layout: Layout, code: str) -> str:
    for (item, _label), row in zip(layout.items, layout.rows, strict=True):
        if item == code:
            return row.get("printed_note") or _("各地按需报名。")
    return _("各地按需报名。")
