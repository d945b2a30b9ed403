"""A person asked into a class (applying, or admitted by the last step) must be free at its
sessions: enrollment sits below the schedule and asks through its class-check registry
(``enrollment.checks.register_class_check``, registered in ``apps``)."""

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from shipei.accounts.models import Person
from shipei.classes.models import TrainingClass
from shipei.core.errors import DomainError
from shipei.enrollment.models import Enrollment
from shipei.projects.models import Project

from .errors import ClassClash, DaysClash
from .models import Session
from .services import span_text

GONE = (TrainingClass.Status.CANCELLED,)


def _other_classes(person: Person, training_class: TrainingClass) -> Any:
    """The other classes the person is live in (applied, admitted, attending, assessed)."""
    return (
        Enrollment.objects.filter(person=person, live=True, training_class__isnull=False)
        .exclude(training_class=training_class)
        .exclude(training_class__status__in=GONE)
        .values("training_class_id")
    )


def session_clash(person: Person, training_class: TrainingClass) -> DomainError | None:
    """The first session of the class that overlaps one the person attends in another class
    or teaches."""
    mine = list(training_class.sessions.exclude(kind=Session.Kind.SELF_PACED).order_by("starts_at"))
    if not mine:
        return None
    taught = Session.staff.through.objects.filter(person=person).values("session_id")
    others = list(
        Session.objects.exclude(kind=Session.Kind.SELF_PACED)
        .exclude(training_class=training_class)
        .exclude(training_class__status__in=GONE)
        .filter(
            Q(training_class__in=_other_classes(person, training_class)) | Q(pk__in=taught),
            starts_at__lt=max(s.ends_at for s in mine),
            ends_at__gt=min(s.starts_at for s in mine),
        )
        .select_related("training_class__project")
        .order_by("starts_at", "pk")
    )
    taught_ids = set(taught.values_list("session_id", flat=True)) if others else set()
    for this in mine:
        other = next(
            (o for o in others if o.starts_at < this.ends_at and this.starts_at < o.ends_at), None
        )
        if other is not None:
            return ClassClash(
                name=person.name,
                where=str(other.training_class),
                role=_("讲授") if other.pk in taught_ids else _("参加"),
                other=other.title,
                when=span_text(other.starts_at, other.ends_at),
                this=this.title,
                this_when=span_text(this.starts_at, this.ends_at),
            )
    return None


def days_clash(person: Person, training_class: TrainingClass) -> DomainError | None:
    """Another off-line class of the person on some of the same days (checked whether or not
    either has sessions yet)."""
    if training_class.project.mode != Project.Mode.OFFLINE:
        return None
    other = (
        TrainingClass.objects.filter(
            pk__in=_other_classes(person, training_class),
            project__mode=Project.Mode.OFFLINE,
            starts_on__lte=training_class.ends_on,
            ends_on__gte=training_class.starts_on,
        )
        .select_related("project")
        .order_by("starts_on", "pk")
        .first()
    )
    if other is None:
        return None
    return DaysClash(
        name=person.name,
        where=str(other),
        first=other.starts_on.isoformat(),
        last=other.ends_on.isoformat(),
        this_first=training_class.starts_on.isoformat(),
        this_last=training_class.ends_on.isoformat(),
    )
