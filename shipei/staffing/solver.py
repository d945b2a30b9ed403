"""Staffing classes with core teachers (骨干教师), optimally: the problem, CP-SAT, and a checker.

Plain data in, plain data out, no Django: the services build a problem from the database, the
benchmark builds one from a seeded generator, and the tests build small ones by hand.

The objectives, in order (each stage is solved with the optimum of the earlier ones fixed as a
constraint, so a later one never costs an earlier one anything):

1. the most classes fully staffed (a class gets all the places it asks for, or none of them);
   where ``partial`` is asked for (one class's recommendation), then the most places filled;
2. the most preferred teaching core teachers honoured;
3. the smallest maximum yearly load (assignments this year, those held already included);
4. the smallest sum of squared yearly loads (the fairest spread at that maximum).

A core teacher serves a class only in a role they hold, for a category and level they are
qualified for, never for their own institution, never for a class they declined, and never in two
classes too close in time: between two of anyone's classes lies at least one free day (the travel
day of notice 004's "free on the class dates, a travel day either side").

The model splits into independent parts (classes that share no candidate), each solved alone:
the sums of the objectives add up, and the maximum load is the largest part's, so the parts'
optima make the whole's.
"""

import datetime
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

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


class _Index:
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
    index = _Index(teachers)
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


# ---- the model ----------------------------------------------------------------------------


