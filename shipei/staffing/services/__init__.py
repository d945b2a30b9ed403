"""Writes of the core-teacher pool and of classes' staffing (notice 004, 第八条).

Proposals come from the solver (``solver``): for one class (``class_recommend``) or for a
programme's half-year at once (``plan_staff``, in the background). The institution invites a
proposed teacher, who accepts or declines; a decline brings the next proposal for that place. An invitation holds the
teacher's time: inviting and accepting lock the teacher's row, check the holds, and write; on
PostgreSQL an exclusion constraint refuses overlapping holds besides, whatever path a row takes.

The pool (``pool``), proposals (``proposals``), half-year runs (``runs``) and invitations
(``invitations``).
"""

from .invitations import (
    assignment_accept,
    assignment_decline,
    assignment_invite,
    assignment_withdraw,
)
from .pool import core_teacher_add, core_teacher_import, core_teacher_save, qualification_problems
from .proposals import class_recommend, preferences_set
from .runs import plan_staff

__all__ = [
    "assignment_accept",
    "assignment_decline",
    "assignment_invite",
    "assignment_withdraw",
    "class_recommend",
    "core_teacher_add",
    "core_teacher_import",
    "core_teacher_save",
    "plan_staff",
    "preferences_set",
    "qualification_problems",
]
