"""What a statistics page shows to whom: the scope of the acting user, the figures of the
organisation asked for (the ministry's, an area's, a city's, a school's) and the tables and
charts made of them, with names and drill-down links."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shipei.accounts import scope
from shipei.classes.models import TrainingClass
from shipei.core import charts
from shipei.enrollment.models import Enrollment
from shipei.orgs.models import Organisation
from shipei.projects.models import Project
from shipei.quotas.models import Quota

from . import figures
from .errors import BadYear, OutOfScope
from .figures import Figures, Row

ACTION = "enrollment.view"
FIRST_YEAR = 2000
CITY_KINDS = (Organisation.Kind.CITY_EDU, Organisation.Kind.CITY_HR)


def may_view(user: Any) -> bool:
    return scope.has_any(user, ACTION)


@dataclass(frozen=True)
class Scope:
    """Whose figures: the whole country (``org`` the ministry), an area (a province's
    department: units are its organisations), a city (units: its organisations) or another
    organisation (units: the classes its teachers are in)."""

    level: str  # "national", "area", "city", "org"
    org: Organisation

    @property
    def unit(self) -> str:
        return {"national": "area", "area": "org", "city": "org", "org": "class"}[self.level]


def scope_for(user: Any, org_id: object = None) -> Scope:
    """The scope asked for (`org_id`, else the user's own); an organisation outside the user's
    reach is refused with the same answer as one that does not exist."""
    paths = scope.action_paths(user, ACTION)
    if not paths:
        raise OutOfScope()
    if org_id in (None, ""):
        org = Organisation.objects.get(path=min(paths, key=len))
    else:
        try:
            org = Organisation.objects.get(pk=int(str(org_id)))
        except (ValueError, Organisation.DoesNotExist):
            raise OutOfScope() from None
        if not scope.allows(user, ACTION, org):
            raise OutOfScope()
    if org.depth == 0:
        return Scope("national", org)
    if org.depth == 1:
        return Scope("area", org)
    return Scope("city" if org.kind in CITY_KINDS else "org", org)


def parse_year(value: object) -> int:
    this_year = timezone.localdate().year
    if value in (None, ""):
        return this_year
    try:
        year = int(str(value))
    except ValueError:
        raise BadYear(first=FIRST_YEAR, last=this_year + 1) from None
    if not FIRST_YEAR <= year <= this_year + 1:
        raise BadYear(first=FIRST_YEAR, last=this_year + 1)
    return year


def figures_for(where: Scope, year: int) -> Figures:
    """The country and an area read the summaries; a narrower subtree counts its own rows
    (its teachers' organisations are few: the organisation index finds them)."""
    if where.level == "national":
        return figures.from_summaries(year=year, area=None)
    if where.level == "area":
        return figures.from_summaries(year=year, area=where.org.pk)
    return figures.from_raw(year=year, path=where.org.path, unit=where.unit)


# --- tables ----------------------------------------------------------------------------------

COLUMNS = [
    ("n", gettext_lazy("报名（人）")),
    ("admitted", gettext_lazy("录取（人）")),
    ("passed", gettext_lazy("结业（人）")),
    ("failed", gettext_lazy("未结业（人）")),
    ("completion", gettext_lazy("结业率")),
    ("pass", gettext_lazy("合格率")),
    ("hours", gettext_lazy("学时")),
    ("certs", gettext_lazy("证书（本）")),
]


def _rate(value: float | None) -> str:
    return "--" if value is None else f"{value * 100:.1f}%"


def _num(value: object) -> str:
    """Thousands separators, formatted once here rather than per cell in the template."""
    return f"{value:,}"


def _cells(row: Row) -> list[str]:
    return [
        _num(row.n),
        _num(row.admitted),
        _num(row.passed),
        _num(row.failed),
        _rate(row.completion_rate),
        _rate(row.pass_rate),
        _num(row.hours),
        _num(row.certs),
    ]


@dataclass
class Table:
    key: str
    title: str
    first: str  # the heading of the label column
    headers: list[str]
    rows: list[dict[str, Any]]  # {"label", "url", "cells"}
    chart: dict[str, Any]
    total_rows: int = 0  # lines in all; the page may show the first ones only

    def __post_init__(self) -> None:
        self.total_rows = self.total_rows or len(self.rows)

    @property
    def chart_id(self) -> str:
        return f"stat-chart-{self.key}"

    @property
    def cut(self) -> bool:
        return self.total_rows > len(self.rows)

    @property
    def body_html(self) -> str:
        """The table's lines as HTML, escaped: built here in one pass, since a page's 150 lines
        of 8 cells cost the template engine a node each (a tenth of the national page)."""
        return format_html_join(
            "",
            '<tr><th scope="row" class="fw-normal">{}</th>{}</tr>',
            (
                (
                    format_html('<a href="{}">{}</a>', r["url"], r["label"])
                    if r["url"]
                    else r["label"],
                    format_html_join("", '<td class="num">{}</td>', ((c,) for c in r["cells"])),
                )
                for r in self.rows
            ),
        )

    @property
    def export_rows(self) -> list[list[Any]]:
        return [[r["label"], *r["cells"]] for r in self.rows]


TOP = 15  # a chart shows the largest lines
# A page's table shows the largest lines (500 projects would bury the page, on a phone most of
# all); its export and the API hold every line.
PAGE_ROWS = 30
Namer = Callable[[list[int]], dict[int, tuple[str, str | None]]]


def _row_table(
    key: str, title: str, first: str, rows: dict[int, Row], namer: Namer, limit: int | None
) -> Table:
    ordered = sorted(rows.items(), key=lambda kv: (-kv[1].n, -kv[1].certs, kv[0]))
    shown = ordered if limit is None else ordered[:limit]
    names = namer([pk for pk, _row in shown])
    top = shown[:TOP]
    chart = charts.hbar(
        [names[pk][0] for pk, _row in top],
        [
            (str(_("报名")), [r.n for _pk, r in top]),
            (str(_("结业")), [r.passed for _pk, r in top]),
        ],
    )
    return Table(
        key,
        title,
        first,
        [str(h) for _k, h in COLUMNS],
        [{"label": names[pk][0], "url": names[pk][1], "cells": _cells(row)} for pk, row in shown],
        chart,
        total_rows=len(ordered),
    )


def _unit_namer(where: Scope, year: int) -> Namer:
    page = reverse("statistics:dashboard")

    def classes(ids: list[int]) -> dict[int, tuple[str, str | None]]:
        found = TrainingClass.objects.filter(pk__in=ids).select_related("project").in_bulk()
        out: dict[int, tuple[str, str | None]] = {}
        for pk in ids:
            c = found.get(pk)
            out[pk] = (
                (
                    _("%(project)s 第%(seq)s期") % {"project": c.project.title, "seq": c.seq},
                    c.get_absolute_url(),
                )
                if c
                else (_("未分班"), None)
            )
        return out

    def orgs(ids: list[int]) -> dict[int, tuple[str, str | None]]:
        found = Organisation.objects.filter(pk__in=ids).select_related("region").in_bulk()
        out: dict[int, tuple[str, str | None]] = {}
        for pk in ids:
            o = found.get(pk)
            if o is None:
                out[pk] = (_("（已删除的单位）"), None)
                continue
            label = o.region.name if where.unit == "area" and o.region_id else o.name
            out[pk] = (label, f"{page}?org={o.pk}&year={year}")
        return out

    return classes if where.unit == "class" else orgs


def _namer(model: Any, field: str, none: str) -> Namer:
    def names(ids: list[int]) -> dict[int, tuple[str, str | None]]:
        found = dict(model.objects.filter(pk__in=ids).values_list("pk", field))
        return {pk: (found.get(pk, none), None) for pk in ids}

    return names


def quota_use(user: Any, where: Scope, year: int) -> list[dict[str, Any]]:
    """Seats given out and held, per programme item, of the year's programmes: the top-level
    quotas the user reaches within the scope."""
    quotas = Quota.objects.filter(programme__year=year, parent__isnull=True).filter(
        scope.receivers_q(user, "quota.view")
    )
    if where.level != "national":
        prefix = scope.area_prefix(where.org)
        inside = scope.orgs_q(user, "quota.view", via="org") & Q(
            org__path__startswith=where.org.path
        )
        if prefix:
            inside |= Q(region__code__startswith=prefix)
        quotas = quotas.filter(inside)
    rows = (
        quotas.values("programme__title", "item")
        .annotate(seats=Sum("seats"), held=Sum("seats_held"))
        .order_by("programme__title", "item")
    )
    return [
        {
            "label": f"{r['programme__title']} · {r['item']}",
            "seats": r["seats"],
            "held": r["held"],
            "use": _rate(r["held"] / r["seats"] if r["seats"] else None),
        }
        for r in rows
    ]


def dashboard(
    user: Any, where: Scope, year: int, *, limit: int | None = PAGE_ROWS
) -> dict[str, Any]:
    """Everything a page shows for one scope and year: each table's first `limit` lines (all
    with None: the API and the exports)."""
    fig = figures_for(where, year)
    unit_title = {
        "area": _("按地区"),
        "org": _("按单位"),
        "class": _("按班次"),
    }[where.unit]
    unit_first = {"area": _("地区"), "org": _("单位"), "class": _("班次")}[where.unit]
    tables = [
        _row_table(
            "units",
            str(unit_title),
            str(unit_first),
            fig.units,
            _unit_namer(where, year),
            limit,
        ),
        _row_table(
            "projects",
            str(_("按培训项目")),
            str(_("培训项目")),
            fig.projects,
            _namer(Project, "title", str(_("（未设项目）"))),
            limit,
        ),
        _row_table(
            "bases",
            str(_("按承训基地")),
            str(_("承训基地")),
            fig.bases,
            _namer(Organisation, "name", str(_("（未设基地）"))),
            limit,
        ),
    ]
    statuses = [
        (str(label), fig.statuses.get(code, 0))
        for code, label in Enrollment.Status.choices
        if fig.statuses.get(code)
    ]
    tables.insert(
        0,
        Table(
            "statuses",
            str(_("按报名状态")),
            str(_("状态")),
            [str(_("报名（人）"))],
            [{"label": label, "url": None, "cells": [_num(n)]} for label, n in statuses],
            charts.hbar(
                [label for label, _n in statuses],
                [(str(_("报名")), [n for _l, n in statuses])],
            ),
        ),
    )
    months = sorted(fig.months.items())
    month_labels = [f"{m // 100}-{m % 100:02d}" for m, _row in months]
    trend = {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 8, "right": 16, "top": 32, "bottom": 8, "containLabel": True},
        "xAxis": {"type": "category", "data": month_labels},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [
            {"name": str(_("报名")), "type": "line", "data": [r.n for _m, r in months]},
            {"name": str(_("录取")), "type": "line", "data": [r.admitted for _m, r in months]},
            {"name": str(_("结业")), "type": "line", "data": [r.passed for _m, r in months]},
        ],
        "height": 280,
    }
    tables.append(
        Table(
            "months",
            str(_("按月趋势（报名月份）")),
            str(_("月份")),
            [str(_("报名（人）")), str(_("录取（人）")), str(_("结业（人）"))],
            [
                {
                    "label": label,
                    "url": None,
                    "cells": [_num(r.n), _num(r.admitted), _num(r.passed)],
                }
                for label, (_m, r) in zip(month_labels, months, strict=True)
            ],
            trend,
        )
    )
    quotas = quota_use(user, where, year)
    top = sorted(quotas, key=lambda q: -q["seats"])[:TOP]
    quota_chart = charts.hbar(
        [q["label"] for q in top],
        [
            (str(_("名额")), [q["seats"] for q in top]),
            (str(_("已占用")), [q["held"] for q in top]),
        ],
    )
    tables.append(
        Table(
            "quotas",
            str(_("名额使用")),
            str(_("培训计划 · 项目")),
            [str(_("名额（人）")), str(_("已占用（人）")), str(_("使用率"))],
            [
                {
                    "label": q["label"],
                    "url": None,
                    "cells": [_num(q["seats"]), _num(q["held"]), q["use"]],
                }
                for q in quotas
            ],
            quota_chart,
        )
    )
    seats = sum(q["seats"] for q in quotas)
    held = sum(q["held"] for q in quotas)
    total = fig.total
    kpis = [
        (_("报名人数"), f"{total.n:,}"),
        (_("录取人数"), f"{total.admitted:,}"),
        (_("结业人数"), f"{total.passed:,}"),
        (_("结业率"), _rate(total.completion_rate)),
        (_("合格率"), _rate(total.pass_rate)),
        (_("已记学时"), f"{total.hours:,}"),
        (_("证书"), f"{total.certs:,}"),
        (_("名额使用率"), _rate(held / seats if seats else None)),
    ]
    return {
        "scope": where,
        "year": year,
        "figures": fig,
        "empty": total.empty and not quotas,
        "kpis": [(str(label), value) for label, value in kpis],
        "tables": tables,
        "trail": trail(user, where, year),
        "as_of": timezone.localtime(),
    }


def trail(user: Any, where: Scope, year: int) -> list[tuple[str, str | None]]:
    """The drill-down path from the user's own scope to this one, each step a link."""
    page = reverse("statistics:dashboard")
    steps: list[tuple[str, str | None]] = []
    ids = [int(i) for i in where.org.path.strip("/").split("/")]
    orgs = Organisation.objects.in_bulk(ids)
    for pk in ids:
        o = orgs[pk]
        if scope.allows(user, ACTION, o):
            steps.append((o.name, f"{page}?org={o.pk}&year={year}"))
    if steps:
        steps[-1] = (steps[-1][0], None)
    return steps


def table_of(data: dict[str, Any], key: str) -> Table | None:
    return next((t for t in data["tables"] if t.key == key), None)
