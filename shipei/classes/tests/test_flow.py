"""A class's own lifecycle (notice 004): planned → applied → staffed → plan filed → approved by
the province → recorded by the national centre → enrolling → running → assessing → closed, each
move audited, milestones refused when late unless excepted, and only the class's own
institution, province and centre acting on it."""

import pytest
from django.core.exceptions import ValidationError

from shipei.accounts.models import Role
from shipei.audit.models import AuditEntry
from shipei.classes import flow
from shipei.classes.errors import (
    ExceptionExists,
    MilestonePassed,
    ReasonRequired,
    StepNotUsed,
)
from shipei.classes.models import MilestoneException, TrainingClass
from shipei.classes.tests.conftest import PLAN, approved_plan, day, line, make_004
from shipei.core.errors import InvalidTransition, NotPermitted
from shipei.projects.tests.conftest import make_actor

S = TrainingClass.Status


def test_a_planned_class_runs_through_every_step_to_closed_each_move_audited(
    base_admin, zhejiang_admin, national_admin, planned_class
):
    cls = planned_class
    assert cls.status == S.PLANNED and cls.plan_line is not None
    flow.class_apply(actor=base_admin.user, training_class=cls)
    flow.class_mark_staffed(actor=base_admin.user, training_class=cls)
    flow.class_file_plan(actor=base_admin.user, training_class=cls, **PLAN)
    flow.class_review_plan(actor=zhejiang_admin.user, training_class=cls, approve=True)
    flow.class_record(actor=national_admin.user, training_class=cls)
    flow.class_open_enrollment(actor=base_admin.user, training_class=cls)
    flow.class_start(actor=base_admin.user, training_class=cls)
    flow.class_start_assessment(actor=base_admin.user, training_class=cls)
    flow.class_close(actor=base_admin.user, training_class=cls)

    assert TrainingClass.objects.get(pk=cls.pk).status == S.CLOSED
    moves = list(
        AuditEntry.objects.filter(target_type="classes.trainingclass", target_id=str(cls.pk))
        .order_by("pk")
        .values_list("action", "actor")
    )
    assert moves == [
        ("class.applied", base_admin.user.pk),
        ("class.staffed", base_admin.user.pk),
        ("class.training_plan_filed", base_admin.user.pk),
        ("class.training_plan_approved", zhejiang_admin.user.pk),
        ("class.recorded", national_admin.user.pk),
        ("class.enrollment_opened", base_admin.user.pk),
        ("class.started", base_admin.user.pk),
        ("class.assessment_started", base_admin.user.pk),
        ("class.closed", base_admin.user.pk),
    ]
    assert cls.training_plan.courses.startswith("学习任务分析")


def test_applying_later_than_40_days_before_the_start_is_refused_until_an_admin_excepts_it(
    base_admin, zhejiang_admin, p004
):
    plan = approved_plan(base_admin, zhejiang_admin, p004, line(30))
    cls = TrainingClass.objects.get(plan_line__plan=plan)
    due = day(30 - 40).isoformat()
    with pytest.raises(MilestonePassed) as refused:
        flow.class_apply(actor=base_admin.user, training_class=cls)
    assert refused.value.message.startswith(
        f"开班申请须在开班前 40 天（{due}）前办理，现已过 10 天"
    )
    assert TrainingClass.objects.get(pk=cls.pk).status == S.PLANNED

    with pytest.raises(NotPermitted):  # the institution cannot except itself
        flow.milestone_except(
            actor=base_admin.user, training_class=cls, milestone="class_application", reason="x"
        )
    with pytest.raises(ReasonRequired):
        flow.milestone_except(
            actor=zhejiang_admin.user, training_class=cls, milestone="class_application", reason=""
        )
    flow.milestone_except(
        actor=zhejiang_admin.user,
        training_class=cls,
        milestone="class_application",
        reason="受疫情影响延期报送",
    )
    flow.class_apply(actor=base_admin.user, training_class=cls)

    assert TrainingClass.objects.get(pk=cls.pk).status == S.APPLIED
    granted = MilestoneException.objects.get()
    assert granted.granted_by == zhejiang_admin.user and granted.reason == "受疫情影响延期报送"
    entry = AuditEntry.objects.get(action="class.milestone_excepted")
    assert entry.data == {"milestone": "class_application", "reason": "受疫情影响延期报送"}
    with pytest.raises(ExceptionExists):
        flow.milestone_except(
            actor=zhejiang_admin.user,
            training_class=cls,
            milestone="class_application",
            reason="再",
        )


def test_filing_the_training_plan_later_than_30_days_before_the_start_is_refused(
    base_admin, staffed_class
):
    TrainingClass.objects.filter(pk=staffed_class.pk).update(starts_on=day(25), ends_on=day(33))
    with pytest.raises(MilestonePassed, match="培训方案报备须在开班前 30 天"):
        flow.class_file_plan(actor=base_admin.user, training_class=staffed_class, **PLAN)
    assert TrainingClass.objects.get(pk=staffed_class.pk).status == S.STAFFED
    assert not hasattr(TrainingClass.objects.get(pk=staffed_class.pk), "training_plan")


