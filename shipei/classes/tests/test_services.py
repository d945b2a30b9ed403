"""Classes of a project being applied for: dates in order, at least one seat, the policy's
class size; numbers stay 1, 2, 3 when one is removed."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from shipei.classes import services as class_services
from shipei.classes.errors import ProjectLocked
from shipei.classes.models import TrainingClass
from shipei.projects.tests.conftest import a_class, make_programme, make_project


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"ends_on": timezone.localdate()}, "结业日期不能早于开班日期"),
        ({"capacity": 0}, "计划人数至少为 1 人"),
    ],
)
def test_class_with_bad_dates_or_size_is_refused(base_admin, draft, change, message):
    with pytest.raises(ValidationError, match=message):
        class_services.class_add(actor=base_admin.user, project=draft, **a_class(40, **change))
    assert draft.classes.count() == 1


def test_class_larger_than_the_policy_class_size_is_refused(base_admin, designated):
    programme = make_programme(classes={"max_size": 30})
    project = make_project(base_admin, programme, n_classes=0)

    with pytest.raises(ValidationError, match="每班不超过 30 人"):
        class_services.class_add(actor=base_admin.user, project=project, **a_class(capacity=31))
    assert not TrainingClass.objects.exists()


def test_removing_a_class_renumbers_the_later_ones(base_admin, programme, designated):
    project = make_project(base_admin, programme, n_classes=3)
    class_services.class_remove(actor=base_admin.user, training_class=project.classes.get(seq=1))

    assert list(project.classes.values_list("seq", flat=True).order_by("seq")) == [1, 2]


def test_classes_of_a_submitted_project_are_frozen(base_admin, submitted):
    with pytest.raises(ProjectLocked):
        class_services.class_update(
            actor=base_admin.user, training_class=submitted.classes.get(), capacity=10
        )
    assert submitted.classes.get().capacity == 50


def test_a_class_longer_than_its_level_allows_is_refused_when_planned_applied_for_or_changed(
    base_admin, applied_class, p004
):
    """Notice 004: 一级 8 days, 二级 9, 三级 7 (policy classes.length_days, by the level)."""
    from shipei.classes import amendments, flow, plans
    from shipei.classes.tests.conftest import day, half_of, line

    year, half = half_of(day(243))
    plan = plans.plan_create(
        actor=base_admin.user, programme=p004, institution=base_admin.org, year=year, half=half
    )
    for item, days, level in (("l1-c1", 9, "一级"), ("l2-c1", 10, "二级"), ("l3-c1", 8, "三级")):
        with pytest.raises(ValidationError, match=f"{level}培训时间为 {days - 1} 天"):
            plans.plan_save_lines(
                actor=base_admin.user, plan=plan, lines=[line(243, item=item, days=days)]
            )
        plans.plan_save_lines(
            actor=base_admin.user, plan=plan, lines=[line(243, item=item, days=days - 1)]
        )
    with pytest.raises(ValidationError, match="一级培训时间为 8 天，本班次为 9 天"):
        flow.class_apply_unplanned(
            actor=base_admin.user,
            programme=p004,
            institution=base_admin.org,
            item="l1-c2",
            reason="新增",
            starts_on=day(60),
            ends_on=day(68),
            capacity=20,
        )
    with pytest.raises(ValidationError, match="二级培训时间为 9 天，本班次为 11 天"):
        amendments.amendment_request(
            actor=base_admin.user,
            training_class=applied_class,
            reason="延长",
            ends_on=applied_class.starts_on + timezone.timedelta(days=10),
        )
    assert TrainingClass.objects.count() == 1 and applied_class.amendments.count() == 0
