"""Who may see and do what: the one source of truth for every list, page, action, export and API.

A user holds role assignments, each bound to an organisation; a role grants actions over that
organisation's subtree (``Organisation.path``). The same rules answer "may this user do X to this
object?" (``allows``/``require``) and "which rows?" (``orgs_q``/``people_q``), so a list never
shows a row that its detail page would refuse (STYLE.md §3).
"""

import operator
from functools import reduce
from typing import Any, TypeVar

from django.db.models import Model, Q, QuerySet

from shipei.core.errors import NotFound, NotPermitted
from shipei.orgs.models import Organisation

from .models import Person, Role, RoleAssignment

M = TypeVar("M", bound=Model)

_ADMIN = {
    "org.view",
    "org.create",
    "org.change",
    "org.import",
    "org.export",
    "person.view",
    "person.create",
    "person.change",
    "person.reveal",
    "person.import",
    "person.export",
    "role.view",
    "role.assign",
    "audit.view",
    "programme.view",
    "quota.view",
    "quota.allocate",
    "project.view",
    "enrollment.view",
    "class.view",
    "staffing.view",
}

ROLE_ACTIONS: dict[str, frozenset[str]] = {
    # Classes (notice 004): the province reviews its institutions' plans and classes and may
    # except a class from a milestone; the national centre records what the province approved.
    # Core-teacher staffing: the ministry's and the provinces' admins keep the core teachers of
    # their subtree and staff their own programmes' classes (staffing.manage); an institution
    # asks for, invites and withdraws core teachers for its classes (staffing.invite).
    # The annual base assessment: the ministry runs and confirms it; a province reads its
    # bases' rows, a base its own (appraisal.view).
    Role.NATIONAL_ADMIN: frozenset(
        _ADMIN
        | {
            "programme.manage",
            "project.decide",
            "class.record",
            "class.except",
            "staffing.manage",
            "supervision.view",
            "supervision.manage",
            "appraisal.view",
            "appraisal.run",
        }
    ),
    # A province decides the projects of its own programmes (allows_programme: over the owner).
    # Spot checks (supervision.manage: draw, assign, close) belong to the ministry and the
    # provinces, each over its own subtree (notice 002 三(六)).
    Role.PROVINCIAL_ADMIN: frozenset(
        _ADMIN
        | {
            "supervision.view",
            "supervision.manage",
            "programme.manage",
            "project.decide",
            "enrollment.nominate",
            "class.review",
            "class.except",
            "staffing.manage",
            "appraisal.view",
        }
    ),
    Role.CITY_ADMIN: frozenset(_ADMIN | {"enrollment.nominate"}),
    Role.SCHOOL_COORDINATOR: frozenset(
        {
            "org.view",
            "person.view",
            "person.create",
            "person.change",
            "person.reveal",
            "person.import",
            "person.export",
            "role.view",
            "role.assign",
            "programme.view",
            "quota.view",
            "enrollment.view",
            "enrollment.nominate",
        }
    ),
    Role.BASE_ADMIN: frozenset(
        {
            "org.view",
            "person.view",
            "person.export",
            "role.view",
            "programme.view",
            "project.view",
            "project.apply",
            "enrollment.view_base",
            "class.view",
            "class.run",
            "staffing.view",
            "staffing.invite",
            "appraisal.view",
            # Sees and answers the spot checks of its own classes and projects, once inspected.
            "supervision.respond",
        }
    ),
    Role.EXPERT_REVIEWER: frozenset(),
    Role.CORE_TEACHER: frozenset(),
    Role.TRAINEE: frozenset(),
}

# What everyone may do to their own person record (a full view of one's own ID is still audited),
# and to what is addressed to that person: a core teacher answers the invitations to them.
SELF_ACTIONS = frozenset({"person.view", "person.reveal", "staffing.respond"})

