"""Weights for sharing an item's seats out in proportion (``apportion``), and the preview of
such a share before it is saved.

A weight is any count the platform has for each receiver's area: the teachers registered there
(here), the enrollments admitted or completed in this or another programme (registered by the
enrollment app, which quotas may not import), or a column an admin pastes (a receiver's name
and a number on each line). The preview is computed from the same inputs as the save, and the
save writes only the seats the admin saw (``Preview.key``): if the counts changed between the
two, the save is refused with the new preview.
"""

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shipei.core.errors import DomainError
from shipei.core.text import fold
from shipei.programmes.models import Programme

from . import selectors
from .apportion import apportion
from .selectors import Matrix, Receiver

Counter = Callable[[list[Receiver], Programme | None, str | None], list[int]]


@dataclass(frozen=True)
class WeightSource:
    code: str
    label: Any  # shown in the form: 已登记教师数
    column: Any  # the preview's column: 教师数（人）
    count: Counter | None  # counts per receiver, in their order; None: pasted by the admin
    per_programme: bool = False  # counted within a programme (and item) the admin chooses


SOURCES: dict[str, WeightSource] = {}
PASTED = "pasted"


def register(source: WeightSource) -> None:
    """Offer a count as weights (the enrollment app adds its own in ``AppConfig.ready``)."""
    SOURCES[source.code] = source


def _teachers(receivers: list[Receiver], programme: Programme | None, item: str | None) -> list:
    return selectors.teacher_weights(receivers)


register(WeightSource("teachers", gettext_lazy("已登记教师数"), gettext_lazy("教师数"), _teachers))
register(WeightSource(PASTED, gettext_lazy("粘贴的一列数字"), gettext_lazy("权重"), None))


def sources() -> list[WeightSource]:
    """Every source, teachers first and the pasted column last."""
    order = {"teachers": 0, PASTED: 2}
    return sorted(SOURCES.values(), key=lambda s: order.get(s.code, 1))


class WeightsRefused(DomainError):
    code = "weights_refused"
    template = gettext_lazy("%(problems)s")

    def __init__(self, problems: list[str]) -> None:
        super().__init__(problems="；".join(problems))
        self.problems = problems


_LINE = re.compile(r"^(?P<name>.+?)[\s,，:：;；=]+(?P<number>[0-9０-９][0-9０-９,，.．]*)$")


def _names(receiver: Receiver) -> set[str]:
    if receiver.region is not None:
        r = receiver.region
        return {fold(n) for n in (r.name, r.short_name, *r.aliases) if n}
    return {fold(receiver.org.name)}


def pasted_weights(text: str, offered: list[Receiver]) -> tuple[list[Receiver], list[int]]:
    """The receivers a pasted column names, in its order, and their numbers. A line is a name
    and a whole number apart by a tab, spaces or a comma (as copied from Excel); names are the
    receivers' full or short names (杭州市 or 杭州). Every line that is not so is named with its
    number, and nothing is returned then."""
    by_name: dict[str, Receiver] = {}
    for receiver in offered:
        for name in _names(receiver):
            by_name.setdefault(name, receiver)
    problems: list[str] = []
    chosen: list[Receiver] = []
    weights: list[int] = []
    seen: dict[str, int] = {}
    for n, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        match = _LINE.match(line)
        if match is None:
            problems.append(
                _("第 %(n)d 行“%(line)s”：应为“名称 数字”，如“杭州市 120”") % {"n": n, "line": line}
            )
            continue
        name = match["name"].strip()
        number = fold(match["number"]).replace(",", "")
        if not number.isdigit():
            problems.append(
                _("第 %(n)d 行（%(name)s）：“%(v)s”应为不小于 0 的整数")
                % {"n": n, "name": name, "v": match["number"]}
            )
            continue
        receiver = by_name.get(fold(name))
        if receiver is None:
            problems.append(
                _("第 %(n)d 行：“%(name)s”不是可分配名额的地区或单位") % {"n": n, "name": name}
            )
            continue
        if receiver.key in seen:
            problems.append(
                _("第 %(n)d 行：%(name)s 与第 %(m)d 行重复")
                % {"n": n, "name": receiver.label, "m": seen[receiver.key]}
            )
            continue
        seen[receiver.key] = n
        chosen.append(receiver)
        weights.append(int(number))
    if problems:
        raise WeightsRefused(problems)
    if not chosen:
        raise WeightsRefused([_("请粘贴各地区或单位的名称和数字，每行一个。")])
    return chosen, weights


