"""Numbers registered outside the actor's reach: refused without a word of whose they are.

Whoever may register people types ID numbers and mobiles. Were the refusal of a number already
registered to name the person or their organisation, or to differ from one holder to the next,
the form would tell anyone who may register people whose number it is. So a number held by a
person the actor may not see is refused in the same words whoever holds it, and each such
refusal counts against the actor (in the cache the app servers share) and is audited, the
number masked. Past the limit (REGISTERED_ELSEWHERE_LIMIT in REGISTERED_ELSEWHERE_HOURS) every
number outside the actor's reach is refused alike, registered or not, until the window has
passed: the answers stop telling which numbers are registered at all.

A number held within the actor's reach belongs to the actor's own people: the callers answer
as before (already registered; the name does not match...). The checks run before the caller's
transaction, which a refusal rolls back along with anything written in it.
"""

import contextlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from shipei.accounts import scope
from shipei.audit.services import record
from shipei.core import identifiers, pii
from shipei.core.errors import DomainError

from .errors import NumberChecksPaused, NumberUnavailable
from .models import ID_CONTEXT, MOBILE_CONTEXT, Person

_CONTEXTS = {"id_number": ID_CONTEXT, "mobile": MOBILE_CONTEXT}


@dataclass(frozen=True)
class Number:
    """A number typed for someone: `field` is ``id_number`` or ``mobile``, `value` normalised;
    `owner` is the blind index of the ID number of whom it is for (their own mobile, or their
    own record, is no conflict)."""

    field: str
    value: str
    owner: str = ""

    @property
    def digest(self) -> str:
        return pii.blind_index(self.value, context=_CONTEXTS[self.field])

    @property
    def masked(self) -> str:
        if self.field == "id_number":
            return identifiers.mask_id_number(self.value)
        return identifiers.mask_mobile(self.value)


def typed(*, id_number: Any = None, mobile: Any = None, owner: str = "") -> list[Number]:
    """The valid numbers among those typed (the invalid ones are the caller's validation's): a
    new person's mobile is for the ID number typed with it, unless `owner` says whose."""
    numbers = []
    if id_number not in (None, ""):
        try:
            value = identifiers.id_number_clean(id_number)
        except ValidationError:
            pass
        else:
            numbers.append(Number("id_number", value))
            owner = owner or numbers[0].digest
    if mobile not in (None, ""):
        with contextlib.suppress(ValidationError):
            numbers.append(Number("mobile", identifiers.mobile_clean(mobile), owner))
    return numbers


def refusals(
    *, actor: Any, numbers: Iterable[Number], held: dict[Number, Person] | None = None
) -> dict[Number, DomainError]:
    """The numbers `actor` may not register, each with its refusal: those held by someone
    outside the actor's reach, or, past the actor's limit, every number not held within it.
    `held`: ``holders(numbers)``, where the caller has read it already. Counts and audits what
    it refuses; an empty answer lets the caller go on."""
    numbers = list(dict.fromkeys(numbers))
    held = holders(numbers) if held is None else held
    outside = [
        n
        for n in numbers
        if n not in held or not scope.allows_person(actor, "person.view", held[n])
    ]
    if not outside:
        return {}
    elsewhere = [n for n in outside if n in held]
    paused = _count(actor, len(elsewhere)) > settings.REGISTERED_ELSEWHERE_LIMIT
    refused = outside if paused else elsewhere
    if not refused:
        return {}
    record(
        actor,
        "person.numbers_paused" if paused else "person.number_refused",
        None,
        org=scope.top_org(actor, "person.create") or scope.top_org(actor, "person.view"),
        numbers=[n.masked for n in refused],
        holders=[held[n].pk for n in elsewhere],
    )
    if paused:
        return dict.fromkeys(refused, NumberChecksPaused(hours=settings.REGISTERED_ELSEWHERE_HOURS))
    return {n: NumberUnavailable(what=_label(n), masked=n.masked) for n in refused}


def refuse(*, actor: Any, numbers: Iterable[Number]) -> None:
    """Raise the refusal of the first number `actor` may not register (ID number first)."""
    refused = refusals(actor=actor, numbers=numbers)
    if refused:
        raise next(iter(refused.values()))


def _label(number: Number) -> str:
    return _("身份证号") if number.field == "id_number" else _("手机号")


def holders(numbers: Iterable[Number]) -> dict[Number, Person]:
    """Who holds each number, other than the person it is typed for, in one read (with their
    organisation and teacher profile)."""
    wanted: dict[tuple[str, str], list[Number]] = {}
    for number in numbers:
        wanted.setdefault((number.field, number.digest), []).append(number)
    if not wanted:
        return {}
    ids = [digest for field, digest in wanted if field == "id_number"]
    mobiles = [digest for field, digest in wanted if field == "mobile"]
    found: dict[Number, Person] = {}
    for person in (
        Person.objects.filter(Q(id_number_hash__in=ids) | Q(mobile_hash__in=mobiles))
        .select_related("org", "teacher_profile")
        .order_by()
    ):
        for field, digest in (("id_number", person.id_number_hash), ("mobile", person.mobile_hash)):
            for number in wanted.get((field, digest), ()):
                if person.id_number_hash != number.owner:
                    found[number] = person
    return found


def _count(actor: Any, refused: int) -> int:
    """The actor's refusals in the current window, `refused` more counted."""
    key = f"accounts:elsewhere:{actor.pk}"
    window = settings.REGISTERED_ELSEWHERE_HOURS * 3600
    if not refused:
        return cache.get(key, 0)
    if cache.add(key, refused, window):
        return refused
    try:
        return cache.incr(key, refused)
    except ValueError:  # expired just now
        cache.set(key, refused, window)
        return refused
