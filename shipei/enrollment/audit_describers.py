"""The audit log's words for entries about enrollments and quotas (shipei.audit.describe).

Both kinds of entry keep the item's code in their text ("吴静 · p1", "杭州市 p1 200"); their
data name the programme and the item, so the log can show the item's label from the programme's
policy instead, and the programme it belongs to. Registered here, in the top layer, because
audit sits below programmes and quotas and may not read them itself.
"""

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _

from shipei.audit.models import AuditEntry
from shipei.programmes.models import Programme


def _programmes(entries: Sequence[AuditEntry]) -> dict[Any, Programme]:
    pks = {e.data.get("programme") for e in entries if isinstance(e.data, dict)}
    return Programme.objects.in_bulk([pk for pk in pks if isinstance(pk, int)])


def _item(programmes: dict[Any, Programme], entry: AuditEntry) -> tuple[str, str] | None:
    """(programme, item label) named by the entry's data, or None where they are gone."""
    data = entry.data if isinstance(entry.data, dict) else {}
    programme = programmes.get(data.get("programme"))
    code = data.get("item")
    if programme is None or not code:
        return None
    try:
        label = programme.rules.item(code).label
    except StopIteration:  # an item since removed from the policy
        return None
    return str(programme), label


def describe_enrollments(entries: Sequence[AuditEntry]) -> None:
    programmes = _programmes(entries)
    for entry in entries:
        found = _item(programmes, entry)
        if found is None:
            continue
        who = entry.target_repr.removesuffix(f" · {entry.data['item']}")
        entry.described = " · ".join((who, *found))


def describe_quotas(entries: Sequence[AuditEntry]) -> None:
    programmes = _programmes(entries)
    for entry in entries:
        found = _item(programmes, entry)
        receiver = entry.data.get("receiver") if isinstance(entry.data, dict) else None
        if found is None or not receiver:
            continue
        seats = entry.data.get("after", entry.data.get("before"))
        parts = [receiver, *found]
        if isinstance(seats, int):
            parts.append(_("名额 %(n)s") % {"n": seats})
        entry.described = " · ".join(parts)
