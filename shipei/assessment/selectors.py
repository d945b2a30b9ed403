"""Reads of the assessment: who scores what, who may be scored and why not, the scoring
sheet a scorer sees, and each trainee's result (what certificates ask: ``result_for``,
``passed``).

Who reaches a class's assessment: everyone who sees the class (``class.view``: the base, the
provinces and the ministry above it), and the core teachers who accepted a place in it. Who
scores a component: the core teachers in the role the policy names (``scorer_role``: 004's
授课骨干教师 the process, 考核骨干教师 the final), else the base's staff who run the class
(``class.run``). A scorer scores every trainee of the class.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from statistics import median
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from shipei.accounts import scope
from shipei.attendance import selectors as attendance
from shipei.classes.models import TrainingClass
from shipei.core.errors import NotFound
from shipei.enrollment.models import CHAIN_COMPLETED, Enrollment
from shipei.programmes.policy import Assessment, Component
from shipei.staffing.models import Assignment

from . import components as comp
from .models import Attempt, Score

RUN = "class.run"
VIEW = "class.view"
_BASE = "project__base"
ACCEPTED = Assignment.Status.ACCEPTED


# ---- who ----------------------------------------------------------------------------------


def runs_class(user: Any, training_class: TrainingClass) -> bool:
    return scope.allows(user, RUN, training_class.project.base)


def _staffed_q(user: Any, via: str = "") -> Q:
    person_id = getattr(user, "person_id", None)
    if person_id is None:
        return Q(pk__in=[])
    return Q(
        **{
            f"{via}core_assignments__core_teacher__person_id": person_id,
            f"{via}core_assignments__status": ACCEPTED,
        }
    )


def classes_q(user: Any, *, via: str = "") -> Q:
    """Classes whose assessment `user` reaches: seen through ``class.view``, or staffed by them."""
    return scope.orgs_q(user, VIEW, via=f"{via}{_BASE}") | _staffed_q(user, via)


def is_scorer(user: Any, training_class: TrainingClass, c: Component) -> bool:
    if c.kind_of not in comp.SCORED_KINDS:
        return False
    role = comp.staff_role(c)
    if role is None:
        return runs_class(user, training_class)
    person_id = getattr(user, "person_id", None)
    return (
        person_id is not None
        and Assignment.objects.filter(
            training_class=training_class,
            core_teacher__person_id=person_id,
            role=role,
            status=ACCEPTED,
        ).exists()
    )


def scored_by(user: Any, training_class: TrainingClass) -> list[Component]:
    """The components of the class that `user` scores."""
    assessment = comp.for_class(training_class)
    return [c for c in assessment.components if is_scorer(user, training_class, c)]


def may_see_any(user: Any) -> bool:
    """Whether the menu offers 考核管理: the user runs classes, or accepted a place in one."""
    if scope.has_any(user, RUN):
        return True
    person_id = getattr(user, "person_id", None)
    return (
        person_id is not None
        and Assignment.objects.filter(core_teacher__person_id=person_id, status=ACCEPTED).exists()
    )


def takes_any(user: Any) -> bool:
    """Whether the menu offers 我的考核: the user is a trainee of some class."""
    person_id = getattr(user, "person_id", None)
    return (
        person_id is not None
        and Enrollment.objects.filter(
            person_id=person_id, status__in=CHAIN_COMPLETED, training_class__isnull=False
        ).exists()
    )


def class_list(*, user: Any) -> QuerySet[TrainingClass]:
    """Classes with trainees whose assessment the user reaches, the latest first."""
    return (
        TrainingClass.objects.filter(classes_q(user))
        .filter(enrollments__status__in=CHAIN_COMPLETED)
        .distinct()
        .select_related("project__programme", "project__base")
        .order_by("-starts_on", "-pk")
    )


def class_get(*, user: Any, pk: Any) -> TrainingClass:
    try:
        found = (
            TrainingClass.objects.filter(classes_q(user), pk=pk)
            .select_related("project__programme", "project__base")
            .distinct()
            .first()
        )
    except (ValueError, TypeError):
        found = None
    if found is None:
        raise NotFound()
    return found


def roster(training_class: TrainingClass) -> QuerySet[Enrollment]:
    return attendance.roster(training_class).select_related("programme", "base")


def enrollment_get(*, user: Any, pk: Any) -> Enrollment:
    """A trainee of a class the user reaches, or the user's own enrollment."""
    q = Q(person_id=getattr(user, "person_id", None) or 0) | classes_q(user, via="training_class__")
    try:
        found = (
            Enrollment.objects.filter(q, pk=pk, status__in=CHAIN_COMPLETED)
            .select_related("person", "org", "programme", "base", "training_class__project")
            .distinct()
            .first()
        )
    except (ValueError, TypeError):
        found = None
    if found is None or found.training_class_id is None:
        raise NotFound()
    return found


