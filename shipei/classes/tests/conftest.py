"""The project fixtures (programme, designated base, draft, submitted...) for class tests, and
notice 004's: its programme, an institution's approved half-year plan and its planned class."""

import copy
import datetime
from typing import Any

import pytest
from django.utils import timezone

from shipei.classes import flow, plans
from shipei.classes.models import HalfYearPlan, TrainingClass
from shipei.presets.loader import preset_data
from shipei.programmes.models import Programme
from shipei.projects.tests.conftest import *  # noqa: F403

P004 = "mohrss-integrated-teacher-training"


def make_004(code: str = "p004", **classes: Any) -> Programme:
    """Notice 004's programme; `classes` replace keys of its ``classes`` section."""
    data = preset_data(P004)
    policy = copy.deepcopy(data["policy"])
    policy["classes"] = {**policy["classes"], **classes}
    return Programme.objects.create(code=code, title=data["title"], year=None, policy=policy)


def day(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def half_of(date: datetime.date) -> tuple[int, int]:
    return date.year, 1 if date.month <= 6 else 2


def line(start_in: int = 60, *, item: str = "l2-c1", days: int = 9, **overrides: Any) -> dict:
    """A line of a half-year plan: a 二级·机械类 class of nine days starting in `start_in` days."""
    return {
        "item": item,
        "starts_on": day(start_in),
        "ends_on": day(start_in + days - 1),
        "capacity": 30,
        "enrolls_from": "全省技工院校",
        "place": "杭州职业技术学院实训楼",
        **overrides,
    }


def approved_plan(base_admin: Any, province: Any, programme: Programme, *lines: dict) -> Any:
    lines = lines or (line(),)
    year, half = half_of(lines[0]["starts_on"])
    plan = plans.plan_create(
        actor=base_admin.user, programme=programme, institution=base_admin.org, year=year, half=half
    )
    plans.plan_save_lines(actor=base_admin.user, plan=plan, lines=list(lines))
    plans.plan_submit(actor=base_admin.user, plan=plan)
    return plans.plan_decide(actor=province.user, plan=plan, approve=True)


@pytest.fixture
def p004(db: Any) -> Programme:
    return make_004()


@pytest.fixture
def plan_approved(base_admin: Any, zhejiang_admin: Any, p004: Programme) -> HalfYearPlan:
    return approved_plan(base_admin, zhejiang_admin, p004)


@pytest.fixture
def planned_class(plan_approved: HalfYearPlan) -> TrainingClass:
    return TrainingClass.objects.get(plan_line__plan=plan_approved)


@pytest.fixture
def applied_class(base_admin: Any, planned_class: TrainingClass) -> TrainingClass:
    return flow.class_apply(actor=base_admin.user, training_class=planned_class)


@pytest.fixture
def staffed_class(base_admin: Any, applied_class: TrainingClass) -> TrainingClass:
    return flow.class_mark_staffed(actor=base_admin.user, training_class=applied_class)


PLAN = {
    "goals": "掌握学习任务分析与策划",
    "courses": "学习任务分析、教学活动策划、示范课",
    "assessment": "过程性考核与终结性考核（说课）",
}


@pytest.fixture
def filed_class(base_admin: Any, staffed_class: TrainingClass) -> TrainingClass:
    flow.class_file_plan(actor=base_admin.user, training_class=staffed_class, **PLAN)
    return staffed_class
