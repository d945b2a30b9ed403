"""Class hours (学时): what a trainee must reach and what they have so far, and the content
shares of a class's schedule and its project's resource package, all from the programme's
policy (``content``; an item's own ``content`` and ``hours`` before the programme's).

Hours so far come from sources: self-paced learning here (minutes watched over the policy's
``minutes_per_hour``); the attendance app, above this one, registers the hours of sessions
attended (``register_source``).
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from typing import Any

from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from shipei.classes.models import TrainingClass
from shipei.enrollment.models import Enrollment

from .models import Progress, Resource, Session

TENTH = Decimal("0.1")


def content_rules(project: Any) -> Any:
    return project.programme.rules.content_for(project.item)


def minutes_to_hours(minutes: Decimal, minutes_per_hour: int) -> Decimal:
    """Whole tenths of a class hour: 44 minutes at 45 a 学时 are 0.9, never rounded up."""
    return (minutes / minutes_per_hour).quantize(TENTH, rounding=ROUND_DOWN)


def watched_minutes(enrollment: Enrollment) -> Decimal:
    seconds = Progress.objects.filter(
        enrollment=enrollment, resource__project_id=enrollment.project_id
    ).aggregate(s=Sum("watched_seconds"))["s"]
    return Decimal(seconds or 0) / 60


def learning_hours(enrollment: Enrollment) -> Decimal:
    """Self-paced hours: minutes watched of the project's package, by the policy's rule."""
    if enrollment.project_id is None:
        return Decimal(0)
    rules = content_rules(enrollment.project)
    return minutes_to_hours(watched_minutes(enrollment), rules.minutes_per_hour)


Source = Callable[[Enrollment], Decimal]
_sources: dict[str, tuple[str, Source]] = {"self_paced": (_("线上自学"), learning_hours)}


def register_source(code: str, label: str, source: Source) -> None:
    """Add a source of hours so far (the attendance app: sessions attended)."""
    _sources[code] = (label, source)


def hours_so_far(enrollment: Enrollment) -> list[tuple[str, Decimal]]:
    return [(str(label), source(enrollment)) for label, source in _sources.values()]


def hours_required(enrollment: Enrollment) -> Decimal | None:
    """What the trainee must reach: the item's hours in the policy (a phase's, 10 / 20 / 10),
    else the project's, else the class's scheduled hours; None where nothing says."""
    found = enrollment.programme.rules.inherited(enrollment.item, "hours")
    if found is not None:
        return Decimal(found)
    if enrollment.project_id and enrollment.project.hours is not None:
        return enrollment.project.hours
    if enrollment.training_class_id:
        return scheduled_hours(enrollment.training_class) or None
    return None


def scheduled_hours(training_class: TrainingClass) -> Decimal:
    return training_class.sessions.aggregate(h=Sum("hours"))["h"] or Decimal(0)


# ---- content shares ------------------------------------------------------------------------


@dataclass
class Share:
    label: str
    basis: str  # what the share is of, for people
    part: Decimal
    whole: Decimal
    minimum: Decimal | None

    @property
    def value(self) -> Decimal | None:
        return (self.part / self.whole) if self.whole else None

    @property
    def percent(self) -> str:
        return "--" if self.value is None else f"{self.value * 100:.0f}%"

    @property
    def need(self) -> str:
        return "" if self.minimum is None else f"{self.minimum * 100:.0f}%"

    @property
    def missed(self) -> bool:
        return self.minimum is not None and (self.value is None or self.value < self.minimum)

    @property
    def problem(self) -> str:
        need = self.need
        if self.value is None:
            return _("%(label)s须不少于 %(need)s，%(basis)s尚无内容。") % {
                "label": self.label,
                "need": need,
                "basis": self.basis,
            }
        return _("%(label)s为 %(have)s，不足政策规定的 %(need)s（%(basis)s）。") % {
            "label": self.label,
            "have": self.percent,
            "need": need,
            "basis": self.basis,
        }


def practice_share(training_class: TrainingClass) -> Share:
    """The practice sessions' share of the class's scheduled hours, with the policy's minimum."""
    found = training_class.sessions.aggregate(
        all=Sum("hours"), practice=Sum("hours", filter=Q(kind=Session.Kind.PRACTICE))
    )
    return Share(
        _("实践课程占比"),
        _("按课表学时计"),
        found["practice"] or Decimal(0),
        found["all"] or Decimal(0),
        content_rules(training_class.project).practice_share_min,
    )


def video_share(project: Any) -> Share:
    """The videos' share of the project's resource package by length, with the minimum."""
    found = Resource.objects.filter(project_id=project.pk).aggregate(
        all=Sum("minutes"), video=Sum("minutes", filter=Q(kind=Resource.Kind.VIDEO))
    )
    return Share(
        _("视频资源占比"),
        _("按资源包时长计"),
        Decimal(found["video"] or 0),
        Decimal(found["all"] or 0),
        content_rules(project).video_share_min,
    )


def content_shares(training_class: TrainingClass) -> list[Share]:
    return [practice_share(training_class), video_share(training_class.project)]


def plan_problems(training_class: TrainingClass) -> list[str]:
    """The shares the policy sets that the class misses: its plan cannot be filed so."""
    return [s.problem for s in content_shares(training_class) if s.missed]
