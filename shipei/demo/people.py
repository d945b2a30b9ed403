"""Demo people and their logins: found again by ID number on a second run, never duplicated.

Every login shares one hash of the printed password, computed once per run: Argon2 costs a
third of a second a hash, which made most of the demo's load time when each login had its own.
"""

import functools
from typing import Any

from django.contrib.auth.hashers import make_password

from shipei.accounts import services as people
from shipei.accounts.models import ID_CONTEXT, Person, Role, RoleAssignment, User
from shipei.core import identifiers, pii
from shipei.orgs.models import Organisation

DEMO_PASSWORD = "Demo2026"  # printed by `make demo`; the same on every run


@functools.cache
def password_hash() -> str:
    return make_password(DEMO_PASSWORD)


def full_id(first17: str) -> str:
    return first17 + identifiers.id_check_digit(first17)


def person(org: Organisation, name: str, id17: str, mobile: str, teacher: Any) -> Person:
    id_number = full_id(id17)
    found = Person.objects.filter(
        id_number_hash=pii.blind_index(id_number, context=ID_CONTEXT)
    ).first()
    return found or people.person_bootstrap(
        org=org, name=name, id_number=id_number, mobile=mobile, teacher=teacher
    )


def login(person: Person, role: str, org: Organisation) -> User:
    """The person's demo login with `role` at `org`, the printed password, no forced change."""
    user = User.objects.filter(person=person).first() or User(
        username=f"p{person.pk}", person=person
    )
    user.is_demo = True
    user.must_change_password = False
    user.is_active = True
    user.password = password_hash()
    user.save()
    RoleAssignment.objects.get_or_create(user=user, role=role, org=org)
    return user


def trainee(org: Organisation, name: str, id17: str, mobile: str, teacher: Any) -> User:
    return login(person(org, name, id17, mobile, teacher), Role.TRAINEE, org)


def user_of(role: str, org: Organisation) -> User:
    """The demo login with `role` at `org`."""
    return RoleAssignment.objects.get(role=role, org=org, user__is_demo=True).user
