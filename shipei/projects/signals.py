"""What projects tell the apps built on them, which projects may not import."""

from django.dispatch import Signal

# Sent inside the cancelling transaction, with actor, project and reason: whatever hangs on the
# project (its enrollments and their seats) ends with it, or the cancellation fails as a whole.
project_cancelled = Signal()
