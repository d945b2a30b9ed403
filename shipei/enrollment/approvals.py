"""Who takes an enrollment's approval step: one rule, three questions.

The programme's chain names a role for each step; the step is taken by a holder of that role
over the organisation the step applies to (``STEP_ORG``). From that one definition this module
answers, as Wagtail's permission policies do: may this user take this enrollment's step
(``may_decide``), which enrollments may this user decide (``decidable``, 待我审核), and which
users may decide this enrollment (``users_who_may_decide``, its notices and reminders). The
service's check, the lists, the notices, the API and the pages all ask here.
"""

from functools import reduce
from operator import or_
from typing import Any

from django.db.models import Q, QuerySet

from shipei.accounts import scope
from shipei.accounts.models import Role, RoleAssignment, User
from shipei.orgs.models import Organisation
from shipei.programmes.models import Programme, rules_of
from shipei.programmes.policy import ApprovalStep

from .models import Enrollment

Status = Enrollment.Status
ROLE_LABELS = dict(Role.choices)

# The organisation a step's role must reach, as a lookup from the enrollment: a base's step its
# base (its project's, or the one its item names), the ministry's the programme's owner, any
# other the teacher's organisation.
STEP_ORG = {Role.BASE_ADMIN: "base", Role.NATIONAL_ADMIN: "programme__owner"}


def _lookup(role: str) -> str:
    return STEP_ORG.get(role, "org")


# ---- the chain ------------------------------------------------------------------------------


def chain_of(enrollment: Enrollment) -> list[ApprovalStep]:
    """The chain the enrollment follows: its item's (or the programme's) in the policy revision
    it was made under, so that a later edit never strands it."""
    return chain_for(enrollment.programme, enrollment.policy_revision, enrollment.item)


def chain_for(programme: Programme, revision: int | None, item: str) -> list[ApprovalStep]:
    rules = rules_of(programme, revision)
    try:
        return rules.chain_for(item)
    except StopIteration:  # an item the revision does not have: the programme's chain
        return rules.enrollment.approval_chain


def item_base(programme: Programme, item: str) -> Organisation | None:
    """The training base an item of the programme names (its own or its parent's), by its full
    name or an alias; None where it names none or this installation lacks it."""
    try:
        name = programme.rules.base_for(item)
    except StopIteration:
        return None
    if not name:
        return None
    return (
        Organisation.objects.filter(name=name, is_active=True).first()
        or Organisation.objects.filter(aliases__name=name, is_active=True).first()
    )


def step_at(enrollment: Enrollment, index: int | None) -> ApprovalStep | None:
    chain = chain_of(enrollment)
    return chain[index] if index is not None and 0 <= index < len(chain) else None


def current_step(enrollment: Enrollment) -> ApprovalStep | None:
    return step_at(enrollment, enrollment.step)


def is_last_step(enrollment: Enrollment) -> bool:
    return enrollment.step + 1 >= len(chain_of(enrollment))


def next_step(enrollment: Enrollment) -> dict[str, str] | None:
    """Where an enrollment stands: the step it waits at and the role that acts, for pages that
    show "who acts next"; None once decided."""
    if enrollment.status == Status.RETURNED:
        return {"label": "退回修改", "role": "报名人"}
    step = current_step(enrollment) if enrollment.status == Status.SUBMITTED else None
    if step is None:
        return None
    return {"label": step.label, "role": str(ROLE_LABELS.get(step.role, step.role))}


def step_org(enrollment: Enrollment, role: str) -> Organisation | None:
    """The organisation `role`'s step of this enrollment applies to (STEP_ORG)."""
    found: Any = enrollment
    for part in _lookup(role).split("__"):
        found = getattr(found, part, None)
        if found is None:
            return None
    return found


# ---- may this user decide this enrollment? ----------------------------------------------------


def is_own(user: Any, enrollment: Enrollment) -> bool:
    person_id = getattr(user, "person_id", None)
    return person_id is not None and person_id == enrollment.person_id


def may_decide(user: Any, enrollment: Enrollment) -> bool:
    """Whether `user` may take the enrollment's current step. Never on one's own enrollment:
    an approver who enrolls is approved by another holder of the step's role."""
    return not is_own(user, enrollment) and holds_step(user, enrollment)


