"""Enrollment into a class (issue 16): an item whose approval chain ends at the base takes
enrollments only into one of its open classes, with the programme's application form (notice
004: 参训申请表, 附件1); each bad input is refused in Chinese and changes nothing."""

from typing import Any

import pytest

from shipei.accounts.models import Role
from shipei.classes.models import TrainingClass
from shipei.enrollment import services
from shipei.enrollment.errors import ApplicationIncomplete, ClassFull, NotEligible
from shipei.enrollment.models import Application, Enrollment
from shipei.enrollment.tests.class_enrollment import (
    World,
    answers,
    enrolling_class,
    programme_004,
)
from shipei.enrollment.tests.conftest import holder
from shipei.presets.loader import preset_data
from shipei.programmes import chains
from shipei.programmes.policy import parse_policy

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(tree: dict[str, Any]) -> World:
    return World(tree)


def nothing_written(world: World) -> None:
    assert not Enrollment.objects.exists()
    assert not Application.objects.exists()
    world.training_class.refresh_from_db()
    assert world.training_class.seats_taken == 0


def test_a_self_registration_into_a_class_waits_at_the_unit_then_the_base_which_admits_it(world):
    enrollment = world.apply()
    assert enrollment.status == Enrollment.Status.SUBMITTED and enrollment.step == 0
    assert enrollment.base == world.base  # the class's project names the base of step 2
    assert enrollment.application.answers["needs"].startswith("希望多安排")
    assert enrollment.application.signed_at is not None
    services.enrollment_decide(actor=world.coordinator, enrollment=enrollment, decision="approve")
    enrollment.refresh_from_db()
    assert enrollment.step == 1  # the base's step: no longer stranded
    services.enrollment_decide(actor=world.base_admin, enrollment=enrollment, decision="approve")
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.ADMITTED
    world.training_class.refresh_from_db()
    assert world.training_class.seats_taken == 1


def test_an_item_whose_chain_ends_at_the_base_refuses_an_enrollment_without_a_class(world):
    with pytest.raises(NotEligible, match="请选择要报名的项目班次"):
        world.apply(training_class=None)
    nothing_written(world)


def test_a_full_class_is_refused_with_its_capacity_and_nothing_changes(world):
    TrainingClass.objects.filter(pk=world.training_class.pk).update(capacity=1, seats_taken=1)
    world.training_class.refresh_from_db()
    with pytest.raises(ClassFull, match="已满（1 人）"):
        world.apply()
    assert not Enrollment.objects.exists() and not Application.objects.exists()


def test_a_class_not_yet_enrolling_is_refused(world):
    TrainingClass.objects.filter(pk=world.training_class.pk).update(
        status=TrainingClass.Status.PLAN_APPROVED
    )
    world.training_class.refresh_from_db()
    with pytest.raises(NotEligible, match="当前为“省级审核通过”，不接受报名"):
        world.apply()
    nothing_written(world)


def test_a_class_of_another_level_or_category_is_refused(world):
    other = enrolling_class(world.programme, world.base_admin, world.base, item="l3-c1")
    with pytest.raises(NotEligible, match="所选班次不属于该培训项目"):
        world.apply(training_class=other)
    assert not Enrollment.objects.exists()


def test_a_forged_class_of_another_programme_is_refused(world):
    other_programme = programme_004("c004b")
    other = enrolling_class(other_programme, world.base_admin, world.base)
    with pytest.raises(NotEligible, match="所选班次不属于该培训项目"):
        world.apply(training_class=other)
    assert not Enrollment.objects.exists()


def test_a_class_of_a_programme_for_another_province_is_refused(world, tree):
    programme = programme_004("c004js", owner=tree["js"])
    js_class = enrolling_class(programme, world.base_admin, world.base)
    with pytest.raises(NotEligible, match="只接受其所辖地区的教师（杭州技师学院不在其中）"):
        world.apply(programme=programme, training_class=js_class)
    assert not Enrollment.objects.exists()


