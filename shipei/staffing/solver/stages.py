"""The lexicographic stages: each part solved objective by objective, the time shared out."""

import time
from collections.abc import Iterable

from ortools.sat.python import cp_model

from .explanations import explain
from .model import Part, independent_parts
from .problem import (
    FEASIBLE,
    KEEP,
    OPTIMAL,
    Class,
    Solution,
    Teacher,
    candidates,
    shortlist,
    staffable_alone,
    tally,
)


class _Clock:
    """Shares the time limit among the solves still to come, by their expected weight."""

    def __init__(self, deadline: float, weights: Iterable[float]) -> None:
        self.deadline = deadline
        self.left = sum(weights)

    def budget(self, weight: float) -> float:
        remaining = max(self.deadline - time.monotonic(), 0.0)
        share = weight / self.left if self.left else 1.0
        self.left = max(self.left - weight, 0.0)
        return remaining * share


_STAGE_WEIGHTS = {
    "staffed": 5.0,
    "filled": 1.0,
    "preferences": 1.0,
    "max_load": 1.0,
    "squares": 2.0,
}


def solve(
    classes: list[Class],
    teachers: list[Teacher],
    *,
    time_limit: float = 8.0,
    workers: int = 2,
    partial: bool = False,
    keep: int | None = KEEP,
) -> Solution:
    """Staff `classes` from `teachers` (see the module's docstring for the objectives).

    With `keep`, each role of a class looks at that many candidates at most (``shortlist``):
    the stages are then optimal over those lists, and the staffed count is proven optimal for
    the whole problem when it reaches ``bound``."""
    started = time.monotonic()
    by_id = {t.id: t for t in teachers}
    full = candidates(classes, teachers)
    open_classes = [c for c in classes if any(n > 0 for n in c.need.values())]
    modelled = [c for c in open_classes if partial or staffable_alone(c, full)]
    cands, cut = shortlist(full, modelled, by_id, keep) if keep else (full, set())
    parts = [
        Part(group, cands, by_id, partial=partial) for group in independent_parts(modelled, cands)
    ]
    stages = ["staffed", *(["filled"] if partial else []), "preferences", "max_load", "squares"]
    clock = _Clock(
        started + time_limit, (p.size * _STAGE_WEIGHTS[s] + 1 for p in parts for s in stages)
    )

    def run(p: Part, name: str) -> None:
        p.solve(name, clock.budget(p.size * _STAGE_WEIGHTS[name] + 1), workers)

    for p in parts:
        p.greedy_hint(cands)
        p.model.maximize(p.staffed)
        run(p, "staffed")
        p.model.add(p.staffed >= p.values["staffed"])
        if any(c.id in cut for c in p.classes):
            # Over shortened lists the solver's bound holds for the lists only; for the whole
            # problem, a class is bounded by whether it could be staffed at all.
            p.bound = sum(1 for c in p.classes if staffable_alone(c, full))
        if partial:
            p.model.maximize(p.filled)
            run(p, "filled")
            p.model.add(p.filled >= p.values["filled"])
        p.prefer_hint(cands)
        p.model.maximize(p.preferences)
        run(p, "preferences")
        p.model.add(p.preferences >= p.values["preferences"])
        p.rebalance_hint(cands)
        highest = max(t.load + p.count[tid] for tid, t in p.teachers.items())
        top = p.model.new_int_var(0, highest, "top")
        for tid, t in p.teachers.items():
            p.model.add(t.load + p.new_load[tid] <= top)
        p.model.minimize(top)
        run(p, "max_load")
    max_load = max([t.load for t in teachers] + [p.values["max_load"] for p in parts], default=0)
    for p in parts:
        costs, steps = [], []
        for tid, t in p.teachers.items():
            # Each further assignment costs its rise of the square: (n+1)^2 - n^2 = 2n + 1.
            room = max(min(max_load - t.load, p.count[tid]), 0)
            if room < p.count[tid]:
                p.model.add(p.new_load[tid] <= room)
            row = [p.model.new_bool_var(f"u{tid}_{k}") for k in range(room)]
            p.model.add(cp_model.LinearExpr.sum(row) == p.new_load[tid])
            steps += row
            costs += [2 * (t.load + k) + 1 for k in range(room)]
        p.model.minimize(cp_model.LinearExpr.weighted_sum(steps, costs))
        run(p, "squares")
    staff: dict[int, list[tuple[str, int]]] = {}
    for p in parts:
        staff.update(p.answer())
    solution = Solution(
        staff=staff,
        staffed=set(),
        status=OPTIMAL if all(p.optimal for p in parts) else FEASIBLE,
        preferences=0,
        max_load=0,
        sum_squares=0,
        bound=len(classes) - len(open_classes) + sum(p.bound for p in parts),
        seconds=0.0,
    )
    tally(solution, classes, teachers)
    solution.shortages = explain(classes, teachers, solution, cands=full)
    solution.seconds = time.monotonic() - started
    return solution
