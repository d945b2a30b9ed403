"""Sections that apps above classes add to a class's page (attendance: who is near the absence
limit). Classes cannot import them (layers), so each registers a function that renders its
section for the user and the class, or returns "" when it has nothing to show them."""

from collections.abc import Callable
from typing import Any

from django.utils.safestring import SafeString

Panel = Callable[[Any, Any], SafeString | str]
_PANELS: list[Panel] = []


def register(panel: Panel) -> None:
    if panel not in _PANELS:
        _PANELS.append(panel)


def render(request: Any, training_class: Any) -> list[SafeString | str]:
    return [html for panel in _PANELS if (html := panel(request, training_class))]
