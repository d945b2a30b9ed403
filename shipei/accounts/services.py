"""People, accounts and role assignments (writes); personal data validated, encrypted, audited."""

import secrets
import string
from datetime import timedelta
from typing import Any

from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from shipei.accounts import elsewhere, scope
from shipei.audit.services import record
from shipei.core import identifiers, majors, pii
from shipei.core.errors import NotPermitted
from shipei.core.sms import send_sms
from shipei.core.text import clean_name, pinyin_key
from shipei.orgs.models import Organisation

from .errors import (
    AccountExists,
    ActivationCodeInvalid,
    ActivationThrottled,
    MobileTaken,
    PersonDuplicate,
    RoleNotGrantable,
)
from .models import (
    ID_CONTEXT,
    MOBILE_CONTEXT,
    ActivationCode,
    Person,
    Role,
    RoleAssignment,
    TeacherProfile,
    User,
)

TEACHER_FIELDS = ("title", "teaching_major", "major_class", "years_teaching", "department_post")
ACTIVATION_TTL = timedelta(minutes=10)
ACTIVATION_RESEND = timedelta(seconds=60)
ACTIVATION_MAX_TRIES = 5
ACTIVATION_MAX_TRIES_PER_DAY = 10
ACTIVATION_PER_DAY = 5
ACTIVATION_PER_IP_HOUR = 30


def _clean_person_fields(
    person: Person, *, id_number: Any = None, mobile: Any = None, gender: str | None = None
) -> None:
    """Normalise and validate; collects every field error before raising."""
    errors: dict[str, list[str]] = {}
    if id_number is not None:
        try:
            number = identifiers.id_number_clean(id_number)
        except ValidationError as exc:
            errors["id_number"] = exc.messages
        else:
            if (
                Person.objects.filter(id_number_hash=pii.blind_index(number, context=ID_CONTEXT))
                .exclude(pk=person.pk)
                .exists()
            ):
                raise PersonDuplicate(masked=identifiers.mask_id_number(number))
            person.set_id_number(number)
            implied = identifiers.id_gender(number)
            if gender and gender != implied:
                errors["gender"] = [_("性别与身份证号不符（身份证号第17位表示性别）。")]
            person.gender = gender or implied
    if mobile is not None:
        if mobile in ("", None):
            person.set_mobile("")
        else:
            try:
                number = identifiers.mobile_clean(mobile)
            except ValidationError as exc:
                errors["mobile"] = exc.messages
            else:
                if (
                    Person.objects.filter(
                        mobile_hash=pii.blind_index(number, context=MOBILE_CONTEXT)
                    )
                    .exclude(pk=person.pk)
                    .exists()
                ):
                    raise MobileTaken(masked=identifiers.mask_mobile(number))
                person.set_mobile(number)
    person.name = clean_name(person.name)
    person.name_pinyin = pinyin_key(person.name)
    derived = ["gender"] if "id_number" in errors else []  # no number, no gender: one error
    try:
        person.full_clean(
            exclude=[
                "id_number_cipher",
                "id_number_hash",
                "mobile_cipher",
                "mobile_hash",
                "name_pinyin",
                *derived,
            ]
        )
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def with_major_class(teacher: dict[str, Any]) -> dict[str, Any]:
    """A teacher's fields with the 专业类 their 任教专业 names, where none is given and the text
    names exactly one (计算机应用 → 计算机类): what a list or a form without the choice says."""
    if teacher.get("major_class") or not teacher.get("teaching_major"):
        return teacher
    found = majors.class_for_text(teacher["teaching_major"])
    return {**teacher, "major_class": found} if found else teacher


def _save_teacher(person: Person, teacher: dict[str, Any] | None) -> None:
    if teacher is None:
        return
    profile, _created = TeacherProfile.objects.get_or_create(person=person)
    for key in TEACHER_FIELDS:
        if key in teacher:
            setattr(profile, key, teacher[key])
    if not profile.major_class:
        profile.major_class = majors.class_for_text(profile.teaching_major)
    profile.full_clean()
    profile.save()


def person_create(
    *,
    actor: Any,
    org: Organisation,
    name: str,
    id_number: Any,
    mobile: Any = "",
    gender: str | None = None,
    email: str = "",
    teacher: dict[str, Any] | None = None,
) -> Person:
    """Register a person at `org`; the ID number must be new (one person, one record), and no
    number may be one registered outside the actor's reach (accounts.elsewhere)."""
    scope.require(actor, "person.create", org)
    elsewhere.refuse(actor=actor, numbers=elsewhere.typed(id_number=id_number, mobile=mobile))
    with transaction.atomic():
        person = Person(org=org, name=name, email=email)
        _clean_person_fields(person, id_number=id_number, mobile=mobile or "", gender=gender)
        try:
            with transaction.atomic():
                person.save()
        except IntegrityError:  # a concurrent insert of the same ID number or mobile
            raise PersonDuplicate(masked=person.id_number_masked) from None
        _save_teacher(person, teacher)
        record(actor, "person.created", person)
    return person


