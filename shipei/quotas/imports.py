"""Quota tables in: an .xlsx/.xls/.csv in the notice's layout (the export's or the notice's own),
on whichever sheet of the workbook it is.

Every cell is checked first and every problem named with its Excel row and column
("第 5 行 D 列（杭州市）：应为不小于 0 的整数"); only a clean file is applied, in one
transaction, through ``services.quota_set`` for each cell whose seats change. Printed totals
are not data: a totals row or column that disagrees with the cells is a warning, never a
failure (the notices themselves print such totals, see the presets' ``contradictions``).
"""

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.utils import get_column_letter

from shipei.audit.services import record
from shipei.core.errors import DomainError
from shipei.core.excel import MAX_ROWS, ExcelFormatError, Problem, Sheet, read_book
from shipei.orgs.models import Region
from shipei.programmes.models import Programme

from . import services
from .exports import PLAN_GROUP, REGION_HEADER
from .layout import Layout, item_columns, item_index, normalise, previous_layout, table_layout
from .models import Quota

TOTAL_LABELS = {"合计", "总计", "小计"}
ROW_LABEL_HEADERS = {REGION_HEADER, "地区", "省份名称", "省(区、市)", "省(自治区、直辖市)", "单位"}
IGNORED_HEADERS = {"序号", normalise(PLAN_GROUP), "备注", "说明"}
BLANKS = {"", "-", "--", "—", "——", "/", "无"}
HEADER_SEARCH_ROWS = 12


class QuotaImportRefused(DomainError):
    code = "quota_import_refused"
    template = gettext_lazy("%(where)s：%(reason)s")


@dataclass
class CellProblem(Problem):
    """A problem at a cell: shown as "第 5 行 D 列（杭州市）：…"."""

    def __str__(self) -> str:
        where = _("第 %(row)d 行") % {"row": self.row}
        if self.column:
            where += f" {self.column}"
        return f"{where}：{self.message}"


@dataclass
class Cell:
    row: int  # Excel row
    column: int  # 1-based Excel column
    header: str  # the region or item as the file names it
    item: str
    region: Region
    seats: int
    on_demand: bool = False

    @property
    def where(self) -> str:
        return _("第 %(row)d 行 %(col)s 列（%(header)s）") % {
            "row": self.row,
            "col": get_column_letter(self.column),
            "header": self.header,
        }


@dataclass
class QuotaUpload:
    cells: list[Cell] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _at(col: int, header: str = "") -> str:
    letter = get_column_letter(col)
    return (
        _("%(col)s 列（%(header)s）") % {"col": letter, "header": header}
        if header
        else (_("%(col)s 列") % {"col": letter})
    )


def _grid(table: list[list[Any]]) -> list[list[Any]]:
    if len(table) > MAX_ROWS:
        raise ExcelFormatError(_("一次最多导入%(n)d行，请分批导入。") % {"n": MAX_ROWS})
    width = max((len(r) for r in table), default=0)
    return [list(r) + [None] * (width - len(r)) for r in table]


def seats_value(value: Any) -> int | None:
    """A cell as seats: blank is 0; whole numbers also as text, full-width or as 12.0; None
    for anything else (a fraction, a negative, words)."""
    if value is None or isinstance(value, bool):
        return 0 if value is None else None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, float):
        return int(value) if value.is_integer() and value >= 0 else None
    text = normalise(value).replace(",", "")
    if text in BLANKS:
        return 0
    try:
        number = float(text)
    except ValueError:
        return None
    return int(number) if number.is_integer() and number >= 0 else None


def _is_blank(value: Any) -> bool:
    return normalise(value) == "" if not isinstance(value, int | float) else False


def _region_index(layout: Layout) -> tuple[dict[str, Region], dict[str, Region]]:
    """Names of the table's own regions (full, short, aliases, as printed), and of all others."""
    ours: dict[str, Region] = {}
    for region, label in zip(layout.regions, layout.region_labels, strict=True):
        for name in (region.name, region.short_name, label, *region.aliases):
            ours.setdefault(normalise(name), region)
    others: dict[str, Region] = {}
    for region in Region.objects.all():
        for name in (region.name, region.short_name, *region.aliases):
            others.setdefault(normalise(name), region)
    return ours, others


