"""What a submission must pass before anything is written, in one place.

The service runs the checks of one submission and raises the first refusal; an import runs them
on every row of its list, together with what only a whole list can be checked for (the same
person twice, more people than seats left), and reports every refusal with its row and column.
What a check needs of the database it reads once per list, not once per row.
"""

import datetime
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.utils import timezone
from django.utils.translation import gettext as _

from shipei.accounts import scope
from shipei.accounts.models import Person
from shipei.classes.models import TrainingClass
from shipei.core.errors import DomainError, NotPermitted
from shipei.programmes.chains import enrolls_into_class
from shipei.programmes.models import Programme
from shipei.projects.models import ENROLLABLE
from shipei.quotas import selectors as quota_selectors

from . import approvals
from .errors import (
    AlreadyEnrolled,
    ChannelNotOpen,
    EnrolledThroughChannel,
    EnrollmentClosed,
    NoQuotaHere,
    NotEligible,
    OnePerProgramme,
    SamePersonTwice,
    SeatsShort,
)
from .models import Enrollment
from .seats import covering
from .terms import eligibility_problems, registration_window, window_text

NOMINATING = frozenset(
    {
        Enrollment.Channel.NOMINATION,
        Enrollment.Channel.SIGNUP_TABLE,
        Enrollment.Channel.COORDINATOR_ENROLLMENT,
    }
)
CHANNEL_LABELS = dict(Enrollment.Channel.choices)


class Refusal(NamedTuple):
    """One reason a submission is refused, and what it is about, for a caller that points at
    the field to fix (an import's column): "channel", "actor", "item", "window", "person"
    (eligibility), "class", "enrolled" (the item already), "programme" (another item of a
    programme that allows one), "duplicate" (earlier in the same list), "quota" (none covers
    the teacher), "seats" (fewer left than the list asks for)."""

    about: str
    error: DomainError | NotPermitted


# ---- what apps above enrollment check of a person in a class --------------------------------

# check(person, training_class) -> the refusal of the person in the class, or None. Apps above
# enrollment (the schedule: no one in two sessions at once) register in their ``ready``; the
# checks run when a person applies to a class and again when the last step admits them.
ClassCheck = Callable[[Person, TrainingClass], DomainError | None]
_class_checks: dict[str, ClassCheck] = {}


def register_class_check(name: str, check: ClassCheck) -> None:
    _class_checks[name] = check


def class_refusal(person: Person, training_class: TrainingClass) -> DomainError | None:
    """The first refusal of a registered check of `person` in `training_class`."""
    for check in _class_checks.values():
        error = check(person, training_class)
        if error is not None:
            return error
    return None


def check_actor(actor: Any, channel: str, person: Person) -> None:
    """A teacher applies for themselves only; a nomination needs the right over their school."""
    if channel == Enrollment.Channel.SELF_REGISTRATION:
        if getattr(actor, "person_id", None) != person.pk:
            raise NotPermitted(_("个人报名只能为本人报名。"))
    elif channel in NOMINATING:
        scope.require(actor, "enrollment.nominate", person.org)


