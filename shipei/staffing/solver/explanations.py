"""Why a class stays open: for each role, how many core teachers pass each rule in turn."""

from collections.abc import Mapping

from .problem import (
    ROLES,
    Class,
    Index,
    Shortage,
    Solution,
    Teacher,
    candidates,
    clash,
    free,
    own,
    qualified,
    span,
    staffable_alone,
)


def explain(
    classes: list[Class],
    teachers: list[Teacher],
    solution: Solution,
    *,
    cands: Mapping[tuple[int, str], list[int]] | None = None,
) -> dict[int, list[Shortage]]:
    """For each class not fully staffed, each role left open and why."""
    cands = cands if cands is not None else candidates(classes, teachers)
    index = Index(teachers)
    by_id = {c.id: c for c in classes}
    out: dict[int, list[Shortage]] = {}
    for c in classes:
        if c.id in solution.staffed:
            continue
        given = solution.staff.get(c.id, [])
        rows = []
        pool = list(index.candidates(c))
        for role in ROLES:
            need = c.need.get(role, 0) - sum(1 for r, _t in given if r == role)
            if need <= 0:
                continue
            qualified_ = [t for t in pool if qualified(t, c, role)]
            not_own = [t for t in qualified_ if not own(t, c)]
            free_ = [t for t in not_own if free(t, c)]
            willing = [t for t in free_ if t.id not in c.excluded]
            counts = (len(qualified_), len(not_own), len(free_), len(willing))
            rivals = 0
            if len(qualified_) < c.need[role]:
                cause = "qualified"
            elif len(not_own) < c.need[role]:
                cause = "own_institution"
            elif len(free_) < c.need[role]:
                cause = "busy"
            elif len(willing) < c.need[role]:
                cause = "declined"
            elif not staffable_alone(c, cands):
                cause = "shared"
            else:
                cause = "taken"
                ids = {t.id for t in willing}
                rivals = sum(
                    1
                    for other, rows_ in solution.staff.items()
                    if other != c.id
                    and clash(span(by_id[other]), span(c))
                    and any(tid in ids for _r, tid in rows_)
                )
            rows.append(Shortage(role, c.need[role], need, *counts, cause=cause, rivals=rivals))
        # A role short of people is the reason; the other one, which could be filled, is not.
        definite = [
            r for r in rows if r.cause in ("qualified", "own_institution", "busy", "declined")
        ]
        out[c.id] = definite or rows
    return out
