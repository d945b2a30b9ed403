"""Writes of the project workflow: application, expert review, decision, publication (DOMAIN.md §5).

Every state change goes through ``LIFECYCLE`` (the table ``MOVES`` in models.py); every
function checks the actor, the rule, writes and records the audit entry in one transaction.
The application (``application``), review and decision (``review``), cancelling and running
(``running``); next year's caps as the annual assessment adjusted them (``caps``); attachments: attachments.py.
"""

from .application import (
    EDITABLE_FIELDS,
    REQUIRED_FIELDS,
    project_create,
    project_submit,
    project_update,
    submit_problems,
)
from .caps import base_cap_set
from .review import (
    DECISIONS,
    project_assign_experts,
    project_decide,
    project_publish,
    project_publish_batch,
    review_submit,
)
from .running import may_run, project_advance, project_cancel, project_for_classes
from .transitions import LIFECYCLE, lock

__all__ = [
    "DECISIONS",
    "EDITABLE_FIELDS",
    "LIFECYCLE",
    "REQUIRED_FIELDS",
    "base_cap_set",
    "lock",
    "may_run",
    "project_advance",
    "project_assign_experts",
    "project_cancel",
    "project_create",
    "project_decide",
    "project_for_classes",
    "project_publish",
    "project_publish_batch",
    "project_submit",
    "project_update",
    "review_submit",
    "submit_problems",
]