def submission_refusals(
    *,
    actor: Any,
    programme: Programme,
    item: str,
    person: Person,
    channel: str,
    training_class: TrainingClass | None = None,
    now: datetime.datetime | None = None,
    live: Sequence[Enrollment] | None = None,
) -> Iterator[Refusal]:
    """The refusals of one submission, in the order the service checks them, each computed
    only when asked for (the service stops at the first).

    `live` is the person's live enrollments in the programme, where the caller has read them
    (an import, for the whole list at once). Without it, one live enrollment per item is left
    to the table's unique constraint (the INSERT refuses a second one), and one per programme,
    where the policy says so, is read here (the constraint refuses it too, see live_key).
    """
    rules = programme.rules
    try:
        channels = rules.channels_for(item)
    except StopIteration:  # refused below as an item the programme does not have
        channels = rules.enrollment.channels
    if channel not in channels:
        yield Refusal("channel", ChannelNotOpen(channel=CHANNEL_LABELS.get(channel, channel)))
    try:
        check_actor(actor, channel, person)
    except NotPermitted as exc:
        yield Refusal("actor", exc)
    try:
        target = rules.item(item)
    except StopIteration:
        yield Refusal("item", NotEligible(why=_("培训计划中没有该培训项目")))
        return
    window = registration_window(programme, item)
    if window is not None and not window.contains(now or timezone.now()):
        yield Refusal("window", EnrollmentClosed(what=target.label, window=window_text(window)))
    problems = eligibility_problems(
        programme,
        item,
        person,
        project=training_class.project if training_class is not None else None,
        today=timezone.localdate(now) if now else None,
    )
    if problems:
        yield Refusal("person", NotEligible(why="；".join(problems)))
    if training_class is not None:
        project = training_class.project
        if project.programme_id != programme.pk or project.item != item:
            yield Refusal("class", NotEligible(why=_("所选班次不属于该培训项目")))
        elif project.status not in ENROLLABLE:
            why = _("项目“%(title)s”当前为“%(state)s”，不接受报名") % {
                "title": project.title,
                "state": project.get_status_display(),
            }
            yield Refusal("class", NotEligible(why=why))
        elif rules.classes.steps and training_class.status != TrainingClass.Status.ENROLLING:
            # A class with its own lifecycle takes trainees once it opens enrollment (004).
            why = _("班次“%(name)s”当前为“%(state)s”，不接受报名") % {
                "name": training_class,
                "state": training_class.get_status_display(),
            }
            yield Refusal("class", NotEligible(why=why))
        elif (error := class_refusal(person, training_class)) is not None:
            yield Refusal("class", error)
    elif channel == Enrollment.Channel.COORDINATOR_ENROLLMENT or enrolls_into_class(rules, item):
        # The class's project names the base whose step the chain ends at (programmes.chains).
        yield Refusal("class", NotEligible(why=_("请选择要报名的项目班次")))
    refusal = _enrolled(programme, item, person, live)
    if refusal is not None:
        yield refusal


def _enrolled(
    programme: Programme, item: str, person: Person, live: Sequence[Enrollment] | None
) -> Refusal | None:
    rules = programme.rules
    if rules.enrollment.one_active_per == "none":
        return None  # as many live enrollments as the teacher asks for
    one_per_programme = rules.enrollment.one_active_per == "programme"
    if live is None:
        if not one_per_programme:
            return None
        items = list(
            Enrollment.objects.filter(person=person, live=True, programme=programme).values_list(
                "item", flat=True
            )[:1]
        )
        if not items:
            return None
        if items[0] == item:
            return Refusal("enrolled", AlreadyEnrolled(name=person.name, what=_label(rules, item)))
        return Refusal("programme", OnePerProgramme(name=person.name, what=_label(rules, items[0])))
    same = next((e for e in live if e.item == item), None)
    if same is not None:
        channel = CHANNEL_LABELS.get(same.channel, same.channel)
        return Refusal("enrolled", EnrolledThroughChannel(name=person.name, channel=channel))
    if one_per_programme and live:
        return Refusal(
            "programme", OnePerProgramme(name=person.name, what=_label(rules, live[0].item))
        )
    return None


def _label(rules: Any, item: str) -> str:
    try:
        return rules.item(item).label
    except StopIteration:
        return item


def submission_check(**asked: Any) -> None:
    """Raise the first refusal of a submission (``submission_refusals`` takes the same)."""
    for refusal in submission_refusals(**asked):
        raise refusal.error


# ---- a whole list ---------------------------------------------------------------------------


@dataclass
class Asked:
    """One submission of a list: its row, the item, and the person as the import will leave
    them (not yet saved when new: ``pk`` None). `who` tells one person from another across
    the list (the ID number's blind index)."""

    ref: int
    item: str
    person: Person
    who: str


@dataclass
class ListCheck:
    refusals: list[tuple[int, Refusal]]  # (row, refusal), every one of the list
    unchanged: set[int]  # rows enrolled already as asked: the same item through the channel


