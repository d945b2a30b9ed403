"""Certificate numbers: unique, never reused, gap-free per series.

A series is the policy's number format with the year and the programme's code filled in
(``ZJSZ-2026-{serial:05d}``). Its counter row is locked (``select_for_update``) while a number
is taken and the certificate written in the same transaction: two batches issuing at the same
moment take turns, and a certificate rolled back gives its serial back.
"""

from django.db import transaction

from shipei.programmes.policy import number_format_parts

from .errors import NumberTaken
from .models import Certificate, NumberSeries


def series_key(fmt: str, *, year: int, code: str) -> str:
    """The format with all but the serial filled in: "{year}{programme}{serial:06d}" ->
    "2026zj-demo{serial:06d}" (braces of the text doubled, as str.format reads them)."""
    values = {"year": year, "programme": code}
    out = []
    for text, name, spec in number_format_parts(fmt):
        out.append(text.replace("{", "{{").replace("}", "}}"))
        if name == "serial":
            out.append("{serial" + (f":{spec}" if spec else "") + "}")
        elif name is not None:
            value = format(values[name], spec)
            out.append(value.replace("{", "{{").replace("}", "}}"))
    return "".join(out)


def number_take(fmt: str, *, year: int, code: str) -> tuple[NumberSeries, int, str]:
    """The next number of the series, in the caller's transaction (its lock holds till commit)."""
    assert transaction.get_connection().in_atomic_block, "a number is taken in a transaction"
    key = series_key(fmt, year=year, code=code)
    series, _created = NumberSeries.objects.get_or_create(key=key)
    series = NumberSeries.objects.select_for_update().get(pk=series.pk)
    series.last += 1
    number = key.format(serial=series.last)
    # Another series can spell the same text (two formats, one literal prefix): refused, and
    # the serial goes back with the rollback.
    if Certificate.objects.filter(number=number).exists():
        raise NumberTaken(number=number)
    series.save(update_fields=["last"])
    return series, series.last, number
