"""Who may receive a certificate, and what it says: the one place that decides.

``problems`` answers for the issuing service, the batch, the pages and the API alike. It asks
that the enrollment completed its training; that the training's hours reached what the notice
requires, where both are known, and the trainee's own hours (sessions attended, self-paced
learning) what the class requires where the class keeps a schedule; and, with the policy's
``certificate.after_assessment``, every required component passed (assessment.result_for);
with ``certificate.after_evaluation``, every trainee form handed out to the class answered
(surveys.evaluation_problems).

``completion_problems`` is the part of these rules that decides whether a trainee completed
the training (已结业) when the class closes or the project completes (``completion``): the
hours and the assessment, not the evaluation nor the certificate.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from shipei.assessment import selectors as assessment
from shipei.classes.models import TrainingClass
from shipei.enrollment.exports import short_title
from shipei.enrollment.models import Enrollment
from shipei.enrollment.terms import item_title
from shipei.programmes.policy import Item, PolicyV1
from shipei.projects.models import Project
from shipei.schedule import hours as schedule_hours
from shipei.surveys import selectors as surveys

Status = Enrollment.Status
# Admitted and still in the training: it may have ended (the class closed, the project done).
IN_TRAINING = (Status.ADMITTED, Status.ATTENDING)


@dataclass(frozen=True)
class Facts:
    """What a certificate of the enrollment says, as it would be issued now."""

    item: str
    programme_title: str
    title: str
    hours: Decimal | None
    starts_on: datetime.date | None
    ends_on: datetime.date | None
    issuer: str


def problems(enrollment: Enrollment) -> list[str]:
    """Why `enrollment` may not receive a certificate, each in Chinese; empty when it may."""
    out: list[str] = []
    if enrollment.status == Status.FAILED:
        out.append(_("该学员未通过结业考核，不能发证。"))
    elif enrollment.status not in (*IN_TRAINING, Status.PASSED):
        out.append(
            _("该学员的报名状态为“%(status)s”，未参加培训，不能发证。")
            % {"status": enrollment.get_status_display()}
        )
    elif enrollment.status != Status.PASSED and not training_ended(enrollment):
        out.append(_("培训尚未结束（班次结班或项目完成后方可发证）。"))
    short = _hours_short(enrollment)
    if _rules(enrollment).certificate.after_assessment:
        short += _assessment_short(enrollment)
    out += [_("%(problem)s，不能发证。") % {"problem": p} for p in short]
    if _rules(enrollment).certificate.after_evaluation:
        out += surveys.evaluation_problems(enrollment)
    return out


def completion_problems(enrollment: Enrollment, *, passed: bool | None = None) -> list[str]:
    """Why the trainee has not completed the training (未结业), each in Chinese; empty when
    they have (已结业): the hours the notice requires not reached (the training's, the
    trainee's own) or the assessment not passed, whatever the certificate's policy asks
    beyond them. `passed`: the assessment's outcome where the caller read it already
    (``assessment.passed_ids`` for a whole class)."""
    return _hours_short(enrollment) + _assessment_short(enrollment, passed=passed)


def _hours_short(enrollment: Enrollment) -> list[str]:
    """The training's hours against what the notice requires, where both are known; the
    trainee's own hours against what the trainee must reach, where the class keeps a
    schedule."""
    out = []
    required, delivered = hours_required(enrollment), _project_hours(enrollment)
    if required is not None and delivered is not None and delivered < required:
        out.append(
            _("该培训的学时（%(delivered)s）少于通知规定的 %(required)s 学时")
            % {"delivered": _hours(delivered), "required": _hours(required)}
        )
    return out + _own_hours_short(enrollment)


def _assessment_short(enrollment: Enrollment, *, passed: bool | None = None) -> list[str]:
    """Every required component not passed (a programme that names none has nothing to
    pass)."""
    if passed:
        return []
    result = assessment.result_for(enrollment)
    if result.passed:
        return []
    return [_("结业考核未全部合格（%(reason)s）") % {"reason": result.reason}]


def _own_hours_short(enrollment: Enrollment) -> list[str]:
    """Where the class keeps a schedule, the trainee's own hours so far against the hours the
    trainee must reach (schedule.hours: the item's, the project's, else the class's)."""
    if not (enrollment.training_class_id and enrollment.training_class.sessions.exists()):
        return []
    required = schedule_hours.hours_required(enrollment)
    done = sum((h for _label, h in schedule_hours.hours_so_far(enrollment)), Decimal(0))
    if required is None or done >= required:
        return []
    return [
        _("该学员已完成 %(done)s 学时，未达到规定的 %(required)s 学时")
        % {"done": _hours(done), "required": _hours(required)}
    ]


def training_ended(enrollment: Enrollment) -> bool:
    """Whether the training the enrollment took has ended: its class closed, else its project
    completed, else (an item run without projects) the item's training dates are past."""
    klass: TrainingClass | None = enrollment.training_class
    if klass is not None and klass.status == TrainingClass.Status.CLOSED:
        return True
    project: Project | None = enrollment.project
    if project is not None:
        return project.status == Project.Status.COMPLETED
    if klass is not None:
        return False
    window = _rules(enrollment).inherited(enrollment.item, "training")
    closes = window.closes_at() if window else None
    return closes is not None and closes < timezone.now()


def hours_required(enrollment: Enrollment) -> Decimal | None:
    """The hours the notice gives the enrollment's item (or the nearest parent that says)."""
    return _rules(enrollment).inherited(enrollment.item, "hours")


def facts(enrollment: Enrollment) -> Facts:
    rules = _rules(enrollment)
    policy = rules.certificate
    item = _certified_item(rules, enrollment.item)
    project: Project | None = enrollment.project
    if policy.per == "phase" and item.code != enrollment.item:
        title = item.label
        hours = item.hours
    else:
        title = project.title if project else item_title(enrollment.programme, item.code)
        hours = _project_hours(enrollment) or hours_required(enrollment)
    starts_on, ends_on = _dates(enrollment, rules, item)
    return Facts(
        item=item.code,
        programme_title=short_title(enrollment.programme),
        title=title,
        hours=hours,
        starts_on=starts_on,
        ends_on=ends_on,
        issuer=issuer_name(enrollment),
    )


def issuer_name(enrollment: Enrollment) -> str:
    """The base that ran it where the policy says so (004), else the policy's issuer, else the
    notice's issuing department."""
    policy = _rules(enrollment).certificate
    if policy.issued_by_base and enrollment.base_id:
        return enrollment.base.name
    programme = enrollment.programme
    owner = programme.owner.name if programme.owner_id else ""
    return policy.issuer or programme.issuer or owner


def _certified_item(rules: PolicyV1, code: str) -> Item:
    """The item the certificate is for: the enrollment's, or its phase (``per: phase``)."""
    if rules.certificate.per == "phase":
        for item in rules.lineage(code):
            if item.kind == "phase":
                return item
    return rules.item(code)


def _dates(
    enrollment: Enrollment, rules: PolicyV1, item: Item
) -> tuple[datetime.date | None, datetime.date | None]:
    klass = enrollment.training_class
    if klass is not None:
        return klass.starts_on, klass.ends_on
    if enrollment.project_id:
        spans = list(enrollment.project.classes.values_list("starts_on", "ends_on"))
        if spans:
            return min(s for s, _e in spans), max(e for _s, e in spans)
    window = item.training or rules.inherited(item.code, "training")
    if window is None:
        return None, None
    opens, closes = window.opens_at(), window.closes_at()
    return (opens.date() if opens else None), (closes.date() if closes else None)


def _project_hours(enrollment: Enrollment) -> Decimal | None:
    return enrollment.project.hours if enrollment.project_id else None


def _rules(enrollment: Enrollment) -> PolicyV1:
    return enrollment.programme.rules


def _hours(value: Decimal) -> str:
    return format(value.normalize(), "f")


def hours_text(value: Any) -> str:
    return "" if value is None else _hours(Decimal(value))
