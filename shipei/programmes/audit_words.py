"""What the audit log needs of programmes to name the item an entry is about: entries about
enrollments and quotas keep the item's code in their text and name the programme and item in
their data; the apps above register their words (shipei.audit.describe) and call these."""

from collections.abc import Sequence
from typing import Any

from shipei.audit.models import AuditEntry

from .models import Programme


def programmes_of(entries: Sequence[AuditEntry]) -> dict[Any, Programme]:
    pks = {e.data.get("programme") for e in entries if isinstance(e.data, dict)}
    return Programme.objects.in_bulk([pk for pk in pks if isinstance(pk, int)])


def item_named(programmes: dict[Any, Programme], entry: AuditEntry) -> tuple[str, str] | None:
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