def test_a_move_the_current_state_does_not_allow_is_refused_naming_the_state(
    base_admin, zhejiang_admin, planned_class
):
    with pytest.raises(InvalidTransition, match="当前状态为“已列入计划”，不能执行此操作"):
        flow.class_file_plan(actor=base_admin.user, training_class=planned_class, **PLAN)
    with pytest.raises(InvalidTransition, match="已列入计划"):
        flow.class_review_plan(
            actor=zhejiang_admin.user, training_class=planned_class, approve=True
        )
    with pytest.raises(InvalidTransition):
        flow.class_start(actor=base_admin.user, training_class=planned_class)
    assert TrainingClass.objects.get(pk=planned_class.pk).status == S.PLANNED


def test_an_institution_acting_on_another_institutions_class_is_refused(tree, planned_class):
    other = make_actor(Role.BASE_ADMIN, tree["nj_school"])
    with pytest.raises(NotPermitted):
        flow.class_apply(actor=other.user, training_class=planned_class)
    with pytest.raises(NotPermitted):
        flow.class_cancel(actor=other.user, training_class=planned_class, reason="误操作")
    assert TrainingClass.objects.get(pk=planned_class.pk).status == S.PLANNED


def test_only_the_institutions_province_reviews_and_only_the_centre_records(
    base_admin, jiangsu_admin, zhejiang_admin, filed_class
):
    with pytest.raises(NotPermitted):
        flow.class_review_plan(actor=jiangsu_admin.user, training_class=filed_class, approve=True)
    with pytest.raises(NotPermitted):
        flow.class_review_plan(actor=base_admin.user, training_class=filed_class, approve=True)
    flow.class_review_plan(actor=zhejiang_admin.user, training_class=filed_class, approve=True)
    with pytest.raises(NotPermitted):
        flow.class_record(actor=zhejiang_admin.user, training_class=filed_class)
    assert TrainingClass.objects.get(pk=filed_class.pk).status == S.PLAN_APPROVED


def test_a_returned_plan_keeps_the_reason_and_is_filed_again(
    base_admin, zhejiang_admin, filed_class
):
    with pytest.raises(ReasonRequired, match="请填写退回的理由"):
        flow.class_review_plan(actor=zhejiang_admin.user, training_class=filed_class, approve=False)
    flow.class_review_plan(
        actor=zhejiang_admin.user,
        training_class=filed_class,
        approve=False,
        reason="考核安排缺少终结性考核评分方式",
    )
    returned = TrainingClass.objects.get(pk=filed_class.pk)
    assert returned.status == S.RETURNED
    assert returned.status_reason == "考核安排缺少终结性考核评分方式"
    flow.class_file_plan(
        actor=base_admin.user, training_class=returned, **{**PLAN, "assessment": "说课，线上评分"}
    )
    again = TrainingClass.objects.get(pk=filed_class.pk)
    assert again.status == S.PLAN_FILED and again.status_reason == ""
    assert again.training_plan.assessment == "说课，线上评分"


def test_a_plan_missing_its_required_parts_is_refused_by_field(base_admin, staffed_class):
    with pytest.raises(ValidationError) as refused:
        flow.class_file_plan(
            actor=base_admin.user, training_class=staffed_class, goals="目标", courses=""
        )
    assert set(refused.value.message_dict) == {"courses", "assessment"}
    assert TrainingClass.objects.get(pk=staffed_class.pk).status == S.STAFFED


def test_a_step_the_programme_does_not_use_is_refused(base_admin, zhejiang_admin, db):
    programme = make_004(
        steps=["semiannual_plan", "application", "plan_filing"],
        milestones_days_before_start={"class_application": 40, "plan_filing": 30},
    )
    plan = approved_plan(base_admin, zhejiang_admin, programme)
    cls = TrainingClass.objects.get(plan_line__plan=plan)
    flow.class_apply(actor=base_admin.user, training_class=cls)
    with pytest.raises(StepNotUsed, match="不经过“骨干教师选聘”环节"):
        flow.class_mark_staffed(actor=base_admin.user, training_class=cls)
    # Without staffing and the province's review, the filed plan opens enrollment next.
    flow.class_file_plan(actor=base_admin.user, training_class=cls, **PLAN)
    flow.class_open_enrollment(actor=base_admin.user, training_class=cls)
    assert TrainingClass.objects.get(pk=cls.pk).status == S.ENROLLING


def test_a_class_is_cancelled_with_a_reason_until_it_runs(base_admin, zhejiang_admin, filed_class):
    with pytest.raises(ReasonRequired):
        flow.class_cancel(actor=base_admin.user, training_class=filed_class, reason=" ")
    flow.class_cancel(actor=zhejiang_admin.user, training_class=filed_class, reason="培训场地改建")
    cancelled = TrainingClass.objects.get(pk=filed_class.pk)
    assert cancelled.status == S.CANCELLED and cancelled.status_reason == "培训场地改建"
    with pytest.raises(InvalidTransition, match="已取消"):
        flow.class_apply(actor=base_admin.user, training_class=cancelled)


def test_a_running_class_cannot_be_cancelled(
    base_admin, zhejiang_admin, national_admin, filed_class
):
    flow.class_review_plan(actor=zhejiang_admin.user, training_class=filed_class, approve=True)
    flow.class_record(actor=national_admin.user, training_class=filed_class)
    flow.class_open_enrollment(actor=base_admin.user, training_class=filed_class)
    flow.class_start(actor=base_admin.user, training_class=filed_class)
    with pytest.raises(InvalidTransition, match="培训中"):
        flow.class_cancel(actor=base_admin.user, training_class=filed_class, reason="人数不足")
