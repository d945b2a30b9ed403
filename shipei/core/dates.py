"""The range of dates people may type for programmes, their windows, projects and classes.

A date far outside any programme (year 9999, year 1) is a slip of the keyboard, not a plan: it
is refused where it is typed, with the range in the message. Birth dates come only from ID
numbers, which ``identifiers.id_number_clean`` holds to 1900 until today.
"""

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# A programme's year may be 2000 to 2100 (programmes' forms and API).
EARLIEST = datetime.date(2000, 1, 1)
LATEST = datetime.date(2100, 12, 31)


def out_of_range(value: datetime.date | None) -> str | None:
    """Why `value` (a date or a datetime) is refused, or None when it is in range."""
    if value is None:
        return None
    day = value.date() if isinstance(value, datetime.datetime) else value
    if EARLIEST <= day <= LATEST:
        return None
    return _(
        "日期超出合理范围：请填写 %(earliest)s 年至 %(latest)s 年之间的日期（现为 %(date)s）。"
    ) % {
        "earliest": EARLIEST.year,
        "latest": LATEST.year,
        "date": day.isoformat(),
    }


def year_in_range(value: str) -> int | None:
    """A year from a query string (?year=2026), or None when it is not one of the range's:
    garbage, or a year such as 99999 that no date or database integer holds, is no filter."""
    if not (value.isascii() and value.isdigit() and len(value) == 4):
        return None
    year = int(value)
    return year if EARLIEST.year <= year <= LATEST.year else None


def validate_in_range(value: datetime.date | None) -> None:
    """A validator for form and serializer date fields."""
    message = out_of_range(value)
    if message:
        raise ValidationError(message, code="date_range")
