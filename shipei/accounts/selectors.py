"""Reads of people and role assignments, starting from the scope filter."""

import re
from typing import Any

from django.db import connection
from django.db.models import Count, Q, QuerySet

from shipei.accounts import scope
from shipei.core import identifiers, pii, rows
from shipei.core.text import clean_name
from shipei.orgs.models import Organisation

from .models import ID_CONTEXT, MOBILE_CONTEXT, Person, RoleAssignment, TeacherProfile


def person_list(
    *, user: Any, action: str = "person.view", filters: dict[str, Any] | None = None
) -> QuerySet[Person]:
    qs = Person.objects.filter(scope.people_q(user, action)).select_related(
        "org", "teacher_profile", "user"
    )
    f = filters or {}
    term = (f.get("q") or "").strip()
    token = identifier_token(term) or (term if TOKEN.fullmatch(term) else None)
    if token:
        # A full ID number or mobile is found through its blind index, never by plain text.
        kind, digest = token.split(":")
        qs = qs.filter(**{"id_number_hash" if kind == "id" else "mobile_hash": digest})
    elif term:
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


def person_roles_present(*, user: Any, action: str = "person.view") -> set[str]:
    """The roles held by the people the user sees: what the list's role filter may offer."""
    people = Person.objects.filter(scope.people_q(user, action))
    return set(
        RoleAssignment.objects.filter(is_active=True, user__person__in=people)
        .order_by()
        .values_list("role", flat=True)
        .distinct()
    )


TOKEN = re.compile(r"(id|m):[0-9a-f]{64}")


def identifier_token(term: str) -> str | None:
    """A full ID number or mobile typed into a search box, as its blind index ("id:…", "m:…").

    List URLs carry this token instead of the number, so that no full ID number or mobile
    lands in access logs or browser history.
    """
    typed = identifiers.normalise(term or "")
    if len(typed) == 18 and typed[:17].isdigit():
        return "id:" + pii.blind_index(typed, context=ID_CONTEXT)
    mobile = typed.removeprefix("+86") if len(typed) == 14 else typed
    if mobile.isdigit() and len(mobile) == 11:
        return "m:" + pii.blind_index(mobile, context=MOBILE_CONTEXT)
    return None


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


# What an enrollment submission reads of the person, the school and the teacher's profile
# (eligibility, a major-match rule's 专业类 among it; the quota covering the school; the masked
# answer), by table.
SUBMITTER = {
    model: rows.fields(model, names)
    for model, names in (
        (Person, {"id", "name", "id_number_cipher", "mobile_cipher", "org"}),
        (Organisation, {"id", "name", "kind", "path", "region", "school_kind", "is_active"}),
        (
            TeacherProfile,
            {"id", "person", "title", "years_teaching", "teaching_major", "major_class"},
        ),
    )
}


def _submitter_sql() -> str:
    tables = {model: model._meta.db_table for model in SUBMITTER}
    names = ", ".join(
        f"{tables[model]}.{field.column}" for model, fields in SUBMITTER.items() for field in fields
    )
    person, org, profile = tables[Person], tables[Organisation], tables[TeacherProfile]
    return (
        f"SELECT {names} FROM {person} "
        f"JOIN {org} ON {org}.id = {person}.org_id "
        f"LEFT JOIN {profile} ON {profile}.person_id = {person}.id "
        f"WHERE {person}.id = %s"
    )


_SUBMITTER_SQL = _submitter_sql()


def person_submitting(pk: int) -> Person | None:
    """The person `pk` with only what a submission reads (the rest loads on first use), its
    organisation and teacher profile in place as select_related puts them; None when unknown.

    Written out: every submission of an enrollment rush sends it, and building it through the
    ORM cost more than PostgreSQL took to answer it."""
    with connection.cursor() as cursor:
        cursor.execute(_SUBMITTER_SQL, [pk])
        found = cursor.fetchall()
    if not found:
        return None
    ((person, org, profile),) = rows.instances_from_rows(list(SUBMITTER.items()), found)
    Person._meta.get_field("org").set_cached_value(person, org)
    Person._meta.get_field("teacher_profile").set_cached_value(person, profile)
    if profile is not None:
        TeacherProfile._meta.get_field("person").set_cached_value(profile, person)
    return person