@dataclass
class Preview:
    item: str
    seats: int
    method: str
    source: WeightSource
    rows: list[dict[str, Any]]
    short: list[str] = field(default_factory=list)  # why the share cannot be saved as it is

    @property
    def total(self) -> int:
        return sum(r["after"] for r in self.rows)

    @property
    def before_total(self) -> int:
        return sum(r["before"] for r in self.rows)

    @property
    def weight_total(self) -> int:
        return sum(r["weight"] for r in self.rows)

    @property
    def change(self) -> str:
        return _signed(self.total - self.before_total)

    @property
    def key(self) -> str:
        """What the admin saw, sent back with the save: the seats each receiver will have."""
        return json.dumps({r["receiver"].key: r["after"] for r in self.rows}, sort_keys=True)

    def changes(self) -> list[tuple[str, Any, Any, int, str]]:
        """The cells to save, as ``services.quota_set_many`` takes them."""
        return [
            (self.item, r["receiver"].region, r["receiver"].org, r["after"], f"c:{self.item}:{k}")
            for r in self.rows
            for k in [r["receiver"].key]
        ]


def apportion_preview(
    *,
    matrix: Matrix,
    item: str,
    seats: int,
    method: str,
    source: WeightSource,
    receivers: list[Receiver],
    weights: list[int],
) -> Preview:
    """`seats` of `item` shared over `receivers` by `weights`, each receiver's seats now and
    after, and what stands in the way of saving it: more seats than the level has free, more
    than the item's planned seats (at the programme's own level), or a receiver cut below what
    it already split or holds."""
    try:
        after = apportion(seats, weights, method)
    except ValueError as exc:
        raise WeightsRefused(
            [
                _("无法按比例分配：%(why)s（权重：%(source)s）")
                % {"why": exc, "source": source.label}
            ]
        ) from None
    rows = []
    for receiver, weight, n in zip(receivers, weights, after, strict=True):
        quota = matrix.cells.get((item, receiver.key))
        rows.append(
            {
                "receiver": receiver,
                "weight": weight,
                "before": quota.seats if quota else 0,
                "after": n,
                "change": _signed(n - (quota.seats if quota else 0)),
                "used": quota.seats_split + quota.seats_held if quota else 0,
            }
        )
    preview = Preview(item, seats, method, source, rows)
    wanted = preview.total - preview.before_total
    parent = matrix.parents.get(item)
    if parent is not None and wanted > parent.seats_free:
        preview.short.append(
            _(
                "%(level)s本项目尚可分配 %(free)s 个名额，本次预览需再分出 %(wanted)s 个，"
                "多出 %(over)s 个：请减少分配总数，或先调低其他单位的名额。"
            )
            % {
                "level": parent.receiver_name,
                "free": f"{parent.seats_free:,}",
                "wanted": f"{wanted:,}",
                "over": f"{wanted - parent.seats_free:,}",
            }
        )
    planned = _planned(matrix, item)
    if matrix.at is None and planned is not None:
        total = matrix.item_total(item) + wanted
        if total > planned:
            preview.short.append(
                _(
                    "本项目计划名额 %(planned)s 个，按本次预览分配后合计 %(total)s 个，"
                    "超出 %(over)s 个：请减少分配总数。"
                )
                % {
                    "planned": f"{planned:,}",
                    "total": f"{total:,}",
                    "over": f"{total - planned:,}",
                }
            )
    for row in rows:
        if row["after"] < row["used"]:
            preview.short.append(
                _(
                    "%(who)s已下分或已占用 %(used)s 个名额，分配后不能少于此数（预览为 %(after)s 个）。"
                )
                % {"who": row["receiver"].label, "used": row["used"], "after": row["after"]}
            )
    return preview


def _signed(n: int) -> str:
    return f"+{n:,}" if n > 0 else f"{n:,}"


def _planned(matrix: Matrix, item: str) -> int | None:
    rules = matrix.programme.rules
    found = next((i for i in rules.items if i.code == item), None)
    return found.planned_seats if found is not None else None
