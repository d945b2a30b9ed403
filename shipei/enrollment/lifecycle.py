"""The moves an enrollment's status may make (DOMAIN.md §5), in one table: submitted, through
the programme's chain (the step moves, the status stays), to admitted, then attending and
passed or failed (and over again by a later result); returned for changes, rejected,
withdrawn, no-show; waitlisted while seats are gone. Attending, passed and failed follow the
class (or project) starting and ending (``training``). Every status change goes through
``LIFECYCLE``; its audit entry is the enrollment's event (events.record_event), written beside
it."""

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
    # Not come after all, found out once the class began (its trainees are then attending).
    Status.ATTENDING: {Status.PASSED, Status.FAILED, Status.NO_SHOW},
    # A result decided after the training ended: a retake passed, a score corrected.
    Status.PASSED: {Status.FAILED},
    Status.FAILED: {Status.PASSED},
}
LIFECYCLE = Lifecycle(MOVES)
# What a teacher (or whoever enrolled them) may still withdraw from.
WITHDRAWABLE = LIFECYCLE.leading_to(Status.WITHDRAWN)
# Who may be marked 未报到: admitted, or attending a class that has begun (who has not come
# shows in its first days).
NO_SHOW_FROM = LIFECYCLE.leading_to(Status.NO_SHOW)


def move(enrollment: Enrollment, to: str) -> None:
    """Check the move against the table and set it; the caller saves the enrollment with the
    rest of what changed, and has written the event that records it."""
    LIFECYCLE.move(enrollment, to, actor=None, action=None, save=False)
