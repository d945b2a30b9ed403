"""The lifecycle helper: a move the table allows is saved and audited; any other is refused
with the current state in words, and nothing changes."""

import pytest

from shipei.audit.lifecycle import Lifecycle
from shipei.audit.models import AuditEntry
from shipei.core.errors import InvalidTransition
from shipei.projects.models import MOVES, Project
from shipei.projects.tests.conftest import make_programme

pytestmark = pytest.mark.django_db


def test_an_allowed_move_is_saved_with_its_fields_and_audited(base_admin, tree):
    project = Project.objects.create(
        programme=make_programme(), base=tree["hz_base"], item="dual_teacher_base", title="研修"
    )
    project.status_reason = "材料齐全"
    Lifecycle(MOVES).move(
        project,
        Project.Status.SUBMITTED,
        actor=base_admin.user,
        action="project.submitted",
        org=project.base,
        fields=["status_reason"],
        classes=1,
    )

    project.refresh_from_db()
    assert (project.status, project.status_reason) == ("submitted", "材料齐全")
    entry = AuditEntry.objects.get(action="project.submitted")
    assert entry.actor == base_admin.user and entry.data == {"classes": 1}


def test_a_move_the_table_does_not_allow_is_refused_and_changes_nothing(base_admin, tree):
    project = Project.objects.create(
        programme=make_programme(), base=tree["hz_base"], item="dual_teacher_base", title="研修"
    )

    with pytest.raises(InvalidTransition, match="草稿"):
        Lifecycle(MOVES).move(
            project, Project.Status.PUBLISHED, actor=base_admin.user, action="project.published"
        )

    project.refresh_from_db()
    assert project.status == Project.Status.DRAFT
    assert not AuditEntry.objects.filter(action="project.published").exists()


def test_the_states_leading_to_a_state_are_read_from_the_table() -> None:
    lifecycle = Lifecycle({"a": {"b", "c"}, "b": {"c"}, "c": set()})
    assert lifecycle.leading_to("c") == {"a", "b"}
    assert lifecycle.leading_to("a") == frozenset()