def attempt_list(*, user: Any) -> QuerySet[Attempt]:
    """Attempts the user reaches (the API's list): of classes they reach, and their own."""
    q = classes_q(user, via="enrollment__training_class__")
    if getattr(user, "person_id", None):
        q |= Q(enrollment__person_id=user.person_id)
    return (
        Attempt.objects.filter(q)
        .distinct()
        .select_related("enrollment__person")
        .order_by("enrollment_id", "component", "number")
    )


# ---- attempts and bars --------------------------------------------------------------------


def latest(enrollment: Enrollment, code: str) -> Attempt | None:
    return Attempt.objects.filter(enrollment=enrollment, component=code).order_by("-number").first()


def latest_by_enrollment(enrollments: list[Enrollment]) -> dict[tuple[int, str], Attempt]:
    """The latest attempt of each (enrollment, component), in one query."""
    out: dict[tuple[int, str], Attempt] = {}
    for a in Attempt.objects.filter(enrollment__in=[e.pk for e in enrollments]).order_by("number"):
        out[(a.enrollment_id, a.component)] = a
    return out


def bar(
    enrollment: Enrollment,
    c: Component,
    assessment: Assessment | None = None,
    attempts: dict[tuple[int, str], Attempt] | None = None,
) -> str | None:
    """Why the trainee may not be assessed in `c`, or None when they may: leave and absence
    above the limit (attendance), and, where the policy says so (notice 004), a process
    assessment not passed bars the final one."""
    found = attendance.assessment_bar(enrollment)
    if found:
        return found
    assessment = assessment or comp.for_enrollment(enrollment)
    if not (assessment.process_pass_before_final and c.kind_of == "final"):
        return None
    mark = comp.pass_mark(assessment)
    for process in (x for x in assessment.components if x.kind_of == "process"):
        if attempts is not None:
            last = attempts.get((enrollment.pk, process.code))
        else:
            last = latest(enrollment, process.code)
        if last is not None and last.status == Attempt.Status.PASSED:
            continue
        if last is not None and last.status == Attempt.Status.FAILED:
            return _(
                "%(process)s成绩 %(score)s 分，低于合格分数 %(mark)s 分，不能参加%(final)s。"
            ) % {
                "process": comp.short_label(assessment, process),
                "score": number(last.score),
                "mark": number(mark),
                "final": comp.short_label(assessment, c),
            }
        return _("%(process)s尚未合格（合格分数 %(mark)s 分），不能参加%(final)s。") % {
            "process": comp.short_label(assessment, process),
            "mark": number(mark),
            "final": comp.short_label(assessment, c),
        }
    return None


def number(value: Decimal | None) -> str:
    """85.0 -> "85", 72.5 -> "72.5", None -> "--"."""
    if value is None:
        return "--"
    return format(value.normalize(), "f") if value == value.to_integral() else str(value)


def combine(values: list[Decimal], how: str) -> Decimal:
    """The result of several scorers' scores, to one decimal place."""
    if how == "median":
        found = Decimal(median(values))
    elif how == "min":
        found = min(values)
    else:
        found = sum(values, Decimal(0)) / len(values)
    return found.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


