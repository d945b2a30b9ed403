"""What apps above the schedule offer on a session a user teaches (attendance: the roll call and
the check-in code). The schedule sits below them, so they register here in their ``ready``."""

from collections.abc import Callable
from typing import Any

# action(user, session) -> [(label, url)] the user may follow from the session
Action = Callable[[Any, Any], list[tuple[str, str]]]

_actions: dict[str, Action] = {}


def register_session_action(name: str, action: Action) -> None:
    _actions[name] = action


def session_actions(user: Any, session: Any) -> list[tuple[str, str]]:
    return [link for action in _actions.values() for link in action(user, session)]