class _Part:
    """One independent part of the problem: its classes, their candidates, the CP-SAT model."""

    def __init__(
        self,
        classes: list[Class],
        cands: Mapping[tuple[int, str], list[int]],
        teachers: Mapping[int, Teacher],
        *,
        partial: bool,
    ) -> None:
        self.classes = classes
        self.model = cp_model.CpModel()
        m = self.model
        self.x: dict[tuple[int, str, int], cp_model.IntVar] = {}
        self.y: dict[int, cp_model.IntVar] = {}
        by_teacher: dict[int, list[tuple[Class, cp_model.IntVar]]] = defaultdict(list)
        prefs = []
        for c in classes:
            y = self.y[c.id] = m.new_bool_var(f"y{c.id}")
            for role in ROLES:
                need = c.need.get(role, 0)
                if need <= 0:
                    continue
                row = []
                for tid in cands.get((c.id, role), ()):
                    v = self.x[c.id, role, tid] = m.new_bool_var(f"x{c.id}_{role[0]}{tid}")
                    row.append(v)
                    by_teacher[tid].append((c, v))
                    if role == TEACHING and tid in c.preferred:
                        prefs.append(v)
                filled = cp_model.LinearExpr.sum(row)
                if partial:
                    m.add(filled <= need)
                    m.add(filled >= need * y)
                else:
                    m.add(filled == need * y)
        # No one in two classes too close in time: one "at most one" per maximal set of the
        # teacher's candidate classes that all overlap (an interval graph's cliques).
        self.new_load: dict[int, cp_model.LinearExpr] = {}
        self.count: dict[int, int] = {}
        for tid, entries in by_teacher.items():
            for clique in _cliques(entries):
                m.add_at_most_one(clique)
            self.new_load[tid] = cp_model.LinearExpr.sum([v for _c, v in entries])
            self.count[tid] = len({c.id for c, _v in entries})
        self.teachers = {tid: teachers[tid] for tid in by_teacher}
        self.staffed = cp_model.LinearExpr.sum(list(self.y.values()))
        self.filled = cp_model.LinearExpr.sum(list(self.x.values()))
        self.preferences = cp_model.LinearExpr.sum(prefs)
        self.size = len(self.x)
        self.hint: dict[cp_model.IntVar, int] = {}
        self.optimal = True
        self.bound = len(classes)
        self.values: dict[str, int] = {}

    def solve(self, name: str, budget: float, workers: int) -> None:
        """Solve for the objective already set; keep the answer as the next stage's hint."""
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = max(budget, 0.05)
        solver.parameters.num_workers = workers
        solver.parameters.random_seed = 1
        status = solver.solve(self.model)
        found = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
        if status != cp_model.OPTIMAL:
            self.optimal = False
        if found:
            variables = [*self.x.values(), *self.y.values()]
            self.hint = dict(zip(variables, solver.boolean_values(variables), strict=True))
            value = round(solver.objective_value)
        else:  # out of time before a first answer: the earlier stage's answer stands
            value = self._value_of_hint(name)
        if name == "staffed":
            self.bound = round(solver.best_objective_bound) if found else len(self.classes)
        self.values[name] = value
        self.model.clear_hints()
        for v, b in self.hint.items():
            self.model.add_hint(v, b)

    def _value_of_hint(self, name: str) -> int:
        """An objective's value in the earlier stage's answer (kept when a stage finds none)."""
        x = {k: self.hint.get(v, 0) for k, v in self.x.items()}
        if name == "staffed":
            return sum(self.hint.get(v, 0) for v in self.y.values())
        if name == "filled":
            return sum(x.values())
        if name == "preferences":
            by_id = {c.id: c for c in self.classes}
            return sum(
                b
                for (cid, role, tid), b in x.items()
                if role == TEACHING and tid in by_id[cid].preferred
            )
        loads: dict[int, int] = defaultdict(int)
        for (_cid, _role, tid), b in x.items():
            loads[tid] += b
        totals = [self.teachers[tid].load + loads[tid] for tid in self.teachers]
        if name == "max_load":
            return max(totals, default=0)
        return sum(n * n for n in totals)

    def greedy_hint(self, cands: Mapping[tuple[int, str], list[int]]) -> None:
        """A first hint built by hand: the classes shortest of candidates first, each place to
        the least loaded candidate still free; a class that cannot be filled gets no one."""
        by_teacher: dict[int, list[tuple[datetime.date, datetime.date]]] = defaultdict(list)
        loads = {tid: t.load for tid, t in self.teachers.items()}
        chosen: set[tuple[int, str, int]] = set()
        staffed = set()
        todo = sorted(
            self.classes,
            key=lambda c: (sum(len(cands.get((c.id, r), ())) for r in ROLES), c.starts_on),
        )
        for c in todo:
            picks: list[tuple[str, int]] = []
            # The role with fewer candidates first: someone who holds both goes where needed.
            for role in sorted(ROLES, key=lambda r: len(cands.get((c.id, r), ()))):
                taken = {tid for _r, tid in picks}
                pool = sorted(
                    (
                        tid
                        for tid in cands.get((c.id, role), ())
                        if tid not in taken and not any(clash(span(c), b) for b in by_teacher[tid])
                    ),
                    key=lambda tid: (loads[tid], tid),
                )
                want = c.need.get(role, 0)
                if len(pool) < want:
                    break
                picks += [(role, tid) for tid in pool[:want]]
            else:
                staffed.add(c.id)
                for role, tid in picks:
                    chosen.add((c.id, role, tid))
                    by_teacher[tid].append(span(c))
                    loads[tid] += 1
        self._set_hint(chosen, staffed)

    def rebalance_hint(self, cands: Mapping[tuple[int, str], list[int]]) -> None:
        """Improve the current answer's spread by hand before the fairness stages: move each
        place held by someone more loaded to a less loaded candidate free at that time. The
        classes staffed and the preferred teachers stay as they are."""
        by_class = {c.id: c for c in self.classes}
        chosen = {k for k, v in self.x.items() if self.hint.get(v, 0)}
        staffed = {cid for cid, v in self.y.items() if self.hint.get(v, 0)}
        loads = {tid: t.load for tid, t in self.teachers.items()}
        held: dict[int, set[int]] = defaultdict(set)
        members: dict[int, set[int]] = defaultdict(set)
        for cid, _role, tid in chosen:
            loads[tid] += 1
            held[tid].add(cid)
            members[cid].add(tid)
        for _round in range(5):  # until no place moves
            moved = False
            for cid, role, tid in sorted(chosen, key=lambda k: (-loads[k[2]], k)):
                c = by_class[cid]
                if role == TEACHING and tid in c.preferred:
                    continue
                free_ = [
                    other
                    for other in cands.get((cid, role), ())
                    if loads[other] + 1 < loads[tid]
                    and other not in members[cid]
                    and not any(clash(span(c), span(by_class[k])) for k in held[other])
                ]
                if not free_:
                    continue
                other = min(free_, key=lambda t: (loads[t], t))
                chosen.discard((cid, role, tid))
                chosen.add((cid, role, other))
                held[tid].discard(cid)
                held[other].add(cid)
                members[cid].discard(tid)
                members[cid].add(other)
                loads[tid] -= 1
                loads[other] += 1
                moved = True
            if not moved:
                break
        self._set_hint(chosen, staffed)

    def prefer_hint(self, cands: Mapping[tuple[int, str], list[int]]) -> None:
        """Improve the current answer's preferences by hand before their stage: a preferred
        teacher free at the class's time takes a teaching place held by someone not preferred."""
        by_class = {c.id: c for c in self.classes}
        chosen = {k for k, v in self.x.items() if self.hint.get(v, 0)}
        staffed = {cid for cid, v in self.y.items() if self.hint.get(v, 0)}
        held: dict[int, set[int]] = defaultdict(set)
        members: dict[int, set[int]] = defaultdict(set)
        for cid, _role, tid in chosen:
            held[tid].add(cid)
            members[cid].add(tid)
        for cid in sorted(staffed):
            c = by_class[cid]
            for tid in sorted(c.preferred & set(cands.get((cid, TEACHING), ()))):
                if tid in members[cid] or any(clash(span(c), span(by_class[k])) for k in held[tid]):
                    continue
                out = next(
                    (
                        (cid, TEACHING, o)
                        for o in sorted(members[cid])
                        if (cid, TEACHING, o) in chosen and o not in c.preferred
                    ),
                    None,
                )
                if out is None:
                    break
                chosen.discard(out)
                chosen.add((cid, TEACHING, tid))
                held[out[2]].discard(cid)
                members[cid].discard(out[2])
                held[tid].add(cid)
                members[cid].add(tid)
        self._set_hint(chosen, staffed)

    def _set_hint(self, chosen: set[tuple[int, str, int]], staffed: set[int]) -> None:
        self.hint = {v: int(k in chosen) for k, v in self.x.items()}
        self.hint.update({v: int(cid in staffed) for cid, v in self.y.items()})
        self.model.clear_hints()
        for v, b in self.hint.items():
            self.model.add_hint(v, b)

    def answer(self) -> dict[int, list[tuple[str, int]]]:
        out: dict[int, list[tuple[str, int]]] = defaultdict(list)
        for (cid, role, tid), v in self.x.items():
            if self.hint.get(v, 0):
                out[cid].append((role, tid))
        return out


