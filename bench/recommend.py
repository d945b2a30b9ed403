"""Staff a half-year plan of classes with core teachers (骨干教师) at once, and check the answer.

Never run in CI. Usage (from the repository root):

    .venv/bin/python bench/recommend.py [--seed 2026] [--classes 500] [--teachers 2000]
                                        [--time-limit 8] [--workers 2]

A seeded generator makes a notice-004-like half-year (the seed is printed; the same seed makes
the same plan): 8 categories (专业大类) of very different sizes, three levels (三级 most, 一级
few, run by a handful of research centres), classes of the level's length (7/8/9 days) starting
on weekdays from March to August with a peak before the summer, run by institutions spread over
the provinces; core teachers at technical schools (some at the institutions that run classes),
qualified for one category (a tenth for two) and one or more neighbouring levels, teaching,
assessing or both, some with assignments already this year and some busy on dates of this
half-year; a third of the classes name one or two preferred teaching core teachers.

It staffs the plan with ``shipei.staffing.solver`` (OR-Tools CP-SAT, lexicographic stages), checks
the answer with the solver module's independent checker (``check``), and computes an upper
bound on the classes that can be fully staffed by its own max-flow relaxation (networkx, below):
no solver code is shared with the bound. It prints the time, the classes fully staffed, the
bound and the solver's status; the last line is

    recommend: staffed S of C classes, bound B, T s, solver OPTIMAL

(``FEASIBLE`` when the time limit stopped a stage before it proved its optimum).
"""

import argparse
import datetime
import random
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

import networkx as nx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from shipei.staffing import solver

CATEGORIES = [  # notice 004's footnote ①, weighted by how many classes each runs
    ("机械类", 24),
    ("电工电子类", 20),
    ("信息类", 16),
    ("交通类", 12),
    ("服务类", 10),
    ("财经商贸类", 8),
    ("工业综合与农业类", 6),
    ("文化艺术与综合类", 4),
]
LEVELS = [("三级", 60, 7), ("二级", 32, 9), ("一级", 8, 8)]  # (level, share of classes, days)
LEVEL_ORDER = ["三级", "二级", "一级"]
PROVINCES = 31


