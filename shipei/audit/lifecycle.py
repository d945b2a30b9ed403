"""One table of allowed moves per lifecycle (STYLE.md §2), so that an illegal move cannot be
written by accident: projects, enrollments, and the classes, certificates and surveys to come.

A move checks the table, sets the status, saves it with the fields the caller changed beside it,
and records the audit entry, in the caller's transaction.
"""

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models

from shipei.core.errors import InvalidTransition

from .services import record


class Lifecycle:
    def __init__(self, moves: Mapping[str, Iterable[str]], *, field: str = "status") -> None:
        self.moves = {state: frozenset(to) for state, to in moves.items()}
        self.field = field

    def allows(self, current: str, to: str) -> bool:
        return to in self.moves.get(current, ())

    def leading_to(self, to: str) -> frozenset[str]:
        """The states from which `to` may be reached (the statuses a withdrawal accepts)."""
        return frozenset(state for state, targets in self.moves.items() if to in targets)

    def check(self, obj: models.Model, to: str) -> None:
        """InvalidTransition, naming the current state in words, unless the table allows it."""
        if not self.allows(getattr(obj, self.field), to):
            raise InvalidTransition(current=getattr(obj, f"get_{self.field}_display")())

    def move(
        self,
        obj: models.Model,
        to: str,
        *,
        actor: Any,
        action: str | None,
        org: Any = None,
        fields: Iterable[str] = (),
        save: bool = True,
        **data: Any,
    ) -> None:
        """Move `obj` to `to`, saving the status (and `fields`) unless `save` is False (the
        caller saves it with more). `action` is the audit code; None where the caller records
        the move itself in a richer form (an enrollment's events are its audit entries)."""
        self.check(obj, to)
        setattr(obj, self.field, to)
        if save:
            obj.save(update_fields=[self.field, "updated_at", *fields])
        if action is not None:
            record(actor, action, obj, org=org, **data)