@transaction.atomic
def person_bootstrap(
    *,
    org: Organisation,
    name: str,
    id_number: Any,
    mobile: Any = "",
    teacher: dict[str, Any] | None = None,
) -> Person:
    """Set-up commands only (demo data): the same validation, no acting user or scope."""
    person = Person(org=org, name=name)
    _clean_person_fields(person, id_number=id_number, mobile=mobile or "")
    person.save()
    _save_teacher(person, teacher)
    record(None, "person.created", person, source="setup")
    return person


def person_update(
    *,
    actor: Any,
    person: Person,
    name: str | None = None,
    id_number: Any = None,
    mobile: Any = None,
    gender: str | None = None,
    email: str | None = None,
    org: Organisation | None = None,
    teacher: dict[str, Any] | None = None,
) -> Person:
    """Change a person's record; a new number may not be one registered outside the actor's
    reach (accounts.elsewhere)."""
    scope.require_person(actor, "person.change", person)
    account = User.objects.filter(person=person).first()
    if account is not None and account != actor and not scope.may_manage_account(actor, account):
        raise NotPermitted(_("该人员的账号拥有您无权授予的角色，其信息须由上级管理员修改。"))
    elsewhere.refuse(
        actor=actor,
        numbers=elsewhere.typed(id_number=id_number, mobile=mobile, owner=person.id_number_hash),
    )
    with transaction.atomic():
        changed: list[str] = []
        if org is not None and org.pk != person.org_id:
            scope.require(actor, "person.create", org)  # moving someone in needs rights there too
            person.org = org
            changed.append("org")
        if name is not None and clean_name(name) != person.name:
            person.name = name
            changed.append("name")
        if email is not None and email != person.email:
            person.email = email
            changed.append("email")
        if id_number is not None and _same(
            identifiers.id_number_clean, id_number, person._id_number()
        ):
            id_number = None
        elif id_number is not None:
            changed.append("id_number")
        if mobile is not None and _same(identifiers.mobile_clean, mobile, person._mobile()):
            mobile = None
        elif mobile is not None:
            changed.append("mobile")
        if gender is not None and gender != person.gender:
            changed.append("gender")
        if (
            gender is not None
            and id_number is None
            and gender != identifiers.id_gender(person._id_number())
        ):
            raise ValidationError({"gender": [_("性别与身份证号不符（身份证号第17位表示性别）。")]})
        _clean_person_fields(person, id_number=id_number, mobile=mobile, gender=gender)
        profile = getattr(person, "teacher_profile", None)
        if teacher is not None and (
            profile is None or any(getattr(profile, k) != v for k, v in teacher.items())
        ):
            changed.append("teacher")
        if changed:
            person.save()
            _save_teacher(person, teacher)
            record(actor, "person.updated", person, fields=changed)
    return person


@transaction.atomic
def teacher_major_class_set(*, actor: Any, person: Person, major_class: str) -> TeacherProfile:
    """A teacher chooses their own 专业类 (or an administrator over them does): the value major
    rules of eligibility match on. Anything not in the catalogue is refused."""
    if person.pk != getattr(actor, "person_id", None):
        scope.require_person(actor, "person.change", person)
    profile = getattr(person, "teacher_profile", None)
    if profile is None:
        raise ValidationError({"major_class": [_("只有登记了任教信息的教师才有专业类。")]})
    if profile.major_class != major_class:
        before = profile.major_class
        profile.major_class = major_class
        profile.full_clean()
        profile.save(update_fields=["major_class"])
        record(actor, "person.updated", person, fields=["major_class"], before=before)
    return profile


def _same(cleaner: Any, typed: Any, stored: str) -> bool:
    """Whether a typed identifier is the stored one in another spelling (+86, spaces, x)."""
    if typed in ("", None):
        return stored == ""
    try:
        return cleaner(typed) == stored
    except ValidationError:
        return False


@transaction.atomic
def person_reveal(*, actor: Any, person: Person, field: str, ip: str | None = None) -> str:
    """The full ID number or mobile, for roles that need it; every full view is audited."""
    scope.require_person(actor, "person.reveal", person)
    if field not in ("id_number", "mobile"):
        raise ValidationError(_("只能查看身份证号或手机号。"))
    value = person._id_number() if field == "id_number" else person._mobile()
    record(
        actor, "person.revealed", person, ip=ip, field=field, disclosed=[(person.pk, person.org_id)]
    )
    return value


