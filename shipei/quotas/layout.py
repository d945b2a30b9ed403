"""The shape of a programme's quota table: which items and regions, in the notice's order.

Presets name their notice's table (``policy.quota.table``, a file in programmes/presets/data);
the page, the export and the import all read the layout from here, so the notice's order and
labels live in one place. A programme without a table file gets items down and the regions of
its top-level quotas across.
"""

from dataclasses import dataclass, field
from typing import Any

from shipei.orgs.models import Region
from shipei.programmes.models import Programme
from shipei.programmes.selectors import table_file

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
    source: dict[str, Any] | None = None  # the data file, for extra columns of the layout
    cells: dict[tuple[str, str], int] = field(default_factory=dict)  # printed (item, region)


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


def _export_labels(rows: list[dict[str, Any]]) -> list[str]:
    """003: the project's printed name; where two projects share it, add the base."""
    names = [r["printed_name"] for r in rows]
    return [
        f"{r['printed_name']}（{r['printed_base']}）"
        if names.count(r["printed_name"]) > 1
        else r["printed_name"]
        for r in rows
    ]


def table_layout(programme: Programme) -> Layout:
    name = programme.rules.quota.table
    if not name:
        return _generic(programme)
    data = table_file(name)
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
            for (code, _), label in zip(layout.items, _export_labels(rows), strict=True)
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
    top = Quota.objects.filter(programme=programme, parent=None, region__isnull=False)
    codes = set(top.values_list("item", flat=True))
    regions = list(
        Region.objects.filter(pk__in=top.values_list("region", flat=True)).order_by("code")
    )
    return Layout(
        title=f"{programme.title}名额分配表",
        unit="人",
        items_across=False,
        items=[(i.code, i.label) for i in programme.rules.items if i.code in codes],
        regions=regions,
        region_labels=[r.name for r in regions],
    )