def generate(
    seed: int, n_classes: int, n_teachers: int
) -> tuple[list[solver.Class], list[solver.Teacher]]:
    rng = random.Random(seed)
    # Institutions running classes: ~3 training bases per province (levels 2 and 3) and 5
    # research centres (level 1); technical schools where the core teachers work, some of them
    # the bases themselves.
    bases = [f"/1/{p}/b{b}/" for p in range(PROVINCES) for b in range(3)]
    centres = [f"/1/{p}/c/" for p in rng.sample(range(PROVINCES), 5)]
    schools = [f"/1/{p}/s{s}/" for p in range(PROVINCES) for s in range(12)] + bases + centres
    cat_names = [c for c, _w in CATEGORIES]
    cat_weights = [w for _c, w in CATEGORIES]

    first = datetime.date(2026, 3, 2)
    days = [first + datetime.timedelta(days=d) for d in range(0, 180)]
    # More classes in May-June, before the summer; weekdays only.
    day_weights = [
        (0 if d.weekday() >= 5 else 1) * (2.0 if d.month in (5, 6) else 1.0) for d in days
    ]
    classes = []
    for cid in range(1, n_classes + 1):
        level, _share, length = rng.choices(LEVELS, weights=[s for _l, s, _d in LEVELS])[0]
        category = rng.choices(cat_names, weights=cat_weights)[0]
        start = rng.choices(days, weights=day_weights)[0]
        institution = rng.choice(centres if level == "一级" else bases)
        classes.append(
            solver.Class(
                id=cid,
                category=category,
                level=level,
                starts_on=start,
                ends_on=start + datetime.timedelta(days=length - 1),
                institution=institution,
                need={solver.TEACHING: 2, solver.ASSESSING: 3},
            )
        )

    teachers = []
    for tid in range(1, n_teachers + 1):
        # Core teachers are fewer, relative to classes, in the small categories.
        weights = [w * (0.6 if w <= 6 else 1.0) for w in cat_weights]
        cats = {rng.choices(cat_names, weights=weights)[0]}
        if rng.random() < 0.1:
            cats.add(rng.choices(cat_names, weights=weights)[0])
        # Most hold level 3, many also level 2; level 1 is rare (trained at the centres).
        top = rng.choices([0, 1, 2], weights=[50, 42, 8])[0]
        low = rng.choice([0, 0, 0, 1]) if top >= 1 else 0
        levels = LEVEL_ORDER[min(low, top) : top + 1]
        roles = rng.choices(
            [frozenset(solver.ROLES), frozenset({solver.TEACHING}), frozenset({solver.ASSESSING})],
            weights=[55, 25, 20],
        )[0]
        load = rng.choices([0, 1, 2, 3, 4], weights=[40, 25, 20, 10, 5])[0]
        busy = []
        if rng.random() < 0.15:
            start = rng.choice(days)
            busy.append((start, start + datetime.timedelta(days=rng.choice([6, 7, 8]))))
        teachers.append(
            solver.Teacher(
                id=tid,
                home=rng.choice(schools),
                roles=roles,
                groups=frozenset((c, lv) for c in cats for lv in levels),
                load=load + len(busy),
                busy=tuple(busy),
            )
        )

    # A third of the classes name one or two preferred teaching core teachers of their category
    # (not always qualified for the level, not always free).
    by_category = defaultdict(list)
    for t in teachers:
        if solver.TEACHING in t.roles:
            for c, _lv in t.groups:
                by_category[c].append(t.id)
    named = []
    for c in classes:
        pool = sorted(set(by_category[c.category]))
        if pool and rng.random() < 1 / 3:
            picks = frozenset(rng.sample(pool, min(len(pool), rng.choice([1, 2]))))
            c = solver.Class(**{**c.__dict__, "preferred": picks})
        named.append(c)
    return named, teachers


# ---- the independent bound: max-flow relaxations ---------------------------------------------


def _fits(t: solver.Teacher, c: solver.Class, role: str) -> bool:
    """Whether teacher `t` may take `role` in class `c`, written out again here."""
    if role not in t.roles or (c.category, c.level) not in t.groups:
        return False
    if t.home.startswith(c.institution) or t.id in c.excluded:
        return False
    gap = datetime.timedelta(days=1)
    return all(c.starts_on > e + gap or s > c.ends_on + gap for s, e in t.busy)


def _most_full(group: list[solver.Class], fits: dict, flow_cache: dict) -> int:
    """An upper bound on how many classes of `group` can be fully staffed when no one may
    serve two of them (they all overlap in time): max-flow from the classes' places to the
    teachers, each teacher carrying one unit, for both roles together and for each alone."""
    key = frozenset(c.id for c in group)
    if key in flow_cache:
        return flow_cache[key]
    best = len(group)
    for roles in (solver.ROLES, (solver.TEACHING,), (solver.ASSESSING,)):
        graph = nx.DiGraph()
        demands = []
        for c in group:
            demand = sum(c.need.get(r, 0) for r in roles)
            demands.append(demand)
            for r in roles:
                need = c.need.get(r, 0)
                if not need:
                    continue
                graph.add_edge("s", (c.id, r), capacity=need)
                for tid in fits[c.id, r]:
                    graph.add_edge((c.id, r), ("t", tid), capacity=1)
                    graph.add_edge(("t", tid), "z", capacity=1)
        flow = nx.maximum_flow_value(graph, "s", "z") if graph.number_of_nodes() else 0
        # Each class fully staffed takes its whole demand: at most the k smallest fit in.
        k, used = 0, 0
        for demand in sorted(demands):
            if used + demand > flow:
                break
            used += demand
            k += 1
        best = min(best, k)
    flow_cache[key] = best
    return best