def parse_quota_table(
    *, programme: Programme, upload: Any
) -> tuple[Sheet, QuotaUpload, list[Problem]]:
    """Read an upload in the programme's own layout or, for a programme copied for a new year,
    in the layout of the one it was copied from (last year's export, fed back in): the file is
    read the second way only when the first finds problems and the second finds none, so that
    a mistake in this year's table is named against this year's layout."""
    layout = table_layout(programme)
    grids = [_grid(table) for _name, table in read_book(upload)]
    grids = [g for g in grids if any(not _is_blank(v) for row in g for v in row)]
    if not grids:
        raise ExcelFormatError(_("文件是空的。"))
    try:
        found = _parse_book(programme, layout, grids)
    except ExcelFormatError as exc:
        found, refused = None, exc
    if found is None or found[2]:
        previous = previous_layout(programme)
        if previous is not None:
            try:
                again = _parse_book(programme, previous, grids)
            except ExcelFormatError:
                again = None
            if again is not None and not again[2]:
                again[1].warnings.insert(
                    0,
                    _("已按复制来源“%(title)s”的名额表版式读取。")
                    % {"title": programme.copied_from.title},
                )
                return again
    if found is None:
        raise refused
    return found


def _parse_book(
    programme: Programme, layout: Layout, grids: list[list[list[Any]]]
) -> tuple[Sheet, QuotaUpload, list[Problem]]:
    """The table on the first sheet whose header lists the layout's regions (or items)."""
    first_error = None
    for grid in grids:
        parser = _Parser(programme, layout, grid)
        try:
            parser.header = parser.find_header()
        except ExcelFormatError as exc:
            first_error = first_error or exc
            continue
        return parser.parse()
    raise first_error


