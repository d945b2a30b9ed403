"""The solver against hand-made instances whose optimum is known, and against brute force on
random small ones; every answer passes the independent checker."""

import datetime
import itertools
import random

import pytest

from shipei.staffing.solver import (
    ASSESSING,
    OPTIMAL,
    ROLES,
    TEACHING,
    Class,
    Solution,
    Teacher,
    check,
    clash,
    eligible,
    solve,
)

DAY = datetime.date(2026, 3, 2)
MECH = ("机械类", "三级")


def on(offset: int, days: int = 7) -> tuple[datetime.date, datetime.date]:
    start = DAY + datetime.timedelta(days=offset)
    return start, start + datetime.timedelta(days=days - 1)


def a_class(cid: int, offset: int = 0, *, days: int = 7, **kw) -> Class:
    start, end = on(offset, days)
    kw.setdefault("need", {ASSESSING: 1})
    return Class(
        id=cid,
        category=kw.pop("category", MECH[0]),
        level=kw.pop("level", MECH[1]),
        starts_on=start,
        ends_on=end,
        institution=kw.pop("institution", "/1/9/"),
        **kw,
    )


def a_teacher(tid: int, *, roles=ROLES, groups=(MECH,), home: str = "/1/2/", **kw) -> Teacher:
    return Teacher(id=tid, home=home, roles=frozenset(roles), groups=frozenset(groups), **kw)


def solved(classes: list[Class], teachers: list[Teacher], **kw) -> Solution:
    solution = solve(classes, teachers, time_limit=10, workers=1, **kw)
    assert check(classes, teachers, solution, partial=kw.get("partial", False)) == []
    return solution


def test_a_travel_day_must_lie_between_two_classes_of_one_teacher():
    first = on(0)  # days 0-6
    assert clash(first, on(7))  # starts the day after: no travel day
    assert not clash(first, on(8))  # one free day between
    assert clash(on(7), first)  # either order


def test_the_optimum_staffs_more_classes_than_serving_the_least_loaded_first():
    """T1 (least loaded) can serve A or B, T2 only A: giving A to T1, as a greedy pass over
    the least loaded would, leaves B without anyone."""
    a = a_class(1, 0)
    b = a_class(2, 3, level="二级")
    t1 = a_teacher(10, groups=(MECH, ("机械类", "二级")))
    t2 = a_teacher(11, load=5)

    solution = solved([a, b], [t1, t2])

    assert solution.staffed == {1, 2}
    assert solution.staff == {1: [(ASSESSING, 11)], 2: [(ASSESSING, 10)]}
    assert solution.status == OPTIMAL


def test_a_class_is_staffed_whole_or_not_at_all_and_says_which_role_is_short():
    # Two teaching places, three assessing; only two assessors qualify.
    c = a_class(1, need={TEACHING: 2, ASSESSING: 3})
    teachers = [a_teacher(i, roles=(TEACHING,)) for i in (1, 2)]
    teachers += [a_teacher(i, roles=(ASSESSING,)) for i in (3, 4)]

    solution = solved([c], teachers)

    assert solution.staffed == set() and solution.staff == {}
    [short] = solution.shortages[1]
    assert (short.role, short.need, short.qualified, short.cause) == (ASSESSING, 3, 2, "qualified")


def test_someone_holding_both_roles_fills_one_place_only():
    c = a_class(1, need={TEACHING: 1, ASSESSING: 1})
    solution = solved([c], [a_teacher(1)])
    assert solution.staffed == set()
    assert {s.cause for s in solution.shortages[1]} == {"shared"}

    solution = solved([c], [a_teacher(1), a_teacher(2)])
    assert solution.staffed == {1}
    assert sorted(t for _r, t in solution.staff[1]) == [1, 2]


def test_shortages_name_own_institution_busy_dates_and_declines_in_turn():
    c = a_class(1, 10, institution="/1/9/")
    own = a_teacher(1, home="/1/9/")
    assert solved([c], [own]).shortages[1][0].cause == "own_institution"
    # Busy until the day before the class starts: no travel day.
    busy = a_teacher(2, busy=(on(3, 7),))
    assert solved([c], [own, busy]).shortages[1][0].cause == "busy"
    declined = a_teacher(3)
    c2 = a_class(1, 10, excluded=frozenset({3}))
    assert solved([c2], [own, busy, declined]).shortages[1][0].cause == "declined"


def test_two_classes_at_once_compete_and_the_loser_says_its_people_went_elsewhere():
    a, b = a_class(1, 0), a_class(2, 2)
    solution = solved([a, b], [a_teacher(1)])
    assert len(solution.staffed) == 1
    [loser] = {1, 2} - solution.staffed
    short = solution.shortages[loser][0]
    assert (short.cause, short.rivals) == ("taken", 1)


def test_preferred_teaching_core_teachers_are_honoured_where_they_qualify():
    c = a_class(
        1, need={TEACHING: 2}, preferred=frozenset({3, 9})
    )  # 9 is not qualified for the level
    teachers = [
        a_teacher(1),
        a_teacher(2),
        a_teacher(3, load=4),
        a_teacher(9, groups=(("机械类", "一级"),)),
    ]
    solution = solved([c], teachers)
    assert solution.preferences == 1
    assert 3 in {t for _r, t in solution.staff[1]}


