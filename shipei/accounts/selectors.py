"""Reads of people and role assignments, starting from the scope filter."""

from typing import Any

from django.db.models import Count, Q, QuerySet

from shipei.core import identifiers, pii, scope
from shipei.core.text import clean_name

from .models import ID_CONTEXT, MOBILE_CONTEXT, Person, RoleAssignment


def person_list(
    *, user: Any, action: str = "person.view", filters: dict[str, Any] | None = None
) -> QuerySet[Person]:
    qs = Person.objects.filter(scope.people_q(user, action)).select_related(
        "org", "teacher_profile", "user"
    )
    f = filters or {}
    term = (f.get("q") or "").strip()
    if term:
        typed = identifiers.normalise(term)
        # A full ID number or mobile is found through its blind index; never by plain text.
        if len(typed) == 18:
            qs = qs.filter(id_number_hash=pii.blind_index(typed, context=ID_CONTEXT))
        elif typed.isdigit() and len(typed) == 11:
            qs = qs.filter(mobile_hash=pii.blind_index(typed, context=MOBILE_CONTEXT))
        else:
            term = clean_name(term)
            qs = qs.filter(Q(name__contains=term) | Q(name_pinyin__contains=term.lower()))
    if f.get("org"):
        qs = qs.filter(org__path__startswith=f["org"].path)
    if f.get("account") == "yes":
        qs = qs.filter(user__isnull=False)
    elif f.get("account") == "no":
        qs = qs.filter(user__isnull=True)
    if f.get("role"):
        qs = qs.filter(
            user__assignments__role=f["role"], user__assignments__is_active=True
        ).distinct()
    if f.get("teacher") == "yes":
        qs = qs.filter(teacher_profile__isnull=False)
    return qs


def person_stats(*, user: Any) -> dict[str, int]:
    return Person.objects.filter(scope.people_q(user, "person.view")).aggregate(
        total=Count("pk"), without_account=Count("pk", filter=Q(user__isnull=True))
    )


def assignment_list(*, user: Any, person: Person) -> QuerySet[RoleAssignment]:
    qs = RoleAssignment.objects.filter(user__person=person).select_related(
        "org", "granted_by__person"
    )
    return qs.filter(
        scope.orgs_q(user, "role.view") | Q(user__person__pk=getattr(user, "person_id", None))
    )
