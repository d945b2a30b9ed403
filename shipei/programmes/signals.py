"""What programmes tell the apps built on them, which programmes may not import."""

from django.dispatch import Signal

# Sent inside the cloning transaction, with actor, source, clone and ``copy_quotas`` (None, or
# the percentage of last year's seats to give): quotas copies the old table, or the clone
# fails as a whole.
programme_cloned = Signal()
