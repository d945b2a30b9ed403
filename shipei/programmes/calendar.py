"""A programme's calendar: every date of its policy (training and registration windows, approval
deadlines, project applications, milestones), moved together, and the checks of their order.

A copy of a notice for another year moves every date by the same offset, so that the events keep
their order: registration before training, the province's summary before any registration opens
(notice 000), applications before publication before enrollment (notice 002).
"""

import datetime
from typing import Any

from django.utils.translation import gettext as _

from shipei.core.clock import SHANGHAI, minute_text

from .policy import Item, PolicyV1, Window


def shift_years(value: Any, years: int) -> Any:
    """Every date and time in `value` moved by `years`; 29 February becomes the 28th."""
    if isinstance(value, datetime.date):  # datetime is a date too
        try:
            return value.replace(year=value.year + years)
        except ValueError:
            return value.replace(year=value.year + years, day=28)
    if isinstance(value, dict):
        return {k: shift_years(v, years) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [shift_years(v, years) for v in value]
    return value


def shift_days(value: Any, days: int) -> Any:
    """Every date and time in `value` moved by `days` (the same span between any two of them)."""
    if isinstance(value, datetime.date):
        return value + datetime.timedelta(days=days)
    if isinstance(value, dict):
        return {k: shift_days(v, days) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [shift_days(v, days) for v in value]
    return value


def _dates(value: Any) -> list[datetime.date]:
    if isinstance(value, datetime.datetime):
        local = value.astimezone(SHANGHAI) if value.tzinfo else value
        return [local.date()]
    if isinstance(value, datetime.date):
        return [value]
    if isinstance(value, dict):
        return [d for v in value.values() for d in _dates(v)]
    if isinstance(value, list | tuple):
        return [d for v in value for d in _dates(v)]
    return []


def first_date(rules: PolicyV1) -> datetime.date | None:
    """The earliest day of the programme's calendar, if it has any date at all."""
    found = _dates(rules.model_dump(mode="python"))
    return min(found) if found else None


def registration_of(rules: PolicyV1, code: str, *, programme_window: bool = True) -> Window | None:
    """The item's own registration window, else its parent's, else (unless told not to) the
    programme's."""
    if programme_window:
        return rules.registration_for(code)
    return rules.inherited(code, "registration")


def training_of(rules: PolicyV1, code: str) -> Window | None:
    """The item's own training dates, else its parent's."""
    return rules.inherited(code, "training")


def moment_text(moment: datetime.datetime) -> str:
    """A window's end as people read it: the day, with the time only where it is not 23:59."""
    text = minute_text(moment)
    return text[:10] if text.endswith("23:59") else text


def item_warning(rules: PolicyV1, item: Item) -> str | None:
    """Why the item's dates are out of order, if they are: its training ends before its
    registration closes, so teachers would be admitted to training that is already over. Only
    for an item that sets one of the two itself (a field without dates of its own inherits its
    phase's, and would repeat the phase's warning)."""
    if item.training is None and item.registration is None:
        return None
    training, registration = training_of(rules, item.code), registration_of(rules, item.code)
    ends = training.closes_at() if training else None
    closes = registration.closes_at() if registration else None
    if ends is None or closes is None or ends >= closes:
        return None
    return _("“%(item)s”的培训在 %(ends)s 结束，早于报名截止时间 %(closes)s。") % {
        "item": item.label,
        "ends": moment_text(ends),
        "closes": moment_text(closes),
    }


def calendar_warnings(rules: PolicyV1) -> list[str]:
    """Every item whose dates are out of order (``item_warning``), in the policy's order."""
    return [w for w in (item_warning(rules, i) for i in rules.items) if w]