def test_among_equal_answers_the_least_loaded_serve_and_the_spread_is_even():
    classes = [a_class(i, 10 * i) for i in range(4)]  # four classes, no two at once
    teachers = [a_teacher(1, load=3), a_teacher(2), a_teacher(3)]
    solution = solved(classes, teachers)
    # Teacher 1 already holds 3: the four places go two and two to the others (max 3), and
    # not three and one (which would also leave the maximum at 3 but square to more).
    assert solution.max_load == 3
    counts = sorted(
        sum(t == i for rows in solution.staff.values() for _r, t in rows) for i in (2, 3)
    )
    assert counts == [2, 2]
    assert solution.sum_squares == 9 + 4 + 4


def test_one_classs_recommendation_fills_what_it_can_when_it_cannot_fill_everything():
    c = a_class(1, need={TEACHING: 2, ASSESSING: 3})
    teachers = [a_teacher(i) for i in range(1, 4)]
    solution = solved([c], teachers, partial=True)
    assert solution.staffed == set()
    assert len(solution.staff[1]) == 3
    missing = {s.role: s.missing for s in solution.shortages[1]}
    assert sum(missing.values()) == 2
    assert all(s.cause == "shared" for s in solution.shortages[1])


def test_the_checker_catches_a_double_booking_and_a_wrong_figure():
    a, b = a_class(1, 0), a_class(2, 3)
    t = a_teacher(1)
    wrong = Solution(
        staff={1: [(ASSESSING, 1)], 2: [(ASSESSING, 1)]},
        staffed={1, 2},
        status=OPTIMAL,
        preferences=0,
        max_load=2,
        sum_squares=1,
        bound=2,
        seconds=0,
    )
    problems = check([a, b], [t], wrong)
    assert any("double-booked" in p for p in problems)
    assert any("sum_squares" in p for p in problems)


# ---- random small instances against brute force --------------------------------------------


def random_instance(rng: random.Random) -> tuple[list[Class], list[Teacher]]:
    groups = [("机械类", "三级"), ("机械类", "二级"), ("信息类", "三级")]
    classes = []
    for cid in range(1, rng.randint(2, 4) + 1):
        category, level = rng.choice(groups)
        need = {TEACHING: rng.randint(0, 1), ASSESSING: rng.randint(1, 2)}
        classes.append(
            a_class(
                cid,
                rng.randint(0, 20),
                days=rng.randint(2, 6),
                category=category,
                level=level,
                institution=f"/1/{rng.randint(1, 3)}/",
                need=need,
                preferred=frozenset(rng.sample(range(1, 7), rng.randint(0, 2))),
                excluded=frozenset(rng.sample(range(1, 7), rng.randint(0, 1))),
            )
        )
    teachers = []
    for tid in range(1, rng.randint(3, 6) + 1):
        busy = (on(rng.randint(0, 25), rng.randint(1, 4)),) if rng.random() < 0.2 else ()
        teachers.append(
            a_teacher(
                tid,
                roles=rng.choice([ROLES, (TEACHING,), (ASSESSING,)]),
                groups=tuple(rng.sample(groups, rng.randint(1, 2))),
                home=f"/1/{rng.randint(1, 4)}/",
                load=rng.randint(0, 2),
                busy=busy,
            )
        )
    return classes, teachers


def brute_force(classes: list[Class], teachers: list[Teacher]) -> tuple[int, int, int, int]:
    """The best (staffed, preferences, -max load, -sum of squares) over every answer."""
    options = []
    for c in classes:
        choices: list[list[tuple[str, int]]] = [[]]  # not staffed
        pools = {r: [t.id for t in teachers if eligible(t, c, r)] for r in ROLES}
        for teach in itertools.combinations(pools[TEACHING], c.need.get(TEACHING, 0)):
            rest = [t for t in pools[ASSESSING] if t not in teach]
            for assess in itertools.combinations(rest, c.need.get(ASSESSING, 0)):
                choices.append([(TEACHING, t) for t in teach] + [(ASSESSING, t) for t in assess])
        options.append(choices)
    best = None
    by_id = {c.id: c for c in classes}
    for pick in itertools.product(*options):
        staff = {c.id: rows for c, rows in zip(classes, pick, strict=True) if rows}
        held: dict[int, list[int]] = {}
        ok = True
        for cid, rows in staff.items():
            for _r, t in rows:
                if any(
                    clash(
                        (by_id[o].starts_on, by_id[o].ends_on),
                        (by_id[cid].starts_on, by_id[cid].ends_on),
                    )
                    for o in held.get(t, [])
                ):
                    ok = False
                held.setdefault(t, []).append(cid)
        if not ok:
            continue
        loads = {t.id: t.load + len(held.get(t.id, [])) for t in teachers}
        prefs = sum(
            1
            for cid, rows in staff.items()
            for r, t in rows
            if r == TEACHING and t in by_id[cid].preferred
        )
        value = (len(staff), prefs, -max(loads.values()), -sum(n * n for n in loads.values()))
        best = value if best is None or value > best else best
    return best


@pytest.mark.parametrize("seed", range(40))
def test_random_small_instances_reach_the_brute_force_optimum(seed):
    rng = random.Random(seed)
    classes, teachers = random_instance(rng)
    # Classes needing nothing would count as staffed; brute force counts staffed classes.
    classes = [c for c in classes if sum(c.need.values())]

    solution = solved(classes, teachers, keep=None)

    assert solution.status == OPTIMAL
    assert (
        len(solution.staffed),
        solution.preferences,
        -solution.max_load,
        -solution.sum_squares,
    ) == brute_force(classes, teachers)
