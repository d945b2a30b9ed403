"""What projects tell the apps built on them, which projects may not import."""

from django.dispatch import Signal

# Sent inside the cancelling transaction, with actor, project and reason: whatever hangs on the
# project (its enrollments and their seats) ends with it, or the cancellation fails as a whole.
project_cancelled = Signal()

# Sent inside the transaction that moved a project run without a class lifecycle (002, 003)
# to running, with actor and project: its admitted trainees are now in the training.
project_started = Signal()

# Sent inside the transaction that moved such a project to completed, with actor and project:
# its trainees have completed the training or not (passed or failed).
project_completed = Signal()