# Which roles a holder may hand out, within its own subtree.
GRANTABLE: dict[str, frozenset[str]] = {
    Role.NATIONAL_ADMIN: frozenset(Role.values),
    # Reviewers are assigned by the ministry (DOMAIN.md §3).
    Role.PROVINCIAL_ADMIN: frozenset(
        set(Role.values) - {Role.NATIONAL_ADMIN, Role.EXPERT_REVIEWER}
    ),
    Role.CITY_ADMIN: frozenset({Role.CITY_ADMIN, Role.SCHOOL_COORDINATOR, Role.TRAINEE}),
    Role.SCHOOL_COORDINATOR: frozenset({Role.TRAINEE}),
}

# The kinds of organisation a role may be bound to (None: any kind).
_K = Organisation.Kind
ROLE_ORG_KINDS: dict[str, frozenset[str] | None] = {
    Role.NATIONAL_ADMIN: frozenset({_K.MINISTRY, _K.MINISTRY_UNIT}),
    Role.PROVINCIAL_ADMIN: frozenset({_K.PROVINCE_EDU, _K.PROVINCE_HR}),
    Role.CITY_ADMIN: frozenset({_K.CITY_EDU, _K.CITY_HR}),
    Role.SCHOOL_COORDINATOR: frozenset({_K.SCHOOL}),
    Role.BASE_ADMIN: frozenset(
        {_K.SCHOOL, _K.ENTERPRISE, _K.RESEARCH_INSTITUTE, _K.MINISTRY_UNIT, _K.OTHER}
    ),
    Role.EXPERT_REVIEWER: None,
    Role.CORE_TEACHER: None,
    Role.TRAINEE: None,
}


def active_assignments(user: Any) -> list[RoleAssignment]:
    """The user's live role assignments, fetched once per request (cached on the user object)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, "_scope_assignments", None)
    if cached is None:
        cached = list(
            RoleAssignment.objects.filter(user=user, is_active=True, org__is_active=True)
            .select_related("org")
            .order_by("pk")
        )
        user._scope_assignments = cached
    return cached


def forget(user: Any) -> None:
    """Drop the cached assignments after they change."""
    user.__dict__.pop("_scope_assignments", None)
    user.__dict__.pop("_scope_may_hold", None)


def roles(user: Any) -> set[str]:
    return {a.role for a in active_assignments(user)}


def reach(assignment: RoleAssignment) -> str:
    """The subtree an assignment reaches: its organisation's, except that a national admin bound
    to a ministry's department (教师工作司, 部指导中心) acts for the whole ministry."""
    if assignment.role == Role.NATIONAL_ADMIN:
        return "/" + assignment.org.path.split("/")[1] + "/"
    return assignment.org.path


def action_paths(user: Any, action: str) -> list[str]:
    paths = sorted(
        {
            reach(a)
            for a in active_assignments(user)
            # A path is "/<id>/" at least; anything shorter would match every row.
            if action in ROLE_ACTIONS[a.role] and len(a.org.path) > 2
        }
    )
    # A path under another one adds nothing to the filter.
    return [p for p in paths if not any(p != q and p.startswith(q) for q in paths)]


def top_org(user: Any, action: str) -> Organisation | None:
    """The highest organisation where the user may do `action`: whom an audit entry about a
    batch (an import, a full export) concerns, so that supervisors above can see it."""
    granting = [a.org for a in active_assignments(user) if action in ROLE_ACTIONS[a.role]]
    return min(granting, key=lambda o: (o.depth, o.pk), default=None)


def has_any(user: Any, action: str) -> bool:
    """Whether the user may do `action` somewhere (navigation, buttons)."""
    return bool(action_paths(user, action))


def orgs_q(user: Any, action: str, *, via: str | None = "org") -> Q:
    """Filter for rows whose organisation lies under an org where `user` may do `action`.

    `via` is the lookup from the row to its organisation; ``None`` filters organisations.
    """
    paths = action_paths(user, action)
    if not paths:
        return Q(pk__in=[])
    field = f"{via}__path__startswith" if via else "path__startswith"
    return reduce(operator.or_, (Q(**{field: p}) for p in paths))


def allows(user: Any, action: str, org: Organisation | None) -> bool:
    if org is None:
        return False
    return any(org.path.startswith(p) for p in action_paths(user, action))


def allows_below(user: Any, action: str, org: Organisation) -> bool:
    """Granted by an assignment strictly above `org`: an admin may not reshape the organisation
    its own role is bound to (its kind, region, parent or status), only what lies under it."""
    return any(org.path.startswith(p) and org.path != p for p in action_paths(user, action))