def test_missing_required_answers_are_refused_by_question_and_nothing_changes(world):
    incomplete = answers(needs="  ", declaration=False)
    del incomplete["education"]
    incomplete["self_assessment_l2"] = {}
    with pytest.raises(ApplicationIncomplete) as refused:
        world.apply(answers=incomplete)
    problems = refused.value.problems
    assert set(problems) == {"needs", "education", "self_assessment_l2", "declaration"}
    assert "请填写“20.请写明您对本次培训在教学和保障方面的需求”" in refused.value.message
    assert "请阅读并勾选申请人声明" in refused.value.message
    assert "每一项作出评价" in problems["self_assessment_l2"]
    nothing_written(world)
    with pytest.raises(ApplicationIncomplete):
        world.apply(answers=None)
    nothing_written(world)


def test_an_answer_outside_its_choices_or_too_long_is_refused(world):
    rows = answers()["self_assessment_l2"]
    bad = answers(
        education="中专",
        ethnicity="汉" * 21,
        self_assessment_l2={**rows, next(iter(rows)): "优秀"},
    )
    with pytest.raises(ApplicationIncomplete) as refused:
        world.apply(answers=bad)
    problems = refused.value.problems
    assert "只能选 博士、硕士、本科、大专及以下" in problems["education"]
    assert "不能超过 20 字" in problems["ethnicity"]
    assert "评价只能选 较差、一般、较好、很好" in problems["self_assessment_l2"]
    nothing_written(world)


def test_only_the_self_assessment_of_the_level_applied_for_is_asked(world):
    from shipei.enrollment import application

    codes = [f.code for f in application.questions(world.programme, "l2-c1")]
    assert "self_assessment_l2" in codes
    assert "self_assessment_l1" not in codes and "self_assessment_l3" not in codes
    # An answer to another level's questions is not kept.
    enrollment = world.apply(answers={**answers(), "self_assessment_l1": {"x": "很好"}})
    assert "self_assessment_l1" not in enrollment.application.answers


def test_the_004_chain_runs_through_classes_and_a_phase_ending_at_a_base_still_cannot():
    rules = parse_policy(preset_data("mohrss-integrated-teacher-training")["policy"])
    assert chains.unrunnable(rules) == []
    assert chains.enrolls_into_class(rules, "l2-c1")
    data = preset_data("mohrss-integrated-teacher-training")["policy"]
    data = {**data, "items": [{"code": "p1", "label": "第一阶段", "kind": "phase"}]}
    problems = chains.unrunnable(parse_policy(data))
    assert problems and "由承训基地办理，但该项目的报名不指定承训基地" in problems[0]


def test_a_programme_without_a_form_takes_a_class_enrollment_without_answers(
    world, tree: dict[str, Any]
):
    programme = programme_004("c004plain")
    data = programme.policy
    programme.policy = {**data, "enrollment": {**data["enrollment"], "application_form": None}}
    programme.save(update_fields=["policy"])
    programme = type(programme).objects.get(pk=programme.pk)
    plain = enrolling_class(programme, world.base_admin, world.base)
    enrollment = world.apply(programme=programme, training_class=plain, answers=None)
    assert enrollment.status == Enrollment.Status.SUBMITTED
    assert not Application.objects.exists()


def test_saving_the_enrollment_section_in_the_editor_keeps_the_application_form(world, client):
    from shipei.programmes.tests.test_views import _section_post

    national = holder(Role.NATIONAL_ADMIN, world.base.parent.parent.parent)
    client.force_login(national)
    data = _section_post(world.programme, "enrollment")
    assert not any("application_form" in k for k in data)  # not a field of the page
    response = client.post(f"/programmes/{world.programme.pk}/edit/enrollment/", data)
    assert response.status_code == 302, response.content.decode()[-2000:]
    world.programme.refresh_from_db()
    form = world.programme.rules.enrollment.application_form
    assert form is not None and len(form.fields) == 26


def test_a_trainee_admitted_into_a_class_already_running_is_attending_at_once(world):
    from shipei.classes import flow

    enrollment = world.apply()
    services.enrollment_decide(actor=world.coordinator, enrollment=enrollment, decision="approve")
    flow.class_start(actor=world.base_admin, training_class=world.training_class)
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.SUBMITTED  # still waiting at the base

    services.enrollment_decide(actor=world.base_admin, enrollment=enrollment, decision="approve")
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.ATTENDING
    assert list(enrollment.events.order_by("pk").values_list("action", flat=True)) == [
        "submitted",
        "approved",
        "approved",
        "attending",
    ]
