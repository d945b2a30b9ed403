"""The CP-SAT model of one independent part of the problem, and the hints that start each stage."""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping

from ortools.sat.python import cp_model

from .problem import ONE_DAY, ROLES, TEACHING, Class, Teacher, clash, span


class Part:
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


def independent_parts(
    classes: list[Class], cands: Mapping[tuple[int, str], list[int]]
) -> list[list[Class]]:
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
