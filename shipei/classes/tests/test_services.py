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
