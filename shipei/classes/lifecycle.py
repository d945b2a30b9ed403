"""A class's lifecycle (DOMAIN.md §5): one table of moves per set of steps a programme uses.

The whole table is notice 004's: planned → applied → staffed → plan filed → plan approved →
recorded → enrolling → running → assessing → closed, a filed plan returned and filed again, and
cancellation until the class runs. A programme that leaves a step out of ``classes.steps``
skips its state; one that uses none (002) keeps its classes with its projects' states.
"""

import functools
import itertools
from collections.abc import Iterable

from shipei.audit.lifecycle import Lifecycle

from .models import TrainingClass

S = TrainingClass.Status
# Each state with the step of the policy that makes it (None: every class passes it).
CHAIN: tuple[tuple[str, str | None], ...] = (
    (S.PLANNED, None),
    (S.APPLIED, "application"),
    (S.STAFFED, "staffing"),
    (S.PLAN_FILED, "plan_filing"),
    (S.PLAN_APPROVED, "province_approval"),
    (S.RECORDED, "centre_record"),
    (S.ENROLLING, None),
    (S.RUNNING, None),
    (S.ASSESSING, None),
    (S.CLOSED, None),
)
# A class can be cancelled until it runs.
BEFORE_RUNNING = frozenset(
    {S.PLANNED, S.APPLIED, S.STAFFED, S.PLAN_FILED, S.PLAN_APPROVED, S.RECORDED, S.ENROLLING}
)
# Classes still to be run or running: their milestones and reminders count.
LIVE = BEFORE_RUNNING | {S.RETURNED, S.RUNNING, S.ASSESSING}
# Classes that ran (the execution rate of a half-year plan, notice 004 附件6).
RAN = frozenset({S.RUNNING, S.ASSESSING, S.CLOSED})


def moves_for(steps: Iterable[str]) -> dict[str, frozenset[str]]:
    """The moves of a class whose programme uses `steps`."""
    used = set(steps)
    chain = [state for state, step in CHAIN if step is None or step in used]
    moves: dict[str, set[str]] = {a: {b} for a, b in itertools.pairwise(chain)}
    if "province_approval" in used:
        moves[S.PLAN_FILED].add(S.RETURNED)
        moves[S.RETURNED] = {S.PLAN_FILED}
    for state in (*BEFORE_RUNNING, S.RETURNED):
        if state in moves:
            moves[state].add(S.CANCELLED)
    return {state: frozenset(to) for state, to in moves.items()}


@functools.cache
def _lifecycle(steps: tuple[str, ...]) -> Lifecycle:
    return Lifecycle(moves_for(steps))


def lifecycle_of(training_class: TrainingClass) -> Lifecycle:
    return _lifecycle(tuple(sorted(training_class.project.programme.rules.classes.steps)))


def first_state(steps: Iterable[str]) -> str:
    """Where a class the institution applies for starts: applied where applications are a
    step (outside a half-year plan), else planned."""
    return S.APPLIED if "application" in set(steps) else S.PLANNED
