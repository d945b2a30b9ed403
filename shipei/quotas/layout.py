"""The shape of a programme's quota table: which items and regions, in the notice's order.

A programme loaded from a notice's preset holds the notice's printed table
(``programmes.PrintedTable``, named by ``policy.quota.table``); the page, the export and the
import all read the layout from here, so the notice's order and labels live in one place. A
programme without such a table gets items down and the regions of its top-level quotas across.
"""

from dataclasses import dataclass, field, replace
from typing import Any

from shipei.core.text import fold
from shipei.orgs.models import Region
from shipei.programmes.models import Programme
from shipei.programmes.selectors import printed_table

from .models import Quota


@dataclass
class Layout:
    title: str
    unit: str
    items_across: bool  # True: items are the columns (000); False: items are the rows
    items: list[tuple[str, str]]  # (item code, label as the notice means it), notice order
    regions: list[Region]  # receivers, notice order
    region_labels: list[str]  # as the notice prints them (北京, 新疆兵团, 杭州市)
    on_demand: dict[str, Region] = field(default_factory=dict)  # item -> where seats stay
    source: dict[str, Any] | None = None  # the printed table, for extra columns of the layout
    cells: dict[tuple[str, str], int] = field(default_factory=dict)  # printed (item, region)

    @property
    def kind(self) -> str:
        """Which of the notices' shapes: "regions_down" (000), "plan" (001, items with their
        project, category, institution and duration), "projects" (003) or "generic"."""
        if self.source is None:
            return "generic"
        if self.items_across:
            return "regions_down"
        return "projects" if "quota_table" in self.source else "plan"

    @property
    def rows(self) -> list[dict[str, Any]]:
        """The printed table's rows, in the notice's order (empty for the generic layout)."""
        if self.source is None:
            return []
        return (self.source.get("quota_table") or self.source)["rows"]


@dataclass(frozen=True)
class ItemColumn:
    """A column printed beside each item row, before the regions (003: 序号, 项目名称, 承训单位)."""

    label: str
    values: dict[str, str]  # item code -> text
    aliases: tuple[str, ...] = ()
    key: bool = False  # names the item on import
    merge_runs: bool = False  # printed once for a run of equal rows (001's 培训项目)
    width: int = 16


class LayoutError(Exception):
    pass


def _regions(names: list[str]) -> list[Region]:
    by_name = {r.name: r for r in Region.objects.filter(name__in=names)}
    missing = [n for n in names if n not in by_name]
    if missing:
        raise LayoutError(f"名额表中的地区不存在：{'、'.join(missing)}")
    return [by_name[n] for n in names]


def _items(programme: Programme, labels: list[str]) -> list[tuple[str, str]]:
    by_label = {i.label: i.code for i in programme.rules.items}
    missing = [label for label in labels if label not in by_label]
    if missing:
        raise LayoutError(f"名额表中的培训项目不在计划中：{'、'.join(missing)}")
    return [(by_label[label], label) for label in labels]


def _bases(data: dict[str, Any]) -> dict[int, dict[str, Any]]:
    return {p["no"]: p for p in data.get("projects", [])}


def _export_labels(rows: list[dict[str, Any]], data: dict[str, Any]) -> list[str]:
    """003: the project's printed name; where two projects share it, add the base under its
    official name (附件1: 深圳职业技术大学 where 附件2 still prints 深圳职业技术学院)."""
    names = [r["printed_name"] for r in rows]
    bases = _bases(data)
    return [
        f"{r['printed_name']}（{_base(r, bases)}）"
        if names.count(r["printed_name"]) > 1
        else r["printed_name"]
        for r in rows
    ]


def _base(row: dict[str, Any], bases: dict[int, dict[str, Any]]) -> str:
    project = bases.get(row.get("project_no"))
    return project["base"] if project else row["printed_base"]


