"""The independent checker: everything wrong with a solution, however it was found."""

import datetime
from collections import defaultdict

from .problem import ROLES, Class, Solution, Teacher, clash, free, own, qualified, span, tally


def check(
    classes: list[Class], teachers: list[Teacher], solution: Solution, *, partial: bool = False
) -> list[str]:
    """Everything wrong with a solution, independently of how it was found: each assignment's
    rules, double bookings, places filled, and the figures it reports. Empty when sound."""
    problems = []
    by_class = {c.id: c for c in classes}
    by_teacher = {t.id: t for t in teachers}
    held: dict[int, list[tuple[int, tuple[datetime.date, datetime.date]]]] = defaultdict(list)
    for cid, rows in solution.staff.items():
        c = by_class.get(cid)
        if c is None:
            problems.append(f"class {cid} is not in the problem")
            continue
        for role, tid in rows:
            t = by_teacher.get(tid)
            if t is None:
                problems.append(f"teacher {tid} is not in the problem")
                continue
            if not qualified(t, c, role):
                problems.append(f"teacher {tid} is not qualified as {role} for class {cid}")
            if own(t, c):
                problems.append(f"teacher {tid} is from class {cid}'s own institution")
            if not free(t, c):
                problems.append(f"teacher {tid} is busy elsewhere during class {cid}")
            if tid in c.excluded:
                problems.append(f"teacher {tid} declined class {cid}")
            held[tid].append((cid, span(c)))
        for role in ROLES:
            n = sum(1 for r, _t in rows if r == role)
            if n > c.need.get(role, 0):
                problems.append(
                    f"class {cid} has {n} {role}, more than the {c.need.get(role, 0)} open"
                )
        if not partial and rows and cid not in solution.staffed:
            problems.append(f"class {cid} is given staff but not fully staffed")
    for tid, spans in held.items():
        for i, (a, sa) in enumerate(spans):
            for b, sb in spans[i + 1 :]:
                if a == b:
                    problems.append(f"teacher {tid} holds two places in class {a}")
                elif clash(sa, sb):
                    problems.append(f"teacher {tid} is double-booked in classes {a} and {b}")
    full = {
        c.id
        for c in classes
        if all(
            sum(1 for r, _t in solution.staff.get(c.id, ()) if r == role) == c.need.get(role, 0)
            for role in ROLES
        )
    }
    if full != solution.staffed:
        problems.append(f"reported staffed {sorted(solution.staffed)} but full {sorted(full)}")
    recount = Solution(dict(solution.staff), set(), "", 0, 0, 0, 0, 0.0)
    tally(recount, classes, teachers)
    for name in ("preferences", "max_load", "sum_squares"):
        if getattr(recount, name) != getattr(solution, name):
            problems.append(
                f"reported {name} {getattr(solution, name)}, counted {getattr(recount, name)}"
            )
    return problems
