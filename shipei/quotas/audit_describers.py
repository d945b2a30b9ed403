"""The audit log's words for entries about quotas (shipei.audit.describe): the receiver, the
programme, the item's label and the seats instead of "杭州市 p1 200"."""

from collections.abc import Sequence

from django.utils.translation import gettext as _

from shipei.audit.models import AuditEntry
from shipei.programmes.audit_words import item_named, programmes_of


def describe_quotas(entries: Sequence[AuditEntry]) -> None:
    programmes = programmes_of(entries)
    for entry in entries:
        found = item_named(programmes, entry)
        receiver = entry.data.get("receiver") if isinstance(entry.data, dict) else None
        if found is None or not receiver:
            continue
        seats = entry.data.get("after", entry.data.get("before"))
        parts = [receiver, *found]
        if isinstance(seats, int):
            parts.append(_("名额 %(n)s") % {"n": seats})
        entry.described = " · ".join(parts)