def list_refusals(
    *,
    actor: Any,
    programme: Programme,
    channel: str,
    asked: Sequence[Asked],
    now: datetime.datetime | None = None,
) -> ListCheck:
    """Every refusal of every submission of a list, as the service would refuse each, and what
    only the whole list shows: the same person twice, and more people for a quota than it has
    seats left (unless the programme keeps a waitlist). A row enrolled already as asked is
    "unchanged", so that the same list imports again without errors or changes."""
    rules = programme.rules
    now = now or timezone.now()
    check = ListCheck(refusals=[], unchanged=set())
    live: dict[int, list[Enrollment]] = {}
    known = [a.person.pk for a in asked if a.person.pk is not None]
    for enrollment in Enrollment.objects.filter(programme=programme, live=True, person__in=known):
        live.setdefault(enrollment.person_id, []).append(enrollment)
    one_per_programme = rules.enrollment.one_active_per == "programme"
    seen: dict[Any, Asked] = {}  # by person (and item, unless one per programme)
    covered: dict[tuple[str, int], Any] = {}
    wanted: dict[int, list[Asked]] = {}
    for one in asked:
        earlier = seen.setdefault(one.who if one_per_programme else (one.who, one.item), one)
        if earlier is not one:
            twice = SamePersonTwice(row=earlier.ref)
            check.refusals.append((one.ref, Refusal("duplicate", twice)))
            continue
        mine = live.get(one.person.pk, []) if one.person.pk is not None else []
        if any(e.item == one.item and e.channel == channel for e in mine):
            check.unchanged.add(one.ref)
            continue
        refusals = list(
            submission_refusals(
                actor=actor,
                programme=programme,
                item=one.item,
                person=one.person,
                channel=channel,
                now=now,
                live=mine,
            )
        )
        if refusals:
            check.refusals += [(one.ref, r) for r in refusals]
            continue
        quota = _covering(covered, programme, one)
        if isinstance(quota, NoQuotaHere):
            check.refusals.append((one.ref, Refusal("quota", quota)))
        elif quota is not None and _seat_taken_on_import(actor, programme, one):
            wanted.setdefault(quota.pk, []).append(one)
    if not rules.enrollment.waitlist:
        check.refusals += _beyond_seats(programme, covered, wanted)
    return check


def _seat_taken_on_import(actor: Any, programme: Programme, one: Asked) -> bool:
    """Whether the row's seat is taken as it is imported: held from submission, or held from
    approval where the import admits at once (no chain, or one step that the importer takes:
    a province importing its own list). Otherwise the last step takes it later."""
    rules = programme.rules
    chain = rules.chain_for(one.item)
    if rules.quota.held_from == "submission" or not chain:
        return True
    if len(chain) > 1:
        return False
    probe = Enrollment(
        programme=programme,
        item=one.item,
        person=one.person,
        org=one.person.org,
        policy_revision=programme.revision,
    )
    return approvals.may_decide(actor, probe)


def _covering(covered: dict[tuple[str, int], Any], programme: Programme, one: Asked) -> Any:
    """The quota covering the teacher (or the refusal NoQuotaHere), once per item and school."""
    key = (one.item, one.person.org_id)
    if key not in covered:
        try:
            covered[key] = covering(
                Enrollment(programme=programme, item=one.item, org=one.person.org)
            )
        except NoQuotaHere as exc:
            covered[key] = exc
    return covered[key]


def _beyond_seats(
    programme: Programme, covered: dict[tuple[str, int], Any], wanted: dict[int, list[Asked]]
) -> list[tuple[int, Refusal]]:
    """The rows past the seats each quota has left, in the list's order."""
    if not wanted:
        return []
    quotas = {q.pk: q for q in covered.values() if q is not None and not isinstance(q, Exception)}
    free = quota_selectors.seats_free(list(wanted))
    refusals = []
    for pk, rows in wanted.items():
        left = free.get(pk, 0)
        for one in rows[left:]:
            error = SeatsShort(
                receiver=quotas[pk].receiver_name,
                what=_label(programme.rules, one.item),
                left=left,
                n=len(rows),
            )
            refusals.append((one.ref, Refusal("seats", error)))
    return refusals
