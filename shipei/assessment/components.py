"""The components of a trainee's assessment, read from the programme's policy: the item's own
assessment, its parent's, else the programme's (``PolicyV1.assessment_for``)."""

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from shipei.programmes.policy import Assessment, Component
from shipei.staffing.models import StaffRole

# A policy that names no pass mark: the percentage scale's usual 60.
DEFAULT_PASS_MARK = Decimal(60)
KIND_LABELS = {
    "process": _("过程性考核"),
    "final": _("终结性考核"),
    "essay": _("论文"),
    "online_test": _("在线测试"),
    "other": _("考核"),
}
# Components scored by people; an on-line test is scored by the platform.
SCORED_KINDS = frozenset({"process", "final", "essay", "other"})


def assessment_of(programme: Any, item: str) -> Assessment:
    rules = programme.rules
    try:
        return rules.assessment_for(item)
    except StopIteration:  # an item no longer in the policy: the programme's own assessment
        return rules.assessment


def for_enrollment(enrollment: Any) -> Assessment:
    return assessment_of(enrollment.programme, enrollment.item)


def for_class(training_class: Any) -> Assessment:
    return assessment_of(training_class.project.programme, training_class.project.item)


def component(assessment: Assessment, code: str) -> Component | None:
    return next((c for c in assessment.components if c.code == code), None)


def pass_mark(assessment: Assessment) -> Decimal:
    return assessment.pass_mark if assessment.pass_mark is not None else DEFAULT_PASS_MARK


def tries(assessment: Assessment) -> int:
    """How many attempts a component allows: the first and the policy's retries."""
    return 1 + assessment.retries


def needed_scores(c: Component) -> int:
    """How many submitted scores make the result (at least one)."""
    return max(c.scorers, 1)


def staff_role(c: Component) -> str | None:
    """The core-teacher role that scores `c`, by code or by its words (授课骨干教师); None when
    the component names none (the base's own staff score it)."""
    key = c.scorer_role.strip()
    if not key:
        return None
    if key in StaffRole.values:
        return key
    words = {str(label): code for code, label in StaffRole.choices}
    return words.get(key)


def short_label(assessment: Assessment, c: Component) -> str:
    """The column head of a component: its kind's words (过程性考核), unless another
    component shares the kind; then its own label."""
    same = [x for x in assessment.components if x.kind_of == c.kind_of]
    return str(KIND_LABELS[c.kind_of]) if len(same) == 1 else c.label