def table_layout(programme: Programme) -> Layout:
    data = printed_table(programme)
    if data is None:
        return _generic(programme)
    if "quota_table" in data:  # 003: projects down, provinces across
        table = data["quota_table"]
        rows = table["rows"]
        layout = Layout(
            title=table["title"],
            unit="人",
            items_across=False,
            items=_items(programme, [r["label"] for r in rows]),
            regions=_regions(table["columns"]),
            region_labels=table.get("printed_columns", table["columns"]),
            source=data,
        )
        layout.items = [
            (code, label)
            for (code, _), label in zip(layout.items, _export_labels(rows, data), strict=True)
        ]
    elif data["rows"] and "region" in data["rows"][0] and not data["rows"][0].get("on_demand"):
        rows = data["rows"]  # 000: provinces down, phases and fields across
        layout = Layout(
            title=data["table"],
            unit=data.get("unit", "人"),
            items_across=True,
            items=_items(programme, data["columns"]),
            regions=_regions([r["region"] for r in rows]),
            region_labels=[r["label"] for r in rows],
            source=data,
        )
    else:  # 001: items down, cities across, some rows left to 按需报名
        rows = data["rows"]
        layout = Layout(
            title=data["table"],
            unit=data.get("unit", "人"),
            items_across=False,
            items=_items(programme, [r["label"] for r in rows]),
            regions=_regions(data["columns"]),
            region_labels=data["columns"],
            source=data,
        )
        codes = dict(zip([r["label"] for r in rows], [c for c, _ in layout.items], strict=True))
        on_demand_regions = _regions(sorted({r["region"] for r in rows if r.get("on_demand")}))
        by_name = {r.name: r for r in on_demand_regions}
        layout.on_demand = {
            codes[r["label"]]: by_name[r["region"]] for r in rows if r.get("on_demand")
        }
    layout.cells = _printed_cells(layout, rows)
    return layout


def _printed_cells(layout: Layout, rows: list[dict[str, Any]]) -> dict[tuple[str, str], int]:
    out: dict[tuple[str, str], int] = {}
    for n, row in enumerate(rows):
        cells = row.get("cells", {})
        if layout.items_across:
            region = layout.regions[n]
            for (code, _), column in zip(layout.items, layout.source["columns"], strict=True):
                if cells.get(column):
                    out[(code, region.code)] = cells[column]
        else:
            code = layout.items[n][0]
            if code in layout.on_demand:
                out[(code, layout.on_demand[code].code)] = row["printed_row_total"]
                continue
            columns = (layout.source.get("quota_table") or layout.source)["columns"]
            for region, column in zip(layout.regions, columns, strict=True):
                if cells.get(column):
                    out[(code, region.code)] = cells[column]
    return out


def _generic(programme: Programme) -> Layout:
    """Items down, the regions of the top-level quotas across: every item that has quotas or
    is to get them (a leaf whose quota scope is not "none"), so that a new programme's table
    lists what its first quotas are for."""
    top = Quota.objects.filter(programme=programme, parent=None, region__isnull=False)
    rules = programme.rules
    codes = set(Quota.objects.filter(programme=programme).values_list("item", flat=True))
    codes |= {i.code for i in rules.leaves() if rules.quota_scope_for(i.code) != "none"}
    regions = list(
        Region.objects.filter(pk__in=top.values_list("region", flat=True)).order_by("code")
    )
    return Layout(
        title=f"{programme.title}名额分配表",
        unit="人",
        items_across=False,
        items=[(i.code, i.label) for i in rules.items if i.code in codes],
        regions=regions,
        region_labels=[r.name for r in regions],
    )


def previous_layout(programme: Programme) -> Layout | None:
    """The layout of the programme this one was copied from, its items named by this one's
    codes (the same code, else the same label): last year's exported table, read into this
    year's copy. None for a programme not copied, or whose source's table cannot be laid out."""
    source = programme.copied_from
    if source is None:
        return None
    try:
        layout = table_layout(source)
    except LayoutError:
        return None
    codes = {i.code for i in programme.rules.items}
    by_label = {i.label: i.code for i in programme.rules.items}
    old_labels = {i.code: i.label for i in source.rules.items}

    def ours(code: str) -> str:
        return code if code in codes else by_label.get(old_labels.get(code, ""), code)

    return replace(
        layout,
        items=[(ours(code), label) for code, label in layout.items],
        on_demand={ours(code): region for code, region in layout.on_demand.items()},
        cells={(ours(code), region): n for (code, region), n in layout.cells.items()},
    )


