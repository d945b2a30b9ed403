"""Milestones counted back from a class's start: the next one and the days left, and a reminder
to the institution from three days before, once."""

import datetime

import pytest
from django.utils import timezone

from shipei.classes import flow
from shipei.classes.errors import MilestonePassed
from shipei.classes.milestones import milestone_require, next_milestone, remind_class_milestones
from shipei.classes.models import TrainingClass
from shipei.classes.tests.conftest import approved_plan, day, line
from shipei.notifications.models import Notification


def test_each_state_faces_its_next_milestone_with_the_days_left(planned_class, base_admin):
    found = next_milestone(planned_class)
    assert (found.label, found.due, found.left, found.text) == (
        "开班申请",
        day(20),
        20,
        "还剩 20 天",
    )
    flow.class_apply(actor=base_admin.user, training_class=planned_class)
    found = next_milestone(planned_class)
    assert (found.code, found.left) == ("core_teacher_recommendation", 25)
    flow.class_mark_staffed(actor=base_admin.user, training_class=planned_class)
    found = next_milestone(planned_class, today=day(31))
    assert (found.label, found.text, found.css) == ("培训方案报备", "已过 1 天", "sp-badge-off")


def test_the_staffing_milestone_is_there_for_the_staffing_app_to_ask(applied_class):
    milestone_require(applied_class, "core_teacher_recommendation", today=day(25))
    with pytest.raises(MilestonePassed, match="推荐并邀请骨干教师须在开班前 35 天"):
        milestone_require(applied_class, "core_teacher_recommendation", today=day(27))


def test_the_institution_is_reminded_once_three_days_before_a_milestone(
    base_admin, zhejiang_admin, p004, tree
):
    approved_plan(base_admin, zhejiang_admin, p004, line(43), line(80))
    assert remind_class_milestones() == 1
    assert remind_class_milestones() == 0
    note = Notification.objects.get()
    assert note.user == base_admin.user
    assert "开班申请将于" in note.title and day(3).isoformat() in note.title
    soon = TrainingClass.objects.get(starts_on=day(43))
    assert note.url == soon.get_absolute_url()
    # The far class's turn comes three days before its own milestone.
    later = timezone.now() + datetime.timedelta(days=37)
    assert remind_class_milestones(now=later) == 1


def test_a_class_excepted_from_its_milestone_is_not_reminded(base_admin, zhejiang_admin, p004):
    plan = approved_plan(base_admin, zhejiang_admin, p004, line(41))
    cls = TrainingClass.objects.get(plan_line__plan=plan)
    flow.milestone_except(
        actor=zhejiang_admin.user, training_class=cls, milestone="class_application", reason="延期"
    )
    assert remind_class_milestones() == 0
