"""Shared pieces of the list tables (django-tables2, rendered by core/_table_body.html).

On a phone every list turns into cards (site.css, "approvers" block): each cell keeps its column
header as a label, and a column's ``data-card`` role says where the cell goes on the card:

- ``check``: the row's checkbox, top left (the batch actions keep working);
- ``title``: the row's name, the card's heading;
- ``badge``: the state, top right;
- ``minor``: small grey text under the heading, without its label (ID number, time);
- ``action``: the row's buttons, on the heading line after the state;
- ``hide``: left out of the card (an empty "--" cell);
- ``field`` or none: a "label  value" line.

On wide screens the same markup is an ordinary table row.
"""

from collections.abc import Callable
from typing import Any

import django_tables2 as tables
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .views_util import per_page


class RequestConfig(tables.RequestConfig):  # noqa: TID251 -- the one subclass
    """Order and paginate a list table from the query string, the page size only as the pager
    offers it (10, 20, 50, 100; anything else: 20).

    django-tables2's own reads ``per_page`` itself, past any default given to it: ``-1`` was a
    server error and ``1000000`` put every row on one page."""

    def __init__(self, request: HttpRequest, *, default: int = 20) -> None:
        super().__init__(request, paginate=True)
        self.default = default

    def configure(self, table: tables.Table) -> tables.Table:
        table.request = self.request
        order_by = self.request.GET.getlist(table.prefixed_order_by_field)
        if order_by:
            table.order_by = order_by
        page = self.request.GET.get(table.prefixed_page_field, "")
        try:
            table.paginate(per_page=per_page(self.request, self.default), page=page or 1)
        except PageNotAnInteger:
            table.page = table.paginator.page(1)
        except EmptyPage:  # past the end (or below 1): the last page
            table.page = table.paginator.page(table.paginator.num_pages)
        return table


def card(role: str | Callable[..., str], *, nowrap: bool = False) -> dict[str, Any]:
    """Column attrs placing the cell on the phone card; ``nowrap`` keeps a person's name whole
    ("王海涛", never "王海/涛") in the wide table. ``role`` may be a callable of the record."""
    td: dict[str, Any] = {"data-card": role}
    if nowrap:
        td["class"] = "text-nowrap"
    return {"td": td, "th": {"data-card": role if isinstance(role, str) else ""}}


def hide_when_empty(role: str = "field") -> Callable[..., str]:
    """A role for cells that are often empty: shown as ``role`` when there is a value, left off
    the card when there is none (the wide table still shows "--")."""

    def pick(value: Any = None, **_kw: Any) -> str:
        return role if value not in (None, "", "--") else "hide"

    return pick


def select_box(pk: int, name: str, *, checked: bool = False) -> str:
    """A row's checkbox for a batch action, in a 44 x 44 px label (touch target)."""
    return format_html(
        '<label class="sp-check"><input type="checkbox" class="form-check-input" '
        'name="selected" value="{}" aria-label="{}"{}></label>',
        pk,
        _("选择“%(name)s”") % {"name": name},
        " checked" if checked else "",
    )


class SelectColumn(tables.CheckBoxColumn):
    """The checkbox column of a batch action: a "全选" box in the header, which on a phone (where
    the header row is hidden) stays above the cards with its word."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("accessor", "pk")
        kwargs.setdefault("orderable", False)
        # A row without a box (not selectable) leaves the corner of its card empty.
        kwargs.setdefault(
            "attrs", {"td": {"data-card": hide_when_empty("check")}, "th": {"data-card": "check"}}
        )
        super().__init__(**kwargs)

    @property
    def header(self) -> str:
        return format_html(
            '<label class="sp-check sp-check-all"><input type="checkbox" class="form-check-input" '
            'data-select-all="input[name=selected]"><span class="sp-check-all-word">{}</span>'
            "</label>",
            _("全选"),
        )


def action_link(url: str, word: str, name: str, *, primary: bool = False) -> str:
    """A row's action as a button-sized link; the row's name is read out with it ("审核 王海涛")."""
    return format_html(
        '<a class="btn btn-sm {} sp-row-action" href="{}">{}<span class="visually-hidden">'
        "{}</span></a>",
        "btn-primary" if primary else "btn-outline-primary",
        url,
        word,
        name,
    )
