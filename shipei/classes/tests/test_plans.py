"""Half-year plans (notice 004, 第七条): an institution reports its planned classes, the province
approves (each line becomes a planned class, under one project per level and category) or
returns them; plan against run gives the execution rate."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from shipei.audit.models import AuditEntry
from shipei.classes import plans
from shipei.classes.errors import PlanEmpty, PlanExists, ReasonRequired, StepNotUsed
from shipei.classes.models import HalfYearPlan, HalfYearPlanLine, TrainingClass
from shipei.classes.tests.conftest import approved_plan, day, half_of, line
from shipei.core.errors import InvalidTransition, NotFound, NotPermitted
from shipei.projects.models import Project

Status = HalfYearPlan.Status


def new_plan(base_admin, programme, start_in=60):
    year, half = half_of(day(start_in))
    return plans.plan_create(
        actor=base_admin.user, programme=programme, institution=base_admin.org, year=year, half=half
    )


def test_an_approved_plan_makes_a_planned_class_of_each_line_under_one_project_per_item(
    base_admin, zhejiang_admin, p004
):
    plan = approved_plan(
        base_admin,
        zhejiang_admin,
        p004,
        line(60),
        line(75),
        line(62, item="l3-c2", days=7, capacity=25),
    )
    classes = TrainingClass.objects.filter(plan_line__plan=plan).order_by("starts_on")
    assert [c.status for c in classes] == [TrainingClass.Status.PLANNED] * 3
    assert [(c.project.item, c.capacity) for c in classes] == [
        ("l2-c1", 30),
        ("l3-c2", 25),
        ("l2-c1", 30),
    ]
    projects = Project.objects.filter(programme=p004, base=base_admin.org)
    assert sorted(projects.values_list("title", "days", "status")) == [
        ("三级·电工电子类培训", 7, "published"),
        ("二级·机械类培训", 9, "published"),
    ]
    assert plan.status == Status.APPROVED and plan.decided_by == zhejiang_admin.user
    assert list(
        AuditEntry.objects.filter(target_type="classes.halfyearplan").values_list(
            "action", flat=True
        )
    ) == [
        "class.half_plan_approved",
        "class.half_plan_submitted",
        "class.half_plan_saved",
        "class.half_plan_created",
    ]
    # A second plan of the same institution reuses the projects.
    approved_plan(base_admin, zhejiang_admin, p004, line(60 + 183))
    assert Project.objects.filter(programme=p004, base=base_admin.org).count() == 2


def test_every_bad_line_is_named_with_its_row_and_nothing_is_saved(base_admin, p004):
    plan = new_plan(base_admin, p004)
    first, last = plan.period
    lines = [
        line(60),
        line(60, days=10),  # 二级: nine days
        line(60, capacity=31),
        line(60, item="l9-c9"),
        {**line(60), "starts_on": last + timedelta(days=1), "ends_on": last + timedelta(days=9)},
        line(60, enrolls_from=" "),
    ]
    with pytest.raises(ValidationError) as refused:
        plans.plan_save_lines(actor=base_admin.user, plan=plan, lines=lines)
    assert refused.value.message_dict["lines"] == [
        "第2行：二级培训时间为 9 天，本班次为 10 天，请调整结业日期。",
        "第3行：每班不超过 30 人（政策规定的班额上限）。",
        "第4行：请选择培训级别及专业大类。",
        f"第5行：开班日期须在{plan.period_label}内（{first}～{last}）。",
        "第6行：请填写招生范围，如 全省技工院校。",
    ]
    assert not HalfYearPlanLine.objects.exists()


def test_a_returned_plan_keeps_the_reason_is_changed_and_submitted_again(
    base_admin, zhejiang_admin, p004
):
    plan = new_plan(base_admin, p004)
    with pytest.raises(PlanEmpty):
        plans.plan_submit(actor=base_admin.user, plan=plan)
    plans.plan_save_lines(actor=base_admin.user, plan=plan, lines=[line(60)])
    plans.plan_submit(actor=base_admin.user, plan=plan)
    with pytest.raises(InvalidTransition, match="待省级审核"):
        plans.plan_save_lines(actor=base_admin.user, plan=plan, lines=[line(61)])
    with pytest.raises(ReasonRequired):
        plans.plan_decide(actor=zhejiang_admin.user, plan=plan, approve=False)
    plans.plan_decide(actor=zhejiang_admin.user, plan=plan, approve=False, reason="请补充招生范围")
    assert HalfYearPlan.objects.get(pk=plan.pk).status_reason == "请补充招生范围"
    assert not TrainingClass.objects.exists()
    plans.plan_save_lines(actor=base_admin.user, plan=plan, lines=[line(60), line(70)])
    plans.plan_submit(actor=base_admin.user, plan=plan)
    plans.plan_decide(actor=zhejiang_admin.user, plan=plan, approve=True)
    assert TrainingClass.objects.filter(plan_line__plan=plan).count() == 2


def test_one_plan_per_institution_and_half_year(base_admin, p004):
    new_plan(base_admin, p004)
    with pytest.raises(PlanExists, match="杭州职业技术学院已有"):
        new_plan(base_admin, p004)


def test_a_programme_without_half_year_plans_takes_none(base_admin, programme):
    with pytest.raises(StepNotUsed, match="不经过“半年培训计划”环节"):
        new_plan(base_admin, programme)


def test_another_province_neither_sees_nor_decides_a_plan(
    base_admin, jiangsu_admin, zhejiang_admin, p004
):
    plan = new_plan(base_admin, p004)
    plans.plan_save_lines(actor=base_admin.user, plan=plan, lines=[line(60)])
    plans.plan_submit(actor=base_admin.user, plan=plan)
    with pytest.raises(NotFound):
        plans.plan_get(user=jiangsu_admin.user, pk=plan.pk)
    with pytest.raises(NotPermitted):
        plans.plan_decide(actor=jiangsu_admin.user, plan=plan, approve=True)
    assert plans.plan_get(user=zhejiang_admin.user, pk=plan.pk) == plan


def test_the_execution_rate_is_planned_classes_against_those_that_ran(
    base_admin, zhejiang_admin, national_admin, p004, tree
):
    plan = approved_plan(base_admin, zhejiang_admin, p004, line(60), line(70))
    first, second = TrainingClass.objects.filter(plan_line__plan=plan).order_by("starts_on")
    TrainingClass.objects.filter(pk=first.pk).update(status=TrainingClass.Status.RUNNING)
    TrainingClass.objects.filter(pk=second.pk).update(status=TrainingClass.Status.CANCELLED)

    report = plans.plan_execution(user=zhejiang_admin.user, programme=p004, year=plan.year)
    assert [(e.name, e.planned, e.ran, e.rate) for e in report.institutions] == [
        ("杭州职业技术学院", 2, 1, 50)
    ]
    assert [(e.name, e.planned, e.ran) for e in report.provinces] == [("浙江省", 2, 1)]
    assert str(report.total.rate) == "50.0"
    assert (
        plans.plan_execution(
            user=zhejiang_admin.user, programme=p004, year=plan.year, half=3 - plan.half
        ).total.rate
        is None
    )
    # The class going on to close still counts as run.
    TrainingClass.objects.filter(pk=first.pk).update(status=TrainingClass.Status.CLOSED)
    assert (
        plans.plan_execution(user=national_admin.user, programme=p004, year=plan.year).total.ran
        == 1
    )
