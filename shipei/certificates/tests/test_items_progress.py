"""Items run without classes or projects (notice 000's phases, learned on-line) move by their
training window: admitted trainees are 参训中 once it opens, and 已结业 or 未结业 once it has
closed, by the same rule as a class's close; the schedule runs it, the system acting."""

import copy
import datetime
from typing import Any

import pytest
from django.utils import timezone

from shipei.accounts.tests.factories import PersonFactory
from shipei.assessment.models import Attempt
from shipei.audit.models import AuditEntry
from shipei.certificates import completion
from shipei.classes.models import TrainingClass
from shipei.enrollment import training
from shipei.enrollment.models import Enrollment
from shipei.presets.loader import preset_data
from shipei.programmes.models import Programme
from shipei.projects.models import Project

from .conftest import P000, admit

pytestmark = pytest.mark.django_db
S = Enrollment.Status


def programme_training(opens: int, closes: int) -> Programme:
    """Notice 000 with phase 1's training window from `opens` to `closes` days from today."""
    data = copy.deepcopy(preset_data(P000))
    today = timezone.localdate()
    for item in data["policy"]["items"]:
        if item["code"] == "p1":
            item["training"] = {
                "opens": (today + datetime.timedelta(days=opens)).isoformat(),
                "closes": (today + datetime.timedelta(days=closes)).isoformat(),
            }
    return Programme.objects.create(
        code="t000", title=data["title"], year=data.get("year"), issuer=data["issuer"],
        policy=data["policy"],
    )  # fmt: skip


def trainee(programme: Programme, tree: dict[str, Any], status: str = S.ADMITTED) -> Enrollment:
    return admit(programme, "p1", PersonFactory(org=tree["hz_school"]), status=status)


def status(e: Enrollment) -> str:
    return Enrollment.objects.get(pk=e.pk).status


def actions(e: Enrollment) -> list[str]:
    return list(e.events.order_by("pk").values_list("action", flat=True))


def test_once_the_window_opens_the_admitted_trainees_are_attending(tree):
    programme = programme_training(opens=-1, closes=5)
    admitted, waiting = trainee(programme, tree), trainee(programme, tree, S.SUBMITTED)

    assert completion.items_progress() == {"attending": 1, "passed": 0, "failed": 0}

    assert (status(admitted), status(waiting)) == (S.ATTENDING, S.SUBMITTED)
    assert actions(admitted) == ["attending"]
    entry = AuditEntry.objects.get(action="enrollment.attending", target_id=str(admitted.pk))
    assert entry.actor is None  # the system: the calendar moved it
    assert training.under_way(Enrollment.objects.get(pk=admitted.pk))
    # Nothing more to do until the window closes.
    assert completion.items_progress() == {"attending": 0, "passed": 0, "failed": 0}


def test_before_the_window_opens_nothing_moves(tree):
    programme = programme_training(opens=3, closes=10)
    admitted = trainee(programme, tree)

    assert training.items_due(timezone.now()) == []
    completion.items_progress()
    assert status(admitted) == S.ADMITTED
    assert not training.under_way(admitted)


def test_once_the_window_closed_each_trainee_is_completed_by_the_assessment(tree):
    programme = programme_training(opens=-20, closes=-2)
    wrote, silent = trainee(programme, tree, S.ATTENDING), trainee(programme, tree)
    Attempt.objects.create(
        enrollment=wrote, component="essay", number=1, status=Attempt.Status.PASSED, score=85
    )
    # Taken into a project, the project's completion decides, not the item's window.
    project = Project.objects.create(
        programme=programme, item="p1", base=tree["hz_base"], title="在线研修",
        status=Project.Status.RUNNING,
    )  # fmt: skip
    in_project = admit(programme, "p1", PersonFactory(org=tree["hz_school"]), project=project)

    counts = completion.items_progress()

    # The project's trainee is attending (its project runs), not completed.
    assert counts == {"attending": 1, "passed": 1, "failed": 1}
    assert status(wrote) == S.PASSED and actions(wrote) == ["passed"]
    failed = Enrollment.objects.get(pk=silent.pk)
    assert failed.status == S.FAILED and "结业考核未全部合格" in failed.reason
    assert actions(silent) == ["attending", "failed"]  # still admitted: attended it first
    assert status(in_project) == S.ATTENDING
    assert completion.items_progress() == {"attending": 0, "passed": 0, "failed": 0}


def test_an_admitted_trainee_of_a_class_already_running_is_attending_at_the_next_run(tree):
    """Written before trainees moved on a start (or by a path that wrote the row alone): the
    schedule finds them; those of a class not yet started stay admitted."""
    from .conftest import make_class

    c = make_class(tree, n=1)
    TrainingClass.objects.filter(pk=c.klass.pk).update(status=TrainingClass.Status.RUNNING)
    later = make_class(tree, n=1, code="c004b")
    TrainingClass.objects.filter(pk=later.klass.pk).update(status=TrainingClass.Status.ENROLLING)

    assert completion.items_progress()["attending"] == 1

    assert status(c.enrollments[0]) == S.ATTENDING
    assert status(later.enrollments[0]) == S.ADMITTED


def test_a_window_closed_long_ago_ends_nothing_by_itself(tree):
    """Trainees left from before the schedule did this are not all failed at once."""
    programme = programme_training(opens=-90, closes=-60)
    admitted = trainee(programme, tree)

    assert training.items_due(timezone.now()) == []
    completion.items_progress()
    assert status(admitted) == S.ADMITTED
