"""The staffing problem as plain data, the rules of who may serve where, and the candidates."""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

TEACHING = "teaching"
ASSESSING = "assessing"
ROLES = (TEACHING, ASSESSING)
ONE_DAY = datetime.timedelta(days=1)

OPTIMAL = "OPTIMAL"
# Candidates each role of a class looks at, at most (``shortlist``).
KEEP = 24
FEASIBLE = "FEASIBLE"


@dataclass(frozen=True)
class Teacher:
    id: int
    home: str  # the home institution's path in the organisation tree ("/1/5/23/")
    roles: frozenset[str]
    groups: frozenset[tuple[str, str]]  # (category, level) pairs the teacher is qualified for
    load: int = 0  # assignments this year held outside the problem
    busy: tuple[tuple[datetime.date, datetime.date], ...] = ()  # those assignments' class dates


@dataclass(frozen=True)
class Class:
    id: int
    category: str
    level: str  # "" where the programme has no levels: any level's core teachers qualify
    starts_on: datetime.date
    ends_on: datetime.date
    institution: str  # the path of the institution running the class
    need: Mapping[str, int]  # open places by role
    preferred: frozenset[int] = frozenset()  # teachers the institution named for teaching
    excluded: frozenset[int] = frozenset()  # declined this class, or serving it already


@dataclass(frozen=True)
class Shortage:
    """Why a role of a class stays open: how many core teachers pass each test in turn."""

    role: str
    need: int  # places of the role in the class
    missing: int  # of them still open
    qualified: int  # hold the role, qualified for the class's category and level
    not_own: int  # ... and not from the class's own institution
    free: int  # ... and free on its dates (with the travel day)
    willing: int  # ... and have not declined this class
    cause: str  # the first test too few pass; "shared" or "taken" when all pass (see explain)
    rivals: int = 0  # classes at the same time given the candidates ("taken")


@dataclass
class Solution:
    staff: dict[int, list[tuple[str, int]]]  # class id -> (role, teacher id) proposed
    staffed: set[int]  # classes fully staffed
    status: str  # OPTIMAL when every stage was proven optimal, else FEASIBLE
    preferences: int
    max_load: int
    sum_squares: int
    bound: int  # the solver's proven upper bound on the classes fully staffed
    seconds: float
    shortages: dict[int, list[Shortage]] = field(default_factory=dict)


def clash(a: tuple[datetime.date, datetime.date], b: tuple[datetime.date, datetime.date]) -> bool:
    """Whether one person cannot serve both spans: the later must start two days after the
    earlier ends at the soonest, leaving a free travel day between them."""
    return a[0] <= b[1] + ONE_DAY and b[0] <= a[1] + ONE_DAY


def span(c: Class) -> tuple[datetime.date, datetime.date]:
    return (c.starts_on, c.ends_on)


def qualified(t: Teacher, c: Class, role: str) -> bool:
    if role not in t.roles:
        return False
    if c.level:
        return (c.category, c.level) in t.groups
    return any(category == c.category for category, _level in t.groups)


def own(t: Teacher, c: Class) -> bool:
    return t.home.startswith(c.institution)


def free(t: Teacher, c: Class) -> bool:
    return not any(clash(span(c), b) for b in t.busy)


def eligible(t: Teacher, c: Class, role: str) -> bool:
    return qualified(t, c, role) and not own(t, c) and free(t, c) and t.id not in c.excluded


class Index:
    """Teachers by qualification, so that a class looks at its own group's only."""

    def __init__(self, teachers: Iterable[Teacher]) -> None:
        self.by_group: dict[tuple[str, str], list[Teacher]] = defaultdict(list)
        self.by_category: dict[str, dict[int, Teacher]] = defaultdict(dict)
        for t in teachers:
            for group in t.groups:
                self.by_group[group].append(t)
                self.by_category[group[0]][t.id] = t

    def candidates(self, c: Class) -> Iterable[Teacher]:
        if c.level:
            return self.by_group.get((c.category, c.level), ())
        return self.by_category.get(c.category, {}).values()


def candidates(classes: list[Class], teachers: list[Teacher]) -> dict[tuple[int, str], list[int]]:
    """(class id, role) -> ids of the teachers who may fill it, for every open role."""
    index = Index(teachers)
    out: dict[tuple[int, str], list[int]] = {}
    for c in classes:
        pool = [t for t in index.candidates(c) if not own(t, c) and t.id not in c.excluded]
        pool = [t for t in pool if free(t, c)]
        for role in ROLES:
            if c.need.get(role, 0) > 0:
                out[c.id, role] = [t.id for t in pool if role in t.roles]
    return out


def shortlist(
    cands: Mapping[tuple[int, str], list[int]],
    classes: list[Class],
    teachers: Mapping[int, Teacher],
    keep: int,
) -> tuple[dict[tuple[int, str], list[int]], set[int]]:
    """Each role's candidates cut to the `keep` a fair answer would look at first: every
    preferred one, then the least loaded (ties broken differently for each class, so that
    classes at the same time keep different people). Returns the lists and the classes cut."""
    by_class = {c.id: c for c in classes}
    out, cut = {}, set()
    for (cid, role), ids in cands.items():
        if len(ids) <= keep:
            out[cid, role] = ids
            continue
        c = by_class[cid]
        preferred = [t for t in ids if role == TEACHING and t in c.preferred]
        rest = sorted(
            (t for t in ids if t not in c.preferred or role != TEACHING),
            key=lambda t: (teachers[t].load, hash((cid, t)) & 0xFFFF, t),
        )
        out[cid, role] = preferred + rest[: max(keep - len(preferred), 0)]
        cut.add(cid)
    return out, cut


def staffable_alone(c: Class, cands: Mapping[tuple[int, str], list[int]]) -> bool:
    """Whether the class could be fully staffed if it were the only one: Hall's condition for
    the two kinds of place (someone qualified for both fills one place only)."""
    need_t, need_a = c.need.get(TEACHING, 0), c.need.get(ASSESSING, 0)
    t_ids = set(cands.get((c.id, TEACHING), ()))
    a_ids = set(cands.get((c.id, ASSESSING), ()))
    return len(t_ids) >= need_t and len(a_ids) >= need_a and len(t_ids | a_ids) >= need_t + need_a


def tally(solution: Solution, classes: list[Class], teachers: list[Teacher]) -> None:
    """The solution's own figures, counted from its assignments."""
    loads = {t.id: t.load for t in teachers}
    by_class = {c.id: c for c in classes}
    prefs = 0
    for cid, rows in solution.staff.items():
        for role, tid in rows:
            loads[tid] += 1
            prefs += role == TEACHING and tid in by_class[cid].preferred
    solution.staffed = {
        c.id
        for c in classes
        if all(
            sum(1 for r, _t in solution.staff.get(c.id, ()) if r == role) == c.need.get(role, 0)
            for role in ROLES
        )
    }
    solution.preferences = prefs
    solution.max_load = max(loads.values(), default=0)
    solution.sum_squares = sum(n * n for n in loads.values())