# ---- the scorer's sheet -------------------------------------------------------------------


@dataclass
class SheetRow:
    enrollment: Enrollment
    attempt: Attempt | None
    mine: Score | None
    others: list[Score]  # submitted scores of the other scorers, once the user may see them
    barred: str | None
    essay: Any = None

    @property
    def locked(self) -> bool:
        return self.mine is not None and self.mine.submitted

    @property
    def decided(self) -> bool:
        return self.attempt is not None and self.attempt.status != Attempt.Status.OPEN


def visible_scores(user: Any, attempt: Attempt, *, scorer: bool) -> list[Score]:
    """The submitted scores of an attempt `user` may see: a scorer sees the others' only once
    they submitted their own (no one is swayed by another's score); others who reach the
    class see the submitted ones. Drafts are their scorer's alone."""
    found = list(attempt.scores.filter(submitted_at__isnull=False).select_related("scorer"))
    if not scorer:
        return found
    if not any(s.scorer_id == user.pk for s in found):
        return []
    return [s for s in found if s.scorer_id != user.pk]


def sheet(user: Any, training_class: TrainingClass, c: Component) -> list[SheetRow]:
    """What a scorer (or whoever reaches the class) sees of component `c`: each trainee, the
    current attempt, the user's own score and what else they may see, and any bar."""
    assessment = comp.for_class(training_class)
    trainees = list(roster(training_class))
    attempts = latest_by_enrollment(trainees)
    scorer = is_scorer(user, training_class, c)
    mine = {
        s.attempt_id: s
        for s in Score.objects.filter(scorer=user, attempt__in=[a.pk for a in attempts.values()])
    }
    rows = []
    for e in trainees:
        attempt = attempts.get((e.pk, c.code))
        rows.append(
            SheetRow(
                enrollment=e,
                attempt=attempt,
                mine=mine.get(attempt.pk) if attempt else None,
                others=visible_scores(user, attempt, scorer=scorer) if attempt else [],
                barred=bar(e, c, assessment, attempts),
                essay=getattr(attempt, "essay", None) if attempt else None,
            )
        )
    return rows


# ---- results ------------------------------------------------------------------------------


@dataclass
class ComponentResult:
    component: Component
    label: str
    attempt: Attempt | None
    tries_left: int
    barred: str | None = None

    @property
    def passed(self) -> bool:
        return self.attempt is not None and self.attempt.status == Attempt.Status.PASSED

    @property
    def state(self) -> str:
        if self.passed:
            return _("合格")
        if self.barred:
            return _("不能参加")
        if self.attempt is None or self.attempt.status == Attempt.Status.OPEN:
            return _("待评定")
        return _("不合格，可补考") if self.tries_left else _("不合格")


