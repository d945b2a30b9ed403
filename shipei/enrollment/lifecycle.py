"""The moves an enrollment's status may make (DOMAIN.md §5), in one table: submitted, through
the programme's chain (the step moves, the status stays), to admitted, then attending and
passed or failed; returned for changes, rejected, withdrawn, no-show; waitlisted while seats
are gone. Every status change goes through ``LIFECYCLE``; its audit entry is the enrollment's
event (events.record_event), written beside it."""

from shipei.audit.lifecycle import Lifecycle

from .models import Enrollment

Status = Enrollment.Status

MOVES = {
    Status.SUBMITTED: {
        Status.ADMITTED,
        Status.RETURNED,
        Status.REJECTED,
        Status.WITHDRAWN,
        Status.WAITLISTED,
    },
    Status.RETURNED: {Status.SUBMITTED, Status.WITHDRAWN},
    Status.WAITLISTED: {Status.SUBMITTED, Status.WITHDRAWN},
    Status.ADMITTED: {Status.ATTENDING, Status.NO_SHOW, Status.WITHDRAWN},
    Status.ATTENDING: {Status.PASSED, Status.FAILED},
}
LIFECYCLE = Lifecycle(MOVES)
# What a teacher (or whoever enrolled them) may still withdraw from.
WITHDRAWABLE = LIFECYCLE.leading_to(Status.WITHDRAWN)


def move(enrollment: Enrollment, to: str) -> None:
    """Check the move against the table and set it; the caller saves the enrollment with the
    rest of what changed, and has written the event that records it."""
    LIFECYCLE.move(enrollment, to, actor=None, action=None, save=False)