def _cliques(entries: list[tuple[Class, cp_model.IntVar]]) -> Iterable[list[cp_model.IntVar]]:
    """The variables of each maximal set of mutually clashing classes of one teacher (each
    class's both roles inside), from a sweep over the classes' start dates."""
    by_class: dict[int, list[cp_model.IntVar]] = defaultdict(list)
    spans: dict[int, tuple[datetime.date, datetime.date]] = {}
    for c, v in entries:
        by_class[c.id].append(v)
        # A class holds the teacher from its start to the day after its end (the travel day).
        spans[c.id] = (c.starts_on, c.ends_on + ONE_DAY)
    order = sorted(spans, key=lambda cid: spans[cid][0])
    starts = [spans[cid][0] for cid in order]
    for i in range(len(order)):
        point = starts[i]
        members = [o for o in order[: i + 1] if spans[o][1] >= point]
        ends_first = min(spans[o][1] for o in members)
        # A later start inside every member's span would give a larger set: skip this one.
        if i + 1 < len(order) and starts[i + 1] <= ends_first:
            continue
        yield [v for o in members for v in by_class[o]]


def _parts(classes: list[Class], cands: Mapping[tuple[int, str], list[int]]) -> list[list[Class]]:
    """The classes in groups that share no candidate (union-find over the candidates)."""
    parent = {c.id: c.id for c in classes}

    def root(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    first_class: dict[int, int] = {}
    for c in classes:
        for role in ROLES:
            for tid in cands.get((c.id, role), ()):
                other = first_class.setdefault(tid, c.id)
                parent[root(c.id)] = root(other)
    groups: dict[int, list[Class]] = defaultdict(list)
    for c in classes:
        groups[root(c.id)].append(c)
    return sorted(groups.values(), key=lambda g: g[0].id)


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
    parts = [_Part(group, cands, by_id, partial=partial) for group in _parts(modelled, cands)]
    stages = ["staffed", *(["filled"] if partial else []), "preferences", "max_load", "squares"]
    clock = _Clock(
        started + time_limit, (p.size * _STAGE_WEIGHTS[s] + 1 for p in parts for s in stages)
    )

    def run(p: _Part, name: str) -> None:
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
    _tally(solution, classes, teachers)
    solution.shortages = explain(classes, teachers, solution, cands=full)
    solution.seconds = time.monotonic() - started
    return solution


def _tally(solution: Solution, classes: list[Class], teachers: list[Teacher]) -> None:
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


def explain(
    classes: list[Class],
    teachers: list[Teacher],
    solution: Solution,
    *,
    cands: Mapping[tuple[int, str], list[int]] | None = None,
) -> dict[int, list[Shortage]]:
    """For each class not fully staffed, each role left open and why."""
    cands = cands if cands is not None else candidates(classes, teachers)
    index = _Index(teachers)
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
    _tally(recount, classes, teachers)
    for name in ("preferences", "max_load", "sum_squares"):
        if getattr(recount, name) != getattr(solution, name):
            problems.append(
                f"reported {name} {getattr(solution, name)}, counted {getattr(recount, name)}"
            )
    return problems