@dataclass
class Result:
    """A trainee's assessment: each component's latest attempt, and whether every one passed."""

    enrollment: Enrollment
    components: list[ComponentResult] = field(default_factory=list)
    pass_mark: Decimal = comp.DEFAULT_PASS_MARK

    @property
    def passed(self) -> bool:
        return all(r.passed for r in self.components)

    @property
    def failed(self) -> bool:
        """Whether the trainee can no longer pass: a component failed with no retry left, or
        every component barred (the absence limit; a pending process bars only the final)."""
        return any(r.state == _("不合格") for r in self.components) or (
            bool(self.components) and all(r.barred for r in self.components)
        )

    @property
    def reason(self) -> str:
        """Why the trainee has not passed (empty once they have): every component not passed,
        each with its state."""
        parts = []
        for r in self.components:
            if r.passed:
                continue
            text = f"{r.label}{r.state}"
            if r.attempt is not None and r.attempt.score is not None:
                text += _("（%(score)s 分）") % {"score": number(r.attempt.score)}
            if r.barred:
                text += f"：{r.barred}"
            parts.append(text)
        return "；".join(parts)

    @property
    def overall(self) -> Decimal | None:
        """The weighted result where the policy weighs every component, once all are scored."""
        weights = [r.component.weight for r in self.components]
        scores = [r.attempt.score if r.attempt else None for r in self.components]
        if not self.components or None in weights or None in scores or not sum(weights):
            return None
        total = sum((w * s for w, s in zip(weights, scores, strict=True)), Decimal(0))
        return (total / sum(weights)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def results(enrollments: list[Enrollment]) -> list[Result]:
    """The results of several trainees (of one class), in a few queries."""
    attempts = latest_by_enrollment(enrollments)
    out = []
    for e in enrollments:
        assessment = comp.for_enrollment(e)
        result = Result(enrollment=e, pass_mark=comp.pass_mark(assessment))
        for c in assessment.components:
            last = attempts.get((e.pk, c.code))
            used = last.number if last else 0
            closed = last is not None and last.status != Attempt.Status.OPEN
            result.components.append(
                ComponentResult(
                    component=c,
                    label=comp.short_label(assessment, c),
                    attempt=last,
                    tries_left=max(comp.tries(assessment) - used, 0),
                    barred=None if closed else bar(e, c, assessment, attempts),
                )
            )
        out.append(result)
    return out


def passed_ids(enrollments: list[Enrollment]) -> set[int]:
    """Which of `enrollments` passed every component (``Result.passed``), for counting many
    trainees: from their latest attempts' statuses in one query, without the bars and labels a
    result shows (a bar is read for each component still to be decided, two queries a trainee)."""
    latest: dict[tuple[int, str], str] = {}
    for pk, code, status in (
        Attempt.objects.filter(enrollment__in=[e.pk for e in enrollments])
        .order_by("number")
        .values_list("enrollment_id", "component", "status")
    ):
        latest[(pk, code)] = status
    return {
        e.pk
        for e in enrollments
        if all(
            latest.get((e.pk, c.code)) == Attempt.Status.PASSED
            for c in comp.for_enrollment(e).components
        )
    }


def passed_counts(programme: Any, enrollments: QuerySet[Enrollment]) -> dict[int, int]:
    """How many of `enrollments` (of `programme`) passed, by training class: ``passed_ids``'s
    rule counted in the database, for a summary of thousands of trainees. Per item, an
    enrollment passed when the latest attempt of each of its components passed; an item whose
    assessment names no component has nothing to pass. tests/test_services.py runs the same
    trainees through both."""
    by_codes: dict[tuple[str, ...], list[str]] = {}
    for item in enrollments.order_by().values_list("item", flat=True).distinct():
        codes = tuple(dict.fromkeys(c.code for c in comp.assessment_of(programme, item).components))
        by_codes.setdefault(codes, []).append(item)
    out: dict[int, int] = {}
    for codes, items in by_codes.items():  # one query for the items assessed alike
        mine = enrollments.filter(item__in=items)
        if codes:
            later = Attempt.objects.filter(
                enrollment_id=OuterRef("enrollment_id"),
                component=OuterRef("component"),
                number__gt=OuterRef("number"),
            )
            passed_all = (
                Attempt.objects.filter(
                    enrollment__in=mine.values("pk"),
                    component__in=codes,
                    status=Attempt.Status.PASSED,
                )
                .exclude(Exists(later))
                .order_by()
                .values("enrollment_id")
                .annotate(n=Count("component", distinct=True))
                .filter(n=len(codes))
                .values("enrollment_id")
            )
            mine = mine.filter(pk__in=passed_all)
        for class_id, n in (
            mine.order_by()
            .values("training_class_id")
            .annotate(n=Count("pk"))
            .values_list("training_class_id", "n")
        ):
            out[class_id] = out.get(class_id, 0) + n
    return out


def result_for(enrollment: Enrollment) -> Result:
    """The trainee's assessment result (certificates: ``result_for(e).passed`` and
    ``.reason``). A programme whose policy names no component has nothing to pass."""
    return results([enrollment])[0]


def passed(enrollment: Enrollment) -> bool:
    """Whether every component the policy requires is passed."""
    return result_for(enrollment).passed
