"""The bench's notice 004 world (bench/annual_world.py) at a tiny scale: the annual summary counts
the rows it loads, and the bench's floor (plain SQL) counts the same numbers, so the bench times
the download against a floor of the same work."""

import datetime
from typing import Any

import pytest
from django.db import connection

from bench.annual_world import floor_queries, floor_totals, load_004
from shipei.accounts.models import Role, RoleAssignment, User
from shipei.accounts.tests.factories import PersonFactory
from shipei.staffing.needs import item_group
from shipei.statistics import annual

pytestmark = pytest.mark.postgres
YEAR = 2025
KEYS = ("classes", "trainees", "passed", "planned", "ran")


def by_group(floor: dict[str, dict[str, int]], programme: Any) -> dict[str, dict[str, int]]:
    """The floor's rows by item summed into the summary's rows: 合计, levels, categories."""
    out: dict[str, dict[str, int]] = {}
    for item, numbers in floor.items():
        category, level = item_group(programme.rules, item)
        for label in ("合计", level, category):
            row = out.setdefault(label, dict.fromkeys([*KEYS, "unexecuted"], 0))
            for key, value in numbers.items():
                row[key] += value
    return out


def summary_rows(summary: Any) -> dict[str, dict[str, int]]:
    return {
        r.label: {**{k: getattr(r, k) for k in KEYS}, "unexecuted": len(r.unexecuted)}
        for r in summary.rows
        if r.classes or r.planned
    }


@pytest.fixture
def world(tree: Any) -> dict[str, Any]:
    return load_004(
        dept=tree["zj"],
        year=YEAR,
        today=datetime.date(YEAR, 12, 3),
        institutions=4,
        lines=60,
        unplanned=3,
        per_class=10,
    )


def test_the_summary_counts_the_bench_world_as_its_floor_does(world, tree, zhejiang_admin):
    programme, user = world["programme"], zhejiang_admin.user
    chosen = annual.scope_chosen(user, "province:330000", annual.scope_choices(user, programme))
    summary = annual.annual_summary(user=user, programme=programme, year=YEAR, chosen=chosen)
    with connection.cursor() as cursor:
        floor = floor_totals(
            cursor, floor_queries(programme, YEAR, path=tree["zj"].path, region="33")
        )

    assert summary_rows(summary) == by_group(floor, programme)
    # A world with all the summary distinguishes: passed and failed, plans run and not run
    # (cancelled among them), institutions, levels.
    t = summary.total
    assert 0 < t.passed < t.trainees and 0 < t.ran < t.planned
    assert any("已取消" in u.reason for u in t.unexecuted)
    assert len(summary.institutions) == 4
    assert [r.label for r in summary.levels if r.classes] == ["一级", "二级", "三级"]


def test_an_institution_is_counted_as_its_floor_does(world, tree):
    college = world["colleges"][1]
    person = PersonFactory(org=college)
    user = User.objects.create_user(f"p{person.pk}", "Secret123", person=person)
    RoleAssignment.objects.create(user=user, role=Role.BASE_ADMIN, org=college)
    programme = world["programme"]
    chosen = annual.scope_chosen(user, "", annual.scope_choices(user, programme))
    summary = annual.annual_summary(user=user, programme=programme, year=YEAR, chosen=chosen)
    with connection.cursor() as cursor:
        floor = floor_totals(
            cursor, floor_queries(programme, YEAR, path=college.path, org=college.pk)
        )

    assert chosen.key == str(college.pk)
    assert summary.total.trainees > 0
    assert summary_rows(summary) == by_group(floor, programme)
