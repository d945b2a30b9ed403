"""Who takes an enrollment's approval step (the programme's chain names a role for each step).

One place answers it for the check, 待我审核, the notices, the API and the pages.
"""

from typing import Any

from shipei.accounts import scope
from shipei.accounts.models import Role
from shipei.orgs.models import Organisation
from shipei.programmes.models import Programme

from .models import Enrollment


def current_step(enrollment: Enrollment) -> Any:
    chain = enrollment.programme.rules.enrollment.approval_chain
    return chain[enrollment.step] if enrollment.step < len(chain) else None


def step_org(enrollment: Enrollment, role: str) -> Organisation | None:
    """The organisation a step's role must reach: the base for a base's step, the programme's
    owner for the ministry's, else the teacher's organisation."""
    if role == Role.BASE_ADMIN:
        project = enrollment.project or (
            enrollment.training_class.project if enrollment.training_class_id else None
        )
        return project.base if project else None
    if role == Role.NATIONAL_ADMIN:
        return enrollment.programme.owner or enrollment.org
    return enrollment.org


def may_act_for_programme(user: Any, programme: Programme) -> bool:
    """A national admin's step: over the programme's owner, or any when it names none."""
    if not scope.may_hold(user, Role.NATIONAL_ADMIN):
        return False  # without loading the owner
    if programme.owner_id:
        return scope.acts_as(user, Role.NATIONAL_ADMIN, programme.owner)
    return Role.NATIONAL_ADMIN in scope.roles(user)


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
    if step.role == Role.NATIONAL_ADMIN:
        return may_act_for_programme(user, enrollment.programme)
    return scope.acts_as(user, step.role, step_org(enrollment, step.role))