class _Parser:
    def __init__(self, programme: Programme, layout: Layout, grid: list[list[Any]]) -> None:
        self.programme = programme
        self.layout = layout
        self.grid = grid
        self.generic = layout.kind == "generic"
        self.header = 0  # the index of the header row, once found
        self.problems: list[Problem] = []
        self.out = QuotaUpload()
        self.items = item_index(layout, programme)
        self.our_regions, self.all_regions = _region_index(layout)
        if self.generic:  # any province or city may get a column of a table without a notice
            self.our_regions = {**self.all_regions}
        self.item_labels = dict(layout.items)
        for item in programme.rules.items:
            self.item_labels.setdefault(item.code, item.label)
        self.codes = {item.code for item in programme.rules.items}

    def fail(self, row: int, column: str, message: str) -> None:
        self.problems.append(CellProblem(row, column, message))

    # -- header ---------------------------------------------------------------------------

    def across(self, label: str) -> Any:
        """What a header label names along the table: a region (items down) or an item."""
        if self.layout.items_across:
            code = self.items.get(label)
            return code if code in self.codes and code in dict(self.layout.items) else None
        return self.our_regions.get(label)

    def find_header(self) -> int:
        scores = [
            sum(1 for v in row if self.across(normalise(v)) is not None)
            for row in self.grid[:HEADER_SEARCH_ROWS]
        ]
        best = max(scores, default=0)
        expected = len(self.layout.items if self.layout.items_across else self.layout.regions)
        if best < min(2, expected) or best == 0:
            what = _("省份和培训项目") if self.layout.items_across else _("地区")
            raise ExcelFormatError(
                _(
                    "未找到表头行：各工作表的前 %(n)d 行中没有一行列出本名额表的%(what)s。"
                    "请使用本页下载的名额表填写。"
                )
                % {"n": HEADER_SEARCH_ROWS, "what": what}
            )
        return scores.index(best)

    def check_title(self, first_header: int) -> None:
        above = [
            (n, [v for v in row if not _is_blank(v)])
            for n, row in enumerate(self.grid[:first_header])
        ]
        above = [(n, values) for n, values in above if values]
        wanted = normalise(self.layout.title)
        bare = wanted
        if bare.startswith("附件"):
            bare = bare.lstrip("附件0123456789")
        if not above:
            self.fail(1, _at(1), _("缺少标题行：第一行应为“%(t)s”。") % {"t": self.layout.title})
            return
        n, values = above[0]
        found = normalise(values[0])
        if found not in (wanted, bare) and bare not in found:
            self.fail(
                n + 1,
                _at(1),
                _("标题“%(found)s”与本培训计划的名额表“%(t)s”不符，请确认上传的是本计划的名额表。")
                % {"found": str(values[0]).strip(), "t": self.layout.title},
            )

    def header_block(self, header: int) -> int:
        """The first row of the header: rows above the best one that carry several labels
        (000's 第1期 | 第2期 | 第3期 above the five fields; 001's 计划数（人） above the cities)."""
        start = header
        while start > 0 and sum(1 for v in self.grid[start - 1] if not _is_blank(v)) >= 2:
            start -= 1
        return start

    def column_labels(self, start: int, header: int) -> list[str]:
        labels = []
        for col in range(len(self.grid[header])):
            label = ""
            for row in range(start, header + 1):
                text = normalise(self.grid[row][col])
                if text:
                    label = text
            labels.append(label)
        return labels

    def map_columns(self, labels: list[str], header_row: int) -> None:
        layout = self.layout
        self.across_cols: dict[int, Any] = {}
        self.key_cols: list[tuple[int, Any]] = []
        self.total_col: int | None = None
        self.label_col: int | None = None
        keys = {
            normalise(name): column
            for column in item_columns(layout)
            for name in (column.label, *column.aliases)
        }
        seen: dict[Any, int] = {}
        for col, label in enumerate(labels):
            if not label:
                continue
            letter_at = _at(col + 1, str(self.grid[header_row][col] or label).strip())
            target = self.across(label)
            if target is not None:
                if target in seen:
                    self.fail(
                        header_row + 1,
                        letter_at,
                        _("与 %(col)s 列重复。") % {"col": get_column_letter(seen[target] + 1)},
                    )
                    continue
                seen[target] = col
                self.across_cols[col] = target
            elif label in TOTAL_LABELS:
                self.total_col = col
            elif layout.items_across and (label in ROW_LABEL_HEADERS or col == 0):
                self.label_col = col
            elif not layout.items_across and label in keys:
                if keys[label].key:
                    self.key_cols.append((col, keys[label]))
            elif label in IGNORED_HEADERS or label.startswith("注"):
                continue
            elif layout.items_across:
                self.fail(
                    header_row + 1,
                    letter_at,
                    _("“%(v)s”不是本名额表的培训项目。") % {"v": label},
                )
            elif label in self.all_regions:
                self.fail(
                    header_row + 1,
                    letter_at,
                    _("地区“%(v)s”不在本名额表中。") % {"v": label},
                )
            else:
                self.fail(
                    header_row + 1,
                    letter_at,
                    _("无法识别的列“%(v)s”：应为本名额表的地区或说明列。") % {"v": label},
                )
        self.check_missing_columns(header_row, seen)

    def check_missing_columns(self, header_row: int, seen: dict[Any, int]) -> None:
        layout = self.layout
        if layout.items_across:
            if self.label_col is None:
                self.fail(header_row + 1, "", _("缺少“%(v)s”列。") % {"v": REGION_HEADER})
            missing = [label for code, label in layout.items if code not in seen]
        else:
            wanted = [c for c in item_columns(layout) if c.key]
            found = {c.label for _col, c in self.key_cols}
            for column in wanted:
                if column.label not in found:
                    self.fail(header_row + 1, "", _("缺少“%(v)s”列。") % {"v": column.label})
            missing = [] if self.generic else [r.name for r in layout.regions if r not in seen]
        if missing:
            self.fail(header_row + 1, "", _("缺少列：%(v)s。") % {"v": "、".join(missing)})
        if layout.on_demand and self.total_col is None:
            self.fail(
                header_row + 1,
                "",
                _("缺少“小计”列：按需报名的项目名额填在小计列。"),
            )

    # -- rows -----------------------------------------------------------------------------

    def parse(self) -> tuple[Sheet, QuotaUpload, list[Problem]]:
        header = self.header
        start = self.header_block(header)
        self.check_title(start)
        labels = self.labels = self.column_labels(start, header)
        self.map_columns(labels, header)
        if not self.problems:
            self.parse_rows(header)
        sheet = Sheet(
            headers=[str(v or "") for v in labels],
            header_row=0,
            raw=[labels, *[list(r) for r in self.grid]],
        )
        return sheet, self.out, self.problems

    def row_key(self, row: list[Any], carried: dict[int, str]) -> tuple[str, int]:
        """The row's label as one text, and the column to blame when it names nothing."""
        if self.layout.items_across:
            col = self.label_col or 0
            return normalise(row[col]), col
        parts = []
        for col, column in self.key_cols:
            text = normalise(row[col])
            if not text and column.merge_runs:
                text = carried.get(col, "")  # merged cells: printed once for the run
            elif column.merge_runs:
                carried[col] = text
            parts.append(text)
        col = self.key_cols[0][0] if self.key_cols else 0
        return "\x00".join(parts), col

    def resolve_item(self, key: str) -> tuple[str | None, str]:
        parts = [p for p in key.split("\x00") if p]
        candidates = []
        if len(parts) >= 2:
            candidates += [f"{parts[0]}({parts[1]})", f"{parts[0]}/{parts[1]}", parts[0] + parts[1]]
        candidates += parts
        ambiguous = ""
        for candidate in candidates:
            name = normalise(candidate)
            if name in self.items:
                if self.items[name] is not None:
                    return self.items[name], ""
                ambiguous = candidate
        return None, ambiguous

    def parse_rows(self, header: int) -> None:
        layout = self.layout
        carried: dict[int, str] = {}
        seen_rows: dict[Any, int] = {}
        totals: dict[Any, int] = {}
        sums: dict[Any, int] = {}
        total_row: tuple[int, list[Any]] | None = None
        for n in range(header + 1, len(self.grid)):
            row = self.grid[n]
            excel_row = n + 1
            filled = [v for v in row if not _is_blank(v)]
            if not filled:
                continue
            if len(filled) == 1 and normalise(filled[0]).startswith("注"):
                continue  # the printed note under the table
            texts = {
                normalise(v)
                for c, v in enumerate(row)
                if c not in self.across_cols and c != self.total_col
            }
            if texts & TOTAL_LABELS:
                total_row = (excel_row, row)
                continue
            key, key_col = self.row_key(row, carried)
            label = "".join(key.split("\x00"))
            if layout.items_across:
                target = self.our_regions.get(label)
                if target is None:
                    message = (
                        _("地区“%(v)s”不在本名额表中。")
                        if label in self.all_regions
                        else _("未知的地区“%(v)s”。")
                    )
                    shown = str(row[key_col] or "").strip() or _("空")
                    self.fail(excel_row, _at(key_col + 1, REGION_HEADER), message % {"v": shown})
                    continue
            else:
                target, ambiguous = self.resolve_item(key)
                shown = "／".join(p for p in key.split("\x00") if p) or _("空")
                if target is None:
                    message = (
                        _("“%(v)s”对应多个培训项目，请同时填写承训单位。")
                        if ambiguous
                        else _("未知的培训项目“%(v)s”。")
                    )
                    self.fail(
                        excel_row,
                        _at(key_col + 1, self.column_name(key_col)),
                        message % {"v": shown},
                    )
                    continue
                if target not in self.codes:
                    self.fail(
                        excel_row,
                        _at(key_col + 1, self.column_name(key_col)),
                        _("培训项目“%(v)s”不在本培训计划中。") % {"v": shown},
                    )
                    continue
            if target in seen_rows:
                self.fail(
                    excel_row,
                    _at(key_col + 1, self.column_name(key_col)),
                    _("与第 %(row)d 行重复。") % {"row": seen_rows[target]},
                )
                continue
            seen_rows[target] = excel_row
            self.row_cells(excel_row, row, target, sums)
        self.check_missing_rows(seen_rows, header)
        if total_row is not None:
            excel_row, row = total_row
            for col, target in self.across_cols.items():
                printed = seats_value(row[col])
                if printed is not None and not _is_blank(row[col]):
                    totals[target] = printed
            self.compare_totals(excel_row, totals, sums)

    def column_name(self, col: int) -> str:
        return self.labels[col] if col < len(self.labels) else ""

    def row_cells(self, excel_row: int, row: list[Any], target: Any, sums: dict) -> None:
        layout = self.layout
        on_demand = not layout.items_across and target in layout.on_demand
        row_sum = 0
        for col, across in self.across_cols.items():
            value = row[col]
            header = self.grid_header(col, across)
            if on_demand:
                if seats_value(value):  # the printed note spanning these cells is fine
                    self.fail(
                        excel_row,
                        _at(col + 1, header),
                        _("该项目各地按需报名，名额不分到设区市，请只填写“小计”列。"),
                    )
                continue
            seats = seats_value(value)
            if seats is None:
                self.fail(excel_row, _at(col + 1, header), _("应为不小于 0 的整数"))
                continue
            item, region = (across, target) if layout.items_across else (target, across)
            self.out.cells.append(Cell(excel_row, col + 1, header, item, region, seats))
            row_sum += seats
            sums[across] = sums.get(across, 0) + seats
        if self.total_col is None:
            return
        printed = seats_value(row[self.total_col])
        total_header = self.column_name(self.total_col)
        total_at = _at(self.total_col + 1, total_header)
        if on_demand:
            if printed is None:
                self.fail(excel_row, total_at, _("应为不小于 0 的整数"))
                return
            region = layout.on_demand[target]
            self.out.cells.append(
                Cell(excel_row, self.total_col + 1, total_header, target, region, printed, True)
            )
        elif printed is not None and not _is_blank(row[self.total_col]) and printed != row_sum:
            self.out.warnings.append(
                _("第 %(row)d 行 %(at)s：表中合计为 %(p)d，各单元格之和为 %(s)d；以单元格为准。")
                % {"row": excel_row, "at": total_at, "p": printed, "s": row_sum}
            )

    def grid_header(self, col: int, across: Any) -> str:
        if isinstance(across, Region):
            return across.name
        if isinstance(across, str):
            return self.item_labels.get(across, across)
        return self.column_name(col)

    def check_missing_rows(self, seen: dict[Any, int], header: int) -> None:
        if self.generic:
            return
        layout = self.layout
        if layout.items_across:
            missing = [r.name for r in layout.regions if r not in seen]
        else:
            missing = [label for code, label in layout.items if code not in seen]
        if missing:
            self.fail(header + 1, "", _("缺少以下行：%(v)s。") % {"v": "、".join(missing)})

    def compare_totals(self, excel_row: int, totals: dict, sums: dict) -> None:
        for col, across in self.across_cols.items():
            if across in totals and totals[across] != sums.get(across, 0):
                self.out.warnings.append(
                    _("第 %(row)d 行 %(at)s：表中合计为 %(p)d，各行之和为 %(s)d；以单元格为准。")
                    % {
                        "row": excel_row,
                        "at": _at(col + 1, self.grid_header(col, across)),
                        "p": totals[across],
                        "s": sums.get(across, 0),
                    }
                )


