"""The indicators a base's annual assessment is made of, as a registry.

An indicator scores each base 0–100 for a year, or None where it has nothing to go on (a base
with no closed spot check has no spot-check score). Apps above this one (supervision) register
their own indicators in their ``AppConfig.ready``, so the assessment never imports them.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

Scores = dict[int, float | None]


@dataclass(frozen=True)
class Indicator:
    code: str
    label: str
    # (year, base organisation ids) -> score 0–100 per base id, None where there is no data
    compute: Callable[[int, Sequence[int]], Scores]


_REGISTRY: dict[str, Indicator] = {}


def register(indicator: Indicator) -> None:
    if indicator.code in _REGISTRY and _REGISTRY[indicator.code] != indicator:
        raise ValueError(f"indicator {indicator.code!r} registered twice")
    _REGISTRY[indicator.code] = indicator


def all_indicators() -> dict[str, Indicator]:
    return dict(_REGISTRY)