def normalise(text: Any) -> str:
    """A label as compared on import: full-width forms folded, no spaces or line breaks."""
    return fold(text or "")


def item_columns(layout: Layout) -> list[ItemColumn]:
    """The columns that describe each item row, in the notice's order (none for 000)."""
    pairs: list[tuple[str, dict[str, Any]]] = []
    if layout.kind in ("projects", "plan"):
        pairs = [(code, row) for (code, _), row in zip(layout.items, layout.rows, strict=True)]
    if layout.kind == "projects":
        bases = _bases(layout.source or {})
        return [
            ItemColumn("序号", {c: str(r["project_no"]) for c, r in pairs}, width=6),
            ItemColumn(
                "项目名称",
                {c: r["printed_name"] for c, r in pairs},
                aliases=("项目", "培训项目"),
                key=True,
                width=36,
            ),
            ItemColumn(
                "承训单位",
                {c: _base(r, bases) for c, r in pairs},
                aliases=("承训基地", "承担单位", "基地"),
                key=True,
                width=26,
            ),
        ]
    if layout.kind == "plan":
        return [
            ItemColumn(
                "培训项目",
                {c: r["project"] for c, r in pairs},
                aliases=("培训项目（时长2周）", "项目"),
                key=True,
                merge_runs=True,
                width=20,
            ),
            ItemColumn(
                "专业类别",
                {c: r["category"] for c, r in pairs},
                aliases=("专业类别或专题", "专题"),
                key=True,
                width=40,
            ),
            ItemColumn(
                "承办单位",
                {c: r["institution"] for c, r in pairs},
                aliases=("承担院校", "承办院校", "承训单位"),
                width=24,
            ),
            ItemColumn(
                "培训时间",
                {c: r["duration"] for c, r in pairs},
                aliases=("时长", "培训时长"),
                width=10,
            ),
        ]
    if layout.kind == "generic":
        return [
            ItemColumn(
                "培训项目", dict(layout.items), aliases=("项目", "项目名称"), key=True, width=36
            )
        ]
    return []


def item_index(layout: Layout, programme: Programme) -> dict[str, str | None]:
    """Every name an upload may give an item row or column, normalised; None where a name
    fits several items (a project name that two bases share)."""
    names: dict[str, set[str]] = {}

    def add(name: str, code: str) -> None:
        if name:
            names.setdefault(normalise(name), set()).add(code)

    labels = {i.code: i.label for i in programme.rules.items}
    aliases = {i.code: i.aliases for i in programme.rules.items}
    allowed = {code for code, _ in layout.items}
    if layout.kind == "generic":
        allowed = set(labels)  # any item of the programme may get a row
    for code in allowed:
        add(labels.get(code, ""), code)
        add(code, code)
        for alias in aliases.get(code, []):
            add(alias, code)
    for code, label in layout.items:
        add(label, code)
    bases = _bases(layout.source or {})
    pairs = (
        zip(layout.items, layout.rows, strict=True) if layout.kind in ("projects", "plan") else []
    )
    for (code, _), row in pairs:
        if layout.kind == "projects":
            project = bases.get(row.get("project_no"), {})
            for base in {
                row["printed_base"],
                project.get("base", ""),
                *project.get("base_aliases", []),
            }:
                if base:
                    add(f"{row['printed_name']}（{base}）", code)
            add(row["printed_name"], code)
        elif layout.kind == "plan":
            add(f"{row['project']}/{row['category']}", code)
            add(row["category"], code)
    return {name: (next(iter(codes)) if len(codes) == 1 else None) for name, codes in names.items()}