def may_manage_account(actor: Any, user: Any) -> bool:
    """Whether `actor` may reset the password or change the login identifiers of `user`: only
    if the actor could hand out every role the account holds, and never for superusers."""
    if user.is_superuser or user.is_staff or user.person_id is None:
        return False
    if not allows_person(actor, "person.change", user.person):
        return False
    return all(
        a.role in grantable_roles(actor, a.org)
        for a in user.assignments.filter(is_active=True).select_related("org")
    )


def require(user: Any, action: str, org: Organisation | None) -> None:
    if not allows(user, action, org):
        raise NotPermitted()


def get_in_scope(
    user: Any, action: str, qs: QuerySet[M], *, via: str | None = "org", **lookup: Any
) -> M:
    """Fetch and authorise in one step; missing and out-of-scope look the same (404)."""
    try:
        return qs.filter(orgs_q(user, action, via=via)).get(**lookup)
    except (qs.model.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def people_q(user: Any, action: str, *, via: str | None = None) -> Q:
    """Filter for people: those of orgs in scope, plus the user's own record for self actions."""
    prefix = f"{via}__" if via else ""
    q = orgs_q(user, action, via=f"{prefix}org")
    person_id = getattr(user, "person_id", None)
    if action in SELF_ACTIONS and person_id:
        q |= Q(**{f"{prefix}pk": person_id})
    return q


def allows_person(user: Any, action: str, person: Person) -> bool:
    if action in SELF_ACTIONS and person.pk and person.pk == getattr(user, "person_id", None):
        return True
    return allows(user, action, person.org)


def require_person(user: Any, action: str, person: Person) -> None:
    if not allows_person(user, action, person):
        raise NotPermitted()


def get_person_in_scope(user: Any, action: str, qs: QuerySet[Person], **lookup: Any) -> Person:
    try:
        return qs.filter(people_q(user, action)).get(**lookup)
    except (Person.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def grantable_roles(user: Any, org: Organisation) -> list[str]:
    """Roles the user may assign at `org`: from a role held over `org`, fit for the org's kind."""
    allowed: set[str] = set()
    for a in active_assignments(user):
        if "role.assign" in ROLE_ACTIONS[a.role] and org.path.startswith(reach(a)):
            allowed |= GRANTABLE.get(a.role, frozenset())
    return [
        r
        for r in Role.values
        if r in allowed and (ROLE_ORG_KINDS[r] is None or org.kind in ROLE_ORG_KINDS[r])
    ]


# Region reach of an administrative organisation, in leading digits of the GB/T 2260 code: a
# quota given to 浙江省 (330000) is the province department's to split, not an organisation's.
_REGION_DIGITS = {
    _K.MINISTRY: 0,
    _K.MINISTRY_UNIT: 0,
    _K.PROVINCE_EDU: 2,
    _K.PROVINCE_HR: 2,
    _K.CITY_EDU: 4,
    _K.CITY_HR: 4,
}


REGION_KINDS = frozenset(_REGION_DIGITS)


def region_digits(region: Any) -> int:
    """How many leading digits of its code name a region: 2 for a province, 4 for a city."""
    return 2 if region.code.endswith("0000") else 4


def area_prefix(org: Organisation) -> str | None:
    """The region codes an administrative department governs, as their leading digits ("" the
    whole country for a ministry, "33" for Zhejiang's department); None for other kinds."""
    digits = _REGION_DIGITS.get(org.kind)
    if digits is None:
        return None
    if digits == 0:
        return ""
    return org.region_id[:digits] if org.region_id else None


def in_area(owner: Organisation | None, *, region: Any = None, org: Any = None) -> bool:
    """Whether a region or an organisation lies in the area of a programme's owner: for a
    department, the regions it governs and the organisations under it (whose approvers it
    reaches); a ministry's programme, or one without an owner, is national: everything."""
    if owner is None:
        return True
    prefix = area_prefix(owner)
    if prefix == "":
        return True
    if org is not None:
        return org.path.startswith(owner.path)
    return region is not None and prefix is not None and region.code.startswith(prefix)


def reaches_area(user: Any, action: str, owner: Organisation | None) -> bool:
    """Whether `user` may do `action` somewhere in the area of a programme's owner (or above
    it): what a page offers the user on that programme."""
    if owner is None or area_prefix(owner) == "":
        return has_any(user, action)
    return any(
        p.startswith(owner.path) or owner.path.startswith(p) for p in action_paths(user, action)
    )


def region_prefixes(user: Any, action: str) -> list[str]:
    """Region code prefixes where `user` may do `action`; "" reaches every region."""
    out = set()
    for a in active_assignments(user):
        if action not in ROLE_ACTIONS[a.role]:
            continue
        digits = 0 if a.role == Role.NATIONAL_ADMIN else _REGION_DIGITS.get(a.org.kind)
        if digits == 0:
            out.add("")
        elif digits and a.org.region_id:
            out.add(a.org.region_id[:digits])
    return sorted(out)


def receivers_q(user: Any, action: str, *, region: str = "region", org: str = "org") -> Q:
    """Filter for rows given to a region or an organisation (quotas) that `user` reaches."""
    q = orgs_q(user, action, via=org)
    for prefix in region_prefixes(user, action):
        q |= Q(**{f"{region}__code__startswith": prefix, f"{region}__isnull": False})
    return q


def allows_receiver(
    user: Any, action: str, *, region: Any = None, org: Any = None, below: bool = False
) -> bool:
    """Whether `user` reaches this receiver; with `below`, from strictly above it (one may split
    one's own seats, but only a level above may set how many one has)."""
    if org is not None:
        return allows_below(user, action, org) if below else allows(user, action, org)
    if region is None:
        return False
    digits = region_digits(region)
    return any(
        region.code.startswith(p) and (not below or len(p) < digits)
        for p in region_prefixes(user, action)
    )


def allows_programme(user: Any, action: str, programme: Any) -> bool:
    """Actions on a programme as a whole belong to admins over its owner (the issuing
    department), or to the ministry's when the programme names no owner."""
    if programme.owner_id:
        return allows(user, action, programme.owner)
    return "" in region_prefixes(user, action) and has_any(user, action)


def require_programme(user: Any, action: str, programme: Any) -> None:
    if not allows_programme(user, action, programme):
        raise NotPermitted()


def expert_reviews_q(user: Any, *, via: str = "expert") -> Q:
    """Filter for reviews assigned to `user`: an expert reviewer reaches the applications
    assigned to it only, and only while it holds the role (DOMAIN.md §3)."""
    if Role.EXPERT_REVIEWER not in roles(user):
        return Q(pk__in=[])
    return Q(**{via: user})


def acts_as(user: Any, role: str, org: Organisation | None) -> bool:
    """Whether `user` holds `role` over `org`: an approval step names a role, and only a holder
    of that role above the enrollment's organisation (or base) may take it."""
    if org is None:
        return False
    return any(a.role == role and org.path.startswith(reach(a)) for a in active_assignments(user))


def may_hold(user: Any, role: str) -> bool:
    """False when the user surely does not hold `role`. Before its assignments are fetched, a
    lighter query than theirs (it does not look whether the organisation is still active):
    most asked for a teacher's own answer (may it decide?), where the answer is a quick no."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    cached = getattr(user, "_scope_assignments", None)
    if cached is not None:
        return any(a.role == role for a in cached)
    known = user.__dict__.setdefault("_scope_may_hold", {})
    if role not in known:
        known[role] = RoleAssignment.objects.filter(user=user, role=role, is_active=True).exists()
    return known[role]


def enrollments_q(user: Any) -> Q:
    """Enrollments a user reaches: of teachers under its organisations, at its base,
    of programmes its organisations own, and its own."""
    q = (
        orgs_q(user, "enrollment.view", via="org")
        | orgs_q(user, "enrollment.view_base", via="base")
        # A programme's owner sees every enrollment in it, wherever the teacher comes from.
        | orgs_q(user, "enrollment.view", via="programme__owner")
    )
    person_id = getattr(user, "person_id", None)
    if person_id:
        q |= Q(person_id=person_id)
    return q
