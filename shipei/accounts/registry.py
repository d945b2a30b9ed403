"""People named by ID number: found in the register, or registered (for nominations through the
API and the participant lists imported into enrollment).

The rules, in one place: the number is normalised and its check digit verified; a registered
person is found through the number's blind index, must lie where the caller may act (checked
before the name, so that an answer never tells whose a number outside it is) and must carry the
name given; a new person is registered, without an account, at an organisation in the caller's
scope; every registration is audited. A list also says where each person works: a registered
person working elsewhere is moved in the register first, not by the list.
"""

import contextlib
import copy
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from shipei.accounts import scope
from shipei.audit.services import record
from shipei.core import identifiers, pii
from shipei.core.errors import NotFound
from shipei.core.text import clean_name, pinyin_key
from shipei.orgs.models import Organisation

from . import elsewhere
from .errors import PersonDuplicate
from .models import ID_CONTEXT, Person, Role, TeacherProfile
from .services import person_create, with_major_class


@dataclass
class Named:
    """A person as a list names them: the ID number (normalised) and name, where they work, and
    what a new registration takes from the list (the blanks of a registered person, too)."""

    id_number: str
    name: str
    org: Organisation
    mobile: str = ""
    gender: str = ""
    email: str = ""
    teacher: dict[str, Any] = field(default_factory=dict)
    person: Person | None = None  # the registered person, once found
    id_hash: str = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.id_hash = pii.blind_index(self.id_number, context=ID_CONTEXT)
        self.teacher = with_major_class(self.teacher)


def own_school(user: Any) -> Organisation | None:
    """The school a school coordinator coordinates, when exactly one: where a teacher they name
    is registered when no organisation is given."""
    schools = {a.org for a in scope.active_assignments(user) if a.role == Role.SCHOOL_COORDINATOR}
    return schools.pop() if len(schools) == 1 else None


def _registered(number: str) -> Person | None:
    digest = pii.blind_index(number, context=ID_CONTEXT)
    return (
        Person.objects.select_related("org", "teacher_profile")
        .filter(id_number_hash=digest)
        .first()
    )


def _refusal(actor: Any, action: str, person: Person, name: str) -> tuple[str, str] | None:
    """Why a registered person cannot be the one named, as (field, message), or None."""
    # Scope first: outside it the answer must not depend on the name, or it would confirm
    # which name belongs to any ID number in the country.
    if not scope.allows(actor, action, person.org):
        return "id_number", _("该身份证号的人员已在其他单位登记，不在您的管理范围内。")
    if person.name != name:
        if scope.allows_person(actor, "person.view", person):
            message = _("该身份证号已登记为“%(name)s”，与所填姓名不符，请核对。") % {
                "name": person.name
            }
        else:
            message = _("该身份证号已登记为另一姓名，请核对姓名和身份证号。")
        return "name", message
    return None


def person_found(
    *, actor: Any, action: str, id_number: Any, name: str, mobile: Any = ""
) -> Person | None:
    """The person registered under `id_number`, where `actor` may do `action`, or None when
    the number is not registered. ValidationError, by field, when the number is not valid, the
    person lies elsewhere or is registered under another name, or when the number or the
    `mobile` given with it is one the actor may not register (accounts.elsewhere: counted and
    audited, hence called outside the caller's transaction). Writes nothing else."""
    try:
        number = identifiers.id_number_clean(id_number)
    except ValidationError as exc:
        raise ValidationError({"id_number": exc.messages}) from None
    person = _registered(number)
    refused = elsewhere.refusals(  # the mobile only of someone to register
        actor=actor, numbers=elsewhere.typed(id_number=number, mobile=mobile if not person else "")
    )
    if refused:
        raise ValidationError({n.field: [error.message] for n, error in refused.items()})
    if person is not None:
        _refuse(actor, action, person, clean_name(name))
    return person


def _refuse(actor: Any, action: str, person: Person, name: str) -> None:
    refusal = _refusal(actor, action, person, name)
    if refusal is not None:
        raise ValidationError({refusal[0]: [refusal[1]]})


@transaction.atomic
def person_by_id_number(
    *,
    actor: Any,
    action: str,
    id_number: Any,
    name: str,
    org: Organisation | None = None,
    mobile: Any = "",
    teacher: dict[str, Any] | None = None,
) -> Person:
    """The person registered under `id_number`, where `actor` may do `action`; else a new person
    registered at `org` (a school coordinator's own school when none is given).

    ValidationError, by field, as ``person_found``, or when a new person has no school. A new
    person is registered in the caller's transaction: a caller refused afterwards (an
    enrollment that is not accepted) rolls the registration back with it, so that a refused
    submission leaves no one behind whose record would then block the right one.
    """
    person = person_found(actor=actor, action=action, id_number=id_number, name=name, mobile=mobile)
    if person is not None:
        return person
    number = identifiers.id_number_clean(id_number)
    name = clean_name(name)
    org = org or own_school(actor)
    if org is None:
        raise ValidationError(
            {"org": [_("该身份证号尚未登记，请填写其所在学校（单位编号）以便登记。")]}
        )
    # PersonDuplicate: registered a moment ago by a concurrent request; found below.
    with contextlib.suppress(PersonDuplicate):
        person_create(
            actor=actor, org=org, name=name, id_number=number, mobile=mobile, teacher=teacher
        )
    person = _registered(number)
    if person is None:  # pragma: no cover - removed again between the two statements
        raise NotFound()
    _refuse(actor, action, person, name)
    return person


