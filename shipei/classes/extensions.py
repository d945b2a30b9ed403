"""What apps above classes add to a class: checks its training plan must pass before it is
filed (the schedule's content shares), and panels on the class page (its schedule). Classes
sit below those apps, so they register here in their ``ready``."""

from collections.abc import Callable
from typing import Any

# check(training_class) -> the problems that keep its plan from being filed, in Chinese
PlanCheck = Callable[[Any], list[str]]
# panel(request, training_class) -> HTML for the class page, or "" to show nothing
Panel = Callable[[Any, Any], str]

_plan_checks: dict[str, PlanCheck] = {}
_panels: dict[str, Panel] = {}


def register_plan_check(name: str, check: PlanCheck) -> None:
    _plan_checks[name] = check


def register_panel(name: str, panel: Panel) -> None:
    _panels[name] = panel


def plan_problems(training_class: Any) -> list[str]:
    return [p for check in _plan_checks.values() for p in check(training_class)]


def panels(request: Any, training_class: Any) -> list[str]:
    return [html for panel in _panels.values() if (html := panel(request, training_class))]
