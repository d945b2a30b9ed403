"""What classes tell the apps built on them, which classes may not import."""

from django.dispatch import Signal

# Sent inside the transaction that moved a class's dates (a change approved by the province,
# or an edit before publication), with actor, training_class and before (the old starts_on,
# ends_on): whatever holds the old dates (core teachers' invitations) moves with it, or the
# change fails as a whole.
class_dates_changed = Signal()