@transaction.atomic
def quota_table_import(
    *, actor: Any, programme: Programme, upload: QuotaUpload, filename: str = ""
) -> dict[str, int]:
    """Apply a checked table: ``services.quota_set`` once per cell whose seats change, all in
    one transaction. A refusal (seats already held, a role that may not set them) undoes every
    cell and names the cell it came from."""
    current = {
        (q.item, q.region_id): q.seats
        for q in Quota.objects.filter(programme=programme, region__isnull=False)
    }
    reason = _("导入名额表 %(file)s") % {"file": filename} if filename else _("导入名额表")
    changed = 0
    for cell in upload.cells:
        if current.get((cell.item, cell.region.code), 0) == cell.seats:
            continue
        try:
            services.quota_set(
                actor=actor,
                programme=programme,
                item=cell.item,
                seats=cell.seats,
                region=cell.region,
                on_demand=cell.on_demand,
                reason=reason[:200],
            )
        except DomainError as exc:
            raise QuotaImportRefused(where=cell.where, reason=exc.message) from exc
        except PermissionDenied as exc:
            message = getattr(exc, "message", "") or _("您的角色无权执行此操作。")
            raise QuotaImportRefused(where=cell.where, reason=message) from exc
        changed += 1
    record(
        actor,
        "quota.imported",
        programme,
        programme=programme.pk,
        file=filename[:100],
        cells=len(upload.cells),
        changed=changed,
    )
    return {
        "cells": len(upload.cells),
        "changed": changed,
        "unchanged": len(upload.cells) - changed,
    }
