"""Milestones counted back from a class's start (policy ``classes.milestones_days_before_start``;
notice 004: apply 40 days before, recommend and invite core teachers by 35, file the training
plan by 30): when each falls due, which one a class faces next, the refusal of a step taken too
late unless an admin in scope granted an exception, and the reminders to the institution."""

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shipei.accounts import scope
from shipei.accounts.models import Role, RoleAssignment
from shipei.core.clock import SHANGHAI
from shipei.notifications.services import remind_once
from shipei.programmes.policy import MILESTONE_STEPS

from .errors import MilestonePassed
from .models import TrainingClass

S = TrainingClass.Status
LABELS = {
    "class_application": gettext_lazy("开班申请"),
    "core_teacher_recommendation": gettext_lazy("推荐并邀请骨干教师"),
    "plan_filing": gettext_lazy("培训方案报备"),
}
# The milestones a class in each state faces next, the first one the policy sets counting.
AHEAD = {
    S.PLANNED: ("class_application",),
    S.APPLIED: ("core_teacher_recommendation", "plan_filing"),
    S.STAFFED: ("plan_filing",),
    S.RETURNED: ("plan_filing",),
}
REMIND_DAYS = 3  # the institution is reminded this many days before a milestone, once


def label(code: str) -> str:
    return str(LABELS.get(code, code))


@dataclass
class Standing:
    code: str
    label: str
    days_before: int  # before the start, from the policy
    due: datetime.date
    left: int  # days left until it falls due; negative once passed
    excepted: bool

    @property
    def text(self) -> str:
        if self.left > 0:
            return _("还剩 %(n)s 天") % {"n": self.left}
        if self.left == 0:
            return _("今天截止")
        return _("已过 %(n)s 天") % {"n": -self.left}

    @property
    def css(self) -> str:
        if self.left < 0 and not self.excepted:
            return "sp-badge-off"
        return "sp-badge-warn" if self.left <= 7 else "sp-badge-ok"


def _today() -> datetime.date:
    return timezone.localdate()


def standing(
    training_class: TrainingClass, code: str, today: datetime.date | None = None
) -> Standing | None:
    """Where `code` stands for the class; None where the policy sets no such milestone."""
    rules = training_class.project.programme.rules.classes
    days = rules.days_before(code)
    if days is None or not rules.uses(MILESTONE_STEPS[code]):
        return None
    due = training_class.starts_on - datetime.timedelta(days=days)
    return Standing(
        code=code,
        label=label(code),
        days_before=days,
        due=due,
        left=(due - (today or _today())).days,
        excepted=training_class.milestone_exceptions.filter(milestone=code).exists(),
    )


def next_milestone(
    training_class: TrainingClass, today: datetime.date | None = None
) -> Standing | None:
    """The milestone the class faces next in its state, if the policy sets one."""
    for code in AHEAD.get(training_class.status, ()):
        found = standing(training_class, code, today)
        if found is not None:
            return found
    return None


def milestone_require(
    training_class: TrainingClass, code: str, today: datetime.date | None = None
) -> None:
    """Refuse a step bounded by `code` once its day has passed, unless an admin excepted the
    class (the staffing app asks it before invitations go out)."""
    found = standing(training_class, code, today)
    if found is None or found.left >= 0 or found.excepted:
        return
    raise MilestonePassed(
        label=found.label, days=found.days_before, due=found.due.isoformat(), late=-found.left
    )


def institution_users(institution: object) -> list:
    """Who runs the institution's classes: its admins who may run classes there."""
    qs = RoleAssignment.objects.filter(
        role=Role.BASE_ADMIN,
        org_id__in=institution.ancestor_ids(),  # type: ignore[attr-defined]
        is_active=True,
        user__is_active=True,
    ).select_related("user")
    users = {a.user_id: a.user for a in qs}.values()
    return [u for u in users if scope.allows(u, "class.run", institution)]  # type: ignore[arg-type]


def remind_class_milestones(*, now: datetime.datetime | None = None) -> int:
    """Remind each institution of a class's next milestone from three days before it, once
    per user, milestone and date (a moved class is reminded again of its new date)."""
    today = (now or timezone.now()).astimezone(SHANGHAI).date()
    classes = (
        TrainingClass.objects.filter(status__in=AHEAD, starts_on__gte=today)
        .select_related("project__programme", "project__base")
        .order_by("starts_on", "pk")
    )
    sent = 0
    for training_class in classes:
        found = next_milestone(training_class, today)
        if found is None or found.excepted or not 0 <= found.left <= REMIND_DAYS:
            continue
        for user in institution_users(training_class.project.base):
            sent += remind_once(
                user,
                key=f"class-milestone:{training_class.pk}:{found.code}:{found.due}:{user.pk}",
                title=_("%(class)s：%(label)s将于 %(date)s 截止")
                % {"class": training_class, "label": found.label, "date": found.due},
                body=_("班次“%(class)s”于 %(start)s 开班，%(label)s须在开班前 %(days)s 天办理。")
                % {
                    "class": training_class,
                    "start": training_class.starts_on.isoformat(),
                    "label": found.label,
                    "days": found.days_before,
                },
                url=training_class.get_absolute_url(),
            )
    return sent
