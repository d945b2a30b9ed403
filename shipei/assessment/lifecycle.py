"""An attempt's moves (DOMAIN.md §5): open -> passed | failed once every required scorer has
submitted (or the test is handed in); an admin's audited correction of a score may turn a
result over. A retry is a new attempt, never a move back to open."""

from typing import Any

from shipei.audit.lifecycle import Lifecycle

from .models import Attempt
from .signals import attempt_decided

S = Attempt.Status

MOVES = {
    S.OPEN: {S.PASSED, S.FAILED},
    S.PASSED: {S.FAILED},  # by a correction only
    S.FAILED: {S.PASSED},  # by a correction only
}
LIFECYCLE = Lifecycle(MOVES)


def decide(attempt: Attempt, to: str, *, actor: Any, **data: Any) -> None:
    """Move the attempt to its result, saving its score and time, with the audit entry
    (``assessment.passed`` / ``assessment.failed``)."""
    LIFECYCLE.move(
        attempt,
        to,
        actor=actor,
        action=f"assessment.{to}",
        org=attempt.enrollment.base,
        fields=["score", "decided_at"],
        component=attempt.component,
        number=attempt.number,
        score=str(attempt.score),
        **data,
    )
    attempt_decided.send(sender=Attempt, actor=actor, attempt=attempt)