def upper_bound(classes: list[solver.Class], teachers: list[solver.Teacher]) -> int:
    """At most this many classes can be fully staffed.

    The classes are split into disjoint groups and each group's bound added up: a class alone
    (the flow of its places to the teachers who fit), then sets of classes of one category and
    level that all overlap one day of the calendar (anyone serves at most one of them), taken
    greedily where they lose the most. Any split gives a valid bound, as no class is counted in
    two groups; sets whose candidates far outnumber their places cannot lose and are skipped."""
    by_group: dict[tuple[str, str], list[solver.Teacher]] = defaultdict(list)
    for t in teachers:
        for group in t.groups:
            by_group[group].append(t)
    fits = {}
    for c in classes:
        pool = by_group.get((c.category, c.level), [])
        for r in solver.ROLES:
            fits[c.id, r] = [t.id for t in pool if _fits(t, c, r)] if c.need.get(r, 0) else []
    cache: dict = {}

    def places(c: solver.Class) -> int:
        return sum(c.need.values())

    def plenty(group: list[solver.Class]) -> bool:
        # Every role has more candidates than all the group's places: Hall's condition holds.
        demand = sum(places(c) for c in group)
        return all(
            len(fits[c.id, r]) >= demand for c in group for r in solver.ROLES if c.need.get(r, 0)
        )

    lost_alone = {c.id for c in classes if not plenty([c]) and _most_full([c], fits, cache) == 0}
    losses = []
    seen = set()
    gap = datetime.timedelta(days=1)
    groups: dict[tuple[str, str], list[solver.Class]] = defaultdict(list)
    for c in classes:
        if c.id not in lost_alone:
            groups[c.category, c.level].append(c)
    for members in groups.values():
        for day in sorted({c.starts_on for c in members}):
            group = [c for c in members if c.starts_on <= day <= c.ends_on + gap]
            key = frozenset(c.id for c in group)
            if len(group) < 2 or key in seen or plenty(group):
                continue
            seen.add(key)
            loss = len(group) - _most_full(group, fits, cache)
            if loss:
                losses.append((loss, key))
    lost, used = len(lost_alone), set()
    for loss, key in sorted(losses, key=lambda x: (-x[0], sorted(x[1]))):
        if not key & used:
            lost += loss
            used |= key
    return len(classes) - lost


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--classes", type=int, default=500)
    parser.add_argument("--teachers", type=int, default=2000)
    parser.add_argument("--time-limit", type=float, default=8.0)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    print(f"seed {args.seed}: {args.classes} classes, {args.teachers} core teachers")
    classes, teachers = generate(args.seed, args.classes, args.teachers)
    levels = Counter(c.level for c in classes)
    print("classes by level:", ", ".join(f"{lv} {levels[lv]}" for lv in LEVEL_ORDER))
    print(
        "places open:",
        sum(sum(c.need.values()) for c in classes),
        "| preferences named:",
        sum(len(c.preferred) for c in classes),
    )

    started = time.perf_counter()
    solution = solver.solve(classes, teachers, time_limit=args.time_limit, workers=args.workers)
    seconds = time.perf_counter() - started
    problems = solver.check(classes, teachers, solution)
    if problems:
        print("the answer breaks the rules:", *problems[:10], sep="\n  ")
        raise SystemExit(1)
    print(
        f"solved in {seconds:.2f} s: staffed {len(solution.staffed)}, preferences honoured "
        f"{solution.preferences}, max yearly load {solution.max_load}, sum of squared loads "
        f"{solution.sum_squares}; solver's own bound {solution.bound}"
    )
    causes = Counter(s.cause for shortages in solution.shortages.values() for s in shortages)
    print("open roles by cause:", dict(sorted(causes.items())))

    bound_started = time.perf_counter()
    bound = upper_bound(classes, teachers)
    print(f"max-flow bound {bound} in {time.perf_counter() - bound_started:.2f} s")
    print(
        f"recommend: staffed {len(solution.staffed)} of {len(classes)} classes, bound {bound}, "
        f"{seconds:.2f} s, solver {solution.status}"
    )


if __name__ == "__main__":
    main()
