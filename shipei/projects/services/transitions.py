"""The one way a project changes state: its row locked, the move checked and audited."""

from typing import Any

from django.db import OperationalError

from shipei.accounts import scope
from shipei.audit.lifecycle import Lifecycle
from shipei.core.errors import SystemBusy

from ..models import MOVES, Project

# Every state change of a project goes through this one table (models.MOVES), audited.
LIFECYCLE = Lifecycle(MOVES)


def lock(project: Project) -> None:
    """Lock the project's row and read its state afresh: a second click, or another admin at
    the same moment, sees the first one's result."""
    try:
        fresh = Project.objects.select_for_update().get(pk=project.pk)
    except OperationalError:
        raise SystemBusy() from None
    project.status = fresh.status
    project.review_round = fresh.review_round


def require_decide(actor: Any, project: Project) -> None:
    scope.require_programme(actor, "project.decide", project.programme)
