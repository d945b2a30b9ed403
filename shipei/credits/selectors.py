"""The ledger's reads, scoped (STYLE.md §3): a teacher's own ledger; the totals of the teachers
an admin reaches (person.view over their organisation's subtree), and one teacher's ledger from
there; the claims a school coordinator decides."""

import operator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import reduce
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from shipei.accounts import scope
from shipei.accounts.models import Person, Role
from shipei.core.errors import NotFound

from .models import Claim, Entry

VIEW = "person.view"
ZERO = Decimal(0)


@dataclass
class Year:
    year: int
    entries: list[Entry] = field(default_factory=list)

    @property
    def hours(self) -> Decimal:
        return sum((e.hours for e in self.entries), ZERO)

    @property
    def external(self) -> Decimal:
        return sum((e.hours for e in self.entries if e.source == Entry.Source.EXTERNAL), ZERO)


@dataclass
class Ledger:
    person: Person
    years: list[Year]

    @property
    def hours(self) -> Decimal:
        return sum((y.hours for y in self.years), ZERO)

    @property
    def entries(self) -> list[Entry]:
        return [e for y in self.years for e in y.entries]


def entries_of(person: Person) -> QuerySet[Entry]:
    return Entry.objects.filter(person=person).select_related("programme")


def ledger(person: Person) -> Ledger:
    """The teacher's ledger across programmes and years, the latest year first."""
    years: dict[int, Year] = {}
    for entry in entries_of(person):
        years.setdefault(entry.year, Year(entry.year)).entries.append(entry)
    return Ledger(person, sorted(years.values(), key=lambda y: -y.year))


def may_see_totals(user: Any) -> bool:
    """Admins of schools, cities and provinces (those who see people) see their teachers'."""
    return scope.has_any(user, VIEW)


def entry_list(*, user: Any) -> QuerySet[Entry]:
    """Ledger lines the user reaches: their own, and those of the teachers in scope."""
    q = scope.orgs_q(user, VIEW, via="person__org")
    person_id = getattr(user, "person_id", None)
    if person_id:
        q |= Q(person_id=person_id)
    return Entry.objects.filter(q).select_related("person__org", "programme")


def _people(user: Any, year: int | None, name: str) -> QuerySet[Person]:
    """Teachers in scope with ledger lines (of `year` where given), by name where given."""
    # Exists, not a join: a join here would count each line once more per line it matched.
    has = Entry.objects.filter(person=OuterRef("pk"))
    people = Person.objects.filter(
        scope.people_q(user, VIEW), Exists(has.filter(year=year) if year else has)
    )
    return people.filter(name__contains=name.strip()) if name else people


def totals(*, user: Any, year: int | None = None, name: str = "") -> QuerySet[Person]:
    """Teachers in scope with ledger lines, each with its hours (``total``, and ``external``),
    the most hours first."""
    lines = Q(credit_entries__year=year) if year else Q()
    return (
        _people(user, year, name)
        .annotate(
            total=Coalesce(Sum("credit_entries__hours", filter=lines), ZERO),
            external=Coalesce(
                Sum(
                    "credit_entries__hours",
                    filter=lines & Q(credit_entries__source=Entry.Source.EXTERNAL),
                ),
                ZERO,
            ),
        )
        .select_related("org")
        .order_by("-total", "name", "pk")
    )


def totals_sum(*, user: Any, year: int | None = None, name: str = "") -> dict[str, Decimal]:
    """The hours of all the teachers ``totals`` lists (``total``, ``external``): a school's or
    a province's sum, whatever share of them the page shows."""
    lines = Entry.objects.filter(person__in=_people(user, year, name).values("pk"))
    if year:
        lines = lines.filter(year=year)
    return lines.aggregate(
        total=Coalesce(Sum("hours"), ZERO),
        external=Coalesce(Sum("hours", filter=Q(source=Entry.Source.EXTERNAL)), ZERO),
    )


def years(*, user: Any) -> list[int]:
    return sorted(set(entry_list(user=user).values_list("year", flat=True)), reverse=True)


def person_get(*, user: Any, pk: Any) -> Person:
    """A teacher whose ledger the user may see: in scope, or the user's own record."""
    return scope.get_person_in_scope(user, VIEW, Person.objects.select_related("org"), pk=pk)


# ---- claims ----------------------------------------------------------------------------------


def _deciding_q(user: Any) -> Q:
    """Claims of the schools the user coordinates."""
    paths = [
        scope.reach(a) for a in scope.active_assignments(user) if a.role == Role.SCHOOL_COORDINATOR
    ]
    if not paths:
        return Q(pk__in=[])
    return reduce(operator.or_, (Q(org__path__startswith=p) for p in paths))


def may_decide_any(user: Any) -> bool:
    return any(a.role == Role.SCHOOL_COORDINATOR for a in scope.active_assignments(user))


def my_claims(*, user: Any) -> QuerySet[Claim]:
    person_id = getattr(user, "person_id", None)
    return Claim.objects.filter(person_id=person_id) if person_id else Claim.objects.none()


def claim_list(*, user: Any) -> QuerySet[Claim]:
    """Claims the user reaches: their own, those their school decides, those of the teachers in
    scope."""
    q = _deciding_q(user) | scope.orgs_q(user, VIEW, via="org")
    person_id = getattr(user, "person_id", None)
    if person_id:
        q |= Q(person_id=person_id)
    return Claim.objects.filter(q).select_related("person", "org", "decided_by__person")


def to_decide(*, user: Any) -> QuerySet[Claim]:
    return (
        Claim.objects.filter(_deciding_q(user), status=Claim.Status.SUBMITTED)
        .select_related("person", "org")
        .order_by("created_at", "pk")
    )


def claim_get(*, user: Any, pk: Any) -> Claim:
    try:
        return claim_list(user=user).get(pk=pk)
    except (Claim.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