def people_by_id_number(
    *, actor: Any, action: str, named: Sequence[Named]
) -> list[tuple[int, str, str]]:
    """Find the people of a list in the register, in one read, and check each as
    person_by_id_number does, and more: a registered person must work where the list says, and
    no mobile may be another registered person's. Sets `person` on each one found; returns the
    problems as (position in `named`, field, message)."""
    typed = [elsewhere.typed(id_number=one.id_number, mobile=one.mobile) for one in named]
    numbers = [n for row in typed for n in row]
    held = elsewhere.holders(numbers)
    refused = elsewhere.refusals(actor=actor, numbers=numbers, held=held)
    problems: list[tuple[int, str, str]] = []
    for index, one in enumerate(named):
        mine = {n.field: refused[n] for n in typed[index] if n in refused}
        problems.extend((index, about, error.message) for about, error in mine.items())
        number, *mobile = typed[index]  # the list's numbers are valid: the ID first
        if mobile and "mobile" not in mine and mobile[0] in held:
            problems.append((index, "mobile", _("该手机号已被另一位已登记人员使用。")))
        person = held.get(number)
        if person is None or "id_number" in mine:
            continue
        one.person = person
        refusal = _refusal(actor, action, person, one.name)
        if refusal is None and person.org_id != one.org.pk:
            refusal = (
                "org",
                _(
                    "该教师登记的工作单位为“%(org)s”，与所填单位不符；"
                    "如已调动，请先在人员管理中修改其工作单位。"
                )
                % {"org": person.org.name},
            )
        if refusal is not None:
            problems.append((index, *refusal))
    return problems


def _blanks(profile: TeacherProfile, teacher: dict[str, Any]) -> dict[str, Any]:
    """What a list adds to a registered profile: only what is blank there."""
    return {k: v for k, v in teacher.items() if v and not getattr(profile, k)}


def registered_as(one: Named) -> Person:
    """The person as people_register will leave them, not saved: for the checks that read a
    person (eligibility) before anything of a list is written."""
    if one.person is None:
        person = Person(org=one.org, name=one.name, gender=one.gender, email=one.email)
        person.set_id_number(one.id_number)  # its birth date: an age rule reads it
        profile = TeacherProfile(**one.teacher)
    else:
        person = copy.copy(one.person)
        registered = getattr(one.person, "teacher_profile", None)
        profile = copy.copy(registered) if registered is not None else TeacherProfile()
        for key, value in _blanks(profile, one.teacher).items():
            setattr(profile, key, value)
    Person._meta.get_field("teacher_profile").set_cached_value(person, profile)
    return person


@transaction.atomic
def people_register(*, actor: Any, named: Sequence[Named], filename: str = "") -> dict[str, int]:
    """Write what a checked list says of its people, all or nothing: the new ones registered
    (without accounts: each activates one at first login with an SMS code), the blanks of the
    registered ones filled (mobile, e-mail, teacher profile). One audit entry for the list."""
    new: list[tuple[Person, Named]] = []
    updated = 0
    for one in named:
        if one.person is not None:
            updated += _fill_blanks(one.person, one)
            continue
        scope.require(actor, "person.create", one.org)
        gender = one.gender or identifiers.id_gender(one.id_number)
        person = Person(org=one.org, name=one.name, gender=gender, email=one.email)
        person.name_pinyin = pinyin_key(one.name)
        person.set_id_number(one.id_number)
        person.set_mobile(one.mobile)
        new.append((person, one))
    try:
        with transaction.atomic():
            Person.objects.bulk_create([person for person, _one in new], batch_size=1000)
    except IntegrityError:  # someone registered one of these people meanwhile
        raise PersonDuplicate(masked=_("（本批次中的某人）")) from None
    TeacherProfile.objects.bulk_create(
        [TeacherProfile(person=person, **one.teacher) for person, one in new], batch_size=1000
    )
    for person, one in new:
        one.person = person
    counts = {"created": len(new), "updated": updated}
    if new or updated:
        record(
            actor,
            "person.imported",
            None,
            org=scope.top_org(actor, "person.create"),
            filename=filename[:100],
            **counts,
        )
    return counts


def _fill_blanks(person: Person, one: Named) -> bool:
    """A registered person keeps what is registered; a list only fills what is missing."""
    changed = False
    if not person.mobile_cipher and one.mobile:
        person.set_mobile(one.mobile)
        changed = True
    if not person.email and one.email:
        person.email = one.email
        changed = True
    if changed:
        person.save()
    profile = getattr(person, "teacher_profile", None)
    if profile is None:
        profile = TeacherProfile(person=person)
    fill = _blanks(profile, one.teacher)
    if fill:
        for key, value in fill.items():
            setattr(profile, key, value)
        profile.save()
        person.teacher_profile = profile
    return changed or bool(fill)