def _one_time_password() -> str:
    alphabet = string.ascii_letters + string.digits
    while True:
        pw = "".join(secrets.choice(alphabet) for _ in range(10))
        if any(c.isdigit() for c in pw) and any(c.isalpha() for c in pw):
            return pw


@transaction.atomic
def account_open(*, actor: Any, person: Person) -> tuple[User, str]:
    """Open an account with a random one-time password, to be changed at first login."""
    scope.require_person(actor, "person.change", person)
    if User.objects.filter(person=person).exists():
        raise AccountExists(name=person.name)
    password = _one_time_password()
    user = User.objects.create_user(
        f"p{person.pk}", password, person=person, must_change_password=True
    )
    record(actor, "account.opened", person)
    return user, password


@transaction.atomic
def account_reset_password(*, actor: Any, user: User) -> str:
    if not scope.may_manage_account(actor, user):
        raise NotPermitted(_("该账号拥有您无权授予的角色，请联系其上级管理员重置密码。"))
    password = _one_time_password()
    user.set_password(password)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    Token.objects.filter(user=user).delete()  # a reset also ends API access with old tokens
    record(actor, "account.password_reset", user.person)
    return password


@transaction.atomic
def account_set_password(*, user: User, old_password: str | None, new_password: str) -> User:
    """The user's own change; the old password is asked for unless activating by SMS code."""
    if old_password is not None and not user.check_password(old_password):
        raise ValidationError({"old_password": [_("原密码不正确。")]})
    validate_password(new_password, user)
    user.set_password(new_password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    Token.objects.filter(user=user).delete()
    record(user, "account.password_changed", user.person or user)
    return user


def _activation_target(id_number: Any) -> Person | None:
    """The registered person without an account and with a mobile on record, if any."""
    try:
        number = identifiers.id_number_clean(id_number)
    except ValidationError as exc:
        raise ValidationError({"id_number": exc.messages}) from None
    person = (
        Person.objects.filter(id_number_hash=pii.blind_index(number, context=ID_CONTEXT))
        .select_related("org")
        .first()
    )
    if person is None or not person.mobile_cipher or User.objects.filter(person=person).exists():
        return None
    return person


def _throttle(key: str, limit: int, seconds: int) -> None:
    """At most `limit` calls per `seconds` for one key (an address), across app servers."""
    added = cache.add(key, 1, seconds)
    count = 1 if added else cache.incr(key)
    if count > limit:
        raise ActivationThrottled()


@transaction.atomic
def activation_send(*, id_number: Any, ip: str | None = None) -> None:
    """Send a 6-digit code to the recorded mobile of a registered person who has no account.

    The caller learns nothing either way (the page says the same whether or not a code went
    out), so the form cannot be used to test ID numbers; codes are limited per person and
    per address, so it cannot be used to flood a phone either.
    """
    if ip:
        _throttle(f"activation:ip:{ip}", ACTIVATION_PER_IP_HOUR, 3600)
    person = _activation_target(id_number)
    if person is None:
        return
    now = timezone.now()
    recent = ActivationCode.objects.select_for_update().filter(
        person=person, created_at__gte=now - timedelta(days=1)
    )
    last = recent.first()
    if len(recent) >= ACTIVATION_PER_DAY or (last and now - last.created_at < ACTIVATION_RESEND):
        return
    code = f"{secrets.randbelow(10**6):06d}"
    ActivationCode.objects.create(
        person=person, code_hash=make_password(code), expires_at=now + ACTIVATION_TTL
    )
    mobile = person._mobile()
    transaction.on_commit(
        lambda: send_sms(
            mobile, _("【师培】您的账号激活验证码为 %(code)s，10分钟内有效。") % {"code": code}
        )
    )
    record(None, "account.activation_sent", person)


def activation_confirm(*, id_number: Any, code: str, new_password: str) -> User:
    """Open the account of a bulk-registered person who proved the mobile on record."""
    validate_password(new_password, User(username="new"))
    with transaction.atomic():  # a wrong code must still count as a try: no raise in here
        person = _activation_target(id_number)
        if person is None:
            raise ActivationCodeInvalid()
        now = timezone.now()
        today = ActivationCode.objects.filter(
            person=person, created_at__gte=now - timedelta(days=1)
        )
        tries_today = sum(c.attempts for c in today)
        pending = (
            ActivationCode.objects.select_for_update()
            .filter(person=person, used_at__isnull=True, expires_at__gt=now)
            .first()
        )
        if (
            pending is not None
            and pending.attempts < ACTIVATION_MAX_TRIES
            and tries_today < ACTIVATION_MAX_TRIES_PER_DAY
        ):
            if check_password(identifiers.normalise(code), pending.code_hash):
                user = User(username=f"p{person.pk}", person=person)
                user.set_password(new_password)
                user.save()
                pending.used_at = now
                pending.save(update_fields=["used_at"])
                if hasattr(person, "teacher_profile"):
                    RoleAssignment.objects.get_or_create(
                        user=user, role=Role.TRAINEE, org=person.org
                    )
                record(user, "account.activated", person)
                return user
            pending.attempts += 1
            pending.save(update_fields=["attempts"])
    raise ActivationCodeInvalid()


@transaction.atomic
def role_assign(*, actor: Any, user: User, role: str, org: Organisation) -> RoleAssignment:
    scope.require(actor, "role.assign", org)
    if role not in scope.grantable_roles(actor, org):
        raise RoleNotGrantable(org=org.name, role=Role(role).label if role in Role.values else role)
    assignment, created = RoleAssignment.objects.get_or_create(
        user=user,
        role=role,
        org=org,
        defaults={"granted_by": actor if getattr(actor, "pk", None) else None},
    )
    if not created and not assignment.is_active:
        assignment.is_active = True
        assignment.save(update_fields=["is_active"])
        created = True
    if created:
        record(actor, "role.assigned", assignment, org=org, role=role, user=user.pk)
    scope.forget(user)
    return assignment


@transaction.atomic
def role_revoke(*, actor: Any, assignment: RoleAssignment) -> RoleAssignment:
    scope.require(actor, "role.assign", assignment.org)
    if assignment.role not in scope.grantable_roles(actor, assignment.org):
        raise RoleNotGrantable(org=assignment.org.name, role=assignment.get_role_display())
    if assignment.is_active:
        assignment.is_active = False
        assignment.save(update_fields=["is_active"])
        record(
            actor,
            "role.revoked",
            assignment,
            org=assignment.org,
            role=assignment.role,
            user=assignment.user_id,
        )
    scope.forget(assignment.user)
    return assignment


@transaction.atomic
def person_import(*, actor: Any, rows: list[Any], filename: str = "") -> dict[str, int]:
    """Write rows checked by accounts.imports.parse_people, all or nothing; no accounts are made."""
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    new_people: list[Person] = []
    new_profiles: list[tuple[Person, dict[str, Any]]] = []
    for row in rows:
        scope.require(actor, "person.import", row.org)
        person = row.existing
        if person is None:
            person = Person(org=row.org, name=row.name, gender=row.gender, email=row.email)
            person.name_pinyin = pinyin_key(row.name)
            person.set_id_number(row.id_number)
            person.set_mobile(row.mobile)
            new_people.append(person)
            new_profiles.append((person, with_major_class(row.teacher)))
            continue
        changed = _apply_import_row(person, row)
        counts["updated" if changed else "unchanged"] += 1
    try:
        with transaction.atomic():
            Person.objects.bulk_create(new_people, batch_size=1000)
    except IntegrityError:  # someone registered one of these people meanwhile
        raise PersonDuplicate(masked=_("（本批次中的某人）")) from None
    TeacherProfile.objects.bulk_create(
        [TeacherProfile(person=p, **t) for p, t in new_profiles], batch_size=1000
    )
    counts["created"] = len(new_people)
    record(
        actor,
        "person.imported",
        None,
        org=scope.top_org(actor, "person.import"),
        filename=filename[:100],
        **counts,
    )
    return counts


def _apply_import_row(person: Person, row: Any) -> bool:
    """Bring a registered person in line with an import row; True if anything changed."""
    changed = []
    for attr in ("name", "gender", "email"):
        if getattr(person, attr) != getattr(row, attr) and (attr != "email" or row.email):
            setattr(person, attr, getattr(row, attr))
            changed.append(attr)
    if person.org_id != row.org.pk:
        person.org = row.org
        changed.append("org")
    if row.mobile and person._mobile() != row.mobile:
        person.set_mobile(row.mobile)
        changed.append("mobile")
    profile = getattr(person, "teacher_profile", None)
    if profile is None or any(getattr(profile, k) != v for k, v in row.teacher.items()):
        changed.append("teacher")
    if changed:
        person.name_pinyin = pinyin_key(person.name)
        person.save()
        _save_teacher(person, row.teacher)
    return bool(changed)
