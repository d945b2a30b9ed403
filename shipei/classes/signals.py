"""What classes tell the apps built on them, which classes may not import."""

from django.dispatch import Signal

# Sent inside the transaction that moved a class's dates (a change approved by the province,
# or an edit before publication), with actor, training_class and before (the old starts_on,
# ends_on): whatever holds the old dates (core teachers' invitations) moves with it, or the
# change fails as a whole.
class_dates_changed = Signal()

# Sent inside the transaction that started a class (→ running), with actor and training_class:
# its admitted trainees are now in the training (enrollment moves them to attending).
class_started = Signal()

# Sent inside the transaction that closed a class (→ closed), with actor and training_class:
# its trainees have completed the training or not (certificates, which can see the
# assessment and the hours, moves them to passed or failed).
class_closed = Signal()
