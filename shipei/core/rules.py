"""Expose scope.py as Django permissions (``user.has_perm("org.change", org)``) for templates
and third-party code; the rules themselves live only in scope.py."""

from typing import Any

import rules

from . import scope


def _predicate(action: str) -> Any:
    @rules.predicate
    def check(user: Any, obj: Any = None) -> bool:
        if obj is None:
            return scope.has_any(user, action)
        if obj.__class__.__name__ == "Person":
            return scope.allows_person(user, action, obj)
        org = obj if obj.__class__.__name__ == "Organisation" else getattr(obj, "org", None)
        return scope.allows(user, action, org)

    return check


for _action in sorted({a for actions in scope.ROLE_ACTIONS.values() for a in actions}):
    rules.add_perm(_action, _predicate(_action))
