"""The audit log's words for entries about enrollments (shipei.audit.describe): the teacher,
the programme and the item's label instead of its code ("吴静 · p1")."""

from collections.abc import Sequence

from shipei.audit.models import AuditEntry
from shipei.programmes.audit_words import item_named, programmes_of


def describe_enrollments(entries: Sequence[AuditEntry]) -> None:
    programmes = programmes_of(entries)
    for entry in entries:
        found = item_named(programmes, entry)
        if found is None:
            continue
        who = entry.target_repr.removesuffix(f" · {entry.data['item']}")
        entry.described = " · ".join((who, *found))
