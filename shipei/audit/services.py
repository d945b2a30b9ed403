"""Writing audit entries, inside the caller's transaction (STYLE.md §2)."""

from collections.abc import Iterable
from typing import Any

from django.db import models

from shipei.core import rows

from .models import AuditEntry, DisclosedPerson


def record(
    actor: Any,
    action: str,
    target: models.Model | None = None,
    *,
    disclosed: Iterable[tuple[int, int | None]] = (),
    **kw: Any,
) -> AuditEntry:
    """Record `action`, a dotted code such as ``person.revealed`` (``entry_for`` says what else
    it takes); the data hold no personal data. `disclosed`: the people whose ID number or
    mobile the action showed in full, as (person id, their organisation's id)."""
    entry = entry_for(actor, action, target, **kw)
    rows.insert(entry)
    DisclosedPerson.objects.bulk_create(
        [
            DisclosedPerson(entry=entry, person_id=person, org_id=org)
            for person, org in dict(disclosed).items()
        ],
        batch_size=2000,
    )
    return entry


def entry_for(
    actor: Any,
    action: str,
    target: models.Model | None = None,
    *,
    org: Any = None,
    ip: str | None = None,
    **data: Any,
) -> AuditEntry:
    """The entry `record` writes, not yet written (for a statement that writes it with others)."""
    if org is None and target is not None:
        org = _org_of(target)
    acting = getattr(actor, "pk", None) is not None
    return AuditEntry(
        actor=actor if acting else None,
        actor_person_id=getattr(actor, "person_id", None) if acting else None,
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:200] if target is not None else "",
        org=org,
        ip=ip,
        data=data,
    )


def _org_of(target: models.Model) -> Any:
    # The organisation model as the entry's own field knows it: audit may not import orgs.
    if isinstance(target, AuditEntry._meta.get_field("org").related_model):
        return target
    for attr in ("org", "organisation"):
        if hasattr(target, f"{attr}_id"):
            return getattr(target, attr)
    person = getattr(target, "person", None)
    return getattr(person, "org", None)