def holds_step(user: Any, enrollment: Enrollment) -> bool:
    """Whether `user` holds the role of the enrollment's current step where it applies,
    whoever's enrollment it is."""
    step = current_step(enrollment)
    if step is None or enrollment.status != Enrollment.Status.SUBMITTED:
        return False
    if not scope.may_hold(user, step.role):
        return False  # a teacher's own answer, say: no need to load the step's organisation
    if step.role == Role.NATIONAL_ADMIN and enrollment.programme.owner_id is None:
        return Role.NATIONAL_ADMIN in scope.roles(user)  # the ministry's own programme
    return scope.acts_as(user, step.role, step_org(enrollment, step.role))


# ---- which enrollments may this user decide? --------------------------------------------------


def decidable(user: Any, waiting: QuerySet[Enrollment]) -> QuerySet[Enrollment]:
    """Of `waiting` (enrollments the user sees), those whose current step the user may take
    now: one query, for each programme with enrollments waiting, the steps of its chain that
    name one of the user's roles, each limited to where the user holds that role (STEP_ORG).
    ``may_decide`` stays the authority when a step is taken."""
    reach: dict[str, list[str]] = {}
    for a in scope.active_assignments(user):
        reach.setdefault(a.role, []).append(scope.reach(a))
    if not reach:
        return waiting.none()
    waiting = waiting.filter(status=Status.SUBMITTED)
    if getattr(user, "person_id", None):  # never one's own (may_decide)
        waiting = waiting.exclude(person_id=user.person_id)
    q = Q(pk__in=[])
    kinds = waiting.order_by().values_list("programme", "policy_revision", "item").distinct()
    by_chain: dict[tuple, list[str]] = {}
    for programme_id, revision, item in kinds:
        by_chain.setdefault((programme_id, revision), []).append(item)
    programmes = Programme.objects.in_bulk({p for p, _r in by_chain})
    for (programme_id, revision), items in by_chain.items():
        programme = programmes[programme_id]
        chains: dict[int, tuple[list[ApprovalStep], list[str]]] = {}
        for item in items:  # items sharing a chain share one condition
            chain = chain_for(programme, revision, item)
            chains.setdefault(id(chain), (chain, []))[1].append(item)
        for chain, codes in chains.values():
            for index, step in enumerate(chain):
                paths = reach.get(step.role)
                if not paths:
                    continue
                if step.role == Role.NATIONAL_ADMIN and programme.owner_id is None:
                    where = Q()  # the ministry's own programme: any national admin
                else:
                    field = f"{_lookup(step.role)}__path__startswith"
                    where = reduce(or_, (Q(**{field: path}) for path in paths))
                q |= (
                    Q(programme=programme, policy_revision=revision, item__in=codes, step=index)
                    & where
                )
    return waiting.filter(q)


# ---- which users may decide this enrollment? --------------------------------------------------


def users_who_may_decide(enrollment: Enrollment, *, cache: dict | None = None) -> list[User]:
    """The users who may take the enrollment's current step now: ``may_decide`` is true for
    each (its approvers to notify and to remind).

    Candidates are the active holders of the step's role at the step's organisation or above
    it; ``holds_step`` decides among them. `cache` shares the answer between enrollments of one
    programme waiting at the same step for the same organisation (a batch of notices, the
    reminder jobs).
    """
    step = current_step(enrollment)
    if step is None or enrollment.status != Status.SUBMITTED:
        return []
    org = step_org(enrollment, step.role)
    key = (enrollment.programme_id, enrollment.step, step.role, org.pk if org else None)
    if cache is not None and key in cache:
        found = cache[key]
    else:
        found = [user for user in _role_holders(step.role, org) if holds_step(user, enrollment)]
        if cache is not None:
            cache[key] = found
    # Shared by the enrollments waiting at the step; nobody decides their own (may_decide).
    return [user for user in found if not is_own(user, enrollment)]


def _role_holders(role: str, org: Organisation | None) -> list[User]:
    """Active users holding `role` at `org` or above it (a national admin reaches everything
    under the ministry, so its assignments are not narrowed by path)."""
    qs = RoleAssignment.objects.filter(
        role=role, is_active=True, org__is_active=True, user__is_active=True
    ).select_related("user")
    if role != Role.NATIONAL_ADMIN:
        if org is None:
            return []
        qs = qs.filter(org_id__in=org.ancestor_ids())  # the org and those above it
    return list({a.user_id: a.user for a in qs.order_by("user_id")}.values())
