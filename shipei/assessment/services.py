"""Writes of the assessment's scoring: a scorer's score (saved as a draft, then submitted and
fixed), an admin's audited correction of a submitted score, and a retry where the policy
allows one. The result of an attempt is settled here once every required scorer submitted:
the scores combined as the policy says (the mean by default), passed or failed against the
pass mark, and moved by the attempt's lifecycle."""

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone

from shipei.accounts import scope
from shipei.audit.services import record
from shipei.enrollment.models import CHAIN_COMPLETED, Enrollment
from shipei.programmes.policy import Assessment, Component

from . import components as comp
from . import selectors
from .errors import (
    AttemptDecided,
    CorrectionReasonMissing,
    EssayMissing,
    NoRetryLeft,
    NoSuchComponent,
    NotAScorer,
    NotScoredByPeople,
    RetryNotNeeded,
    ScoreLocked,
    ScoreNotSubmitted,
    ScoreOutOfRange,
    TraineeBarred,
)
from .lifecycle import decide
from .models import Attempt, Score
from .signals import attempt_decided

S = Attempt.Status


def parse_score(value: Any) -> Decimal:
    """A score typed by a person: 0 to 100, at most one decimal place (full-width digits and
    spaces allowed, as phones type them)."""
    text = str(value if value is not None else "").strip()
    text = text.translate(str.maketrans("０１２３４５６７８９．", "0123456789."))
    try:
        found = Decimal(text)
    except (InvalidOperation, ValueError):
        raise ScoreOutOfRange(value=text or "空") from None
    if not found.is_finite() or not 0 <= found <= 100 or found != found.quantize(Decimal("0.1")):
        raise ScoreOutOfRange(value=text)
    return found.quantize(Decimal("0.1"))


def component_of(enrollment: Enrollment, code: str) -> tuple[Assessment, Component]:
    assessment = comp.for_enrollment(enrollment)
    found = comp.component(assessment, code)
    if found is None:
        raise NoSuchComponent(component=code)
    return assessment, found


def require_may_take(enrollment: Enrollment, c: Component, assessment: Assessment) -> None:
    """TraineeBarred unless the trainee is on the class's roster and nothing bars them."""
    if enrollment.status not in CHAIN_COMPLETED or enrollment.training_class_id is None:
        raise TraineeBarred(
            name=enrollment.person.name, component=c.label, reason="不在班次学员名单中。"
        )
    reason = selectors.bar(enrollment, c, assessment)
    if reason:
        raise TraineeBarred(name=enrollment.person.name, component=c.label, reason=reason)


def current_attempt(enrollment: Enrollment, code: str) -> Attempt:
    """The latest attempt of the component, locked; the first one is opened on first use."""
    last = selectors.latest(enrollment, code)
    if last is None:
        last, _created = Attempt.objects.get_or_create(
            enrollment=enrollment, component=code, number=1
        )
    return Attempt.objects.select_for_update().get(pk=last.pk)


def _require_open(attempt: Attempt, c: Component) -> None:
    if attempt.status != S.OPEN:
        raise AttemptDecided(
            name=attempt.enrollment.person.name,
            component=c.label,
            number=attempt.number,
            status=attempt.get_status_display(),
        )


@transaction.atomic
def score_save(
    *,
    actor: Any,
    enrollment: Enrollment,
    component: str,
    value: Any,
    submit: bool = False,
    comment: str = "",
) -> Score:
    """A scorer's score of the trainee's current attempt: a draft the scorer may change, or,
    with `submit`, fixed; the attempt's result is settled once enough scores are in."""
    assessment, c = component_of(enrollment, component)
    if c.kind_of not in comp.SCORED_KINDS:
        raise NotScoredByPeople(component=c.label)
    if not selectors.is_scorer(actor, enrollment.training_class, c):
        raise NotAScorer(component=c.label)
    found = parse_score(value)
    require_may_take(enrollment, c, assessment)
    attempt = current_attempt(enrollment, c.code)
    _require_open(attempt, c)
    if c.kind_of == "essay" and not hasattr(attempt, "essay"):
        raise EssayMissing(name=enrollment.person.name)
    score = Score.objects.filter(attempt=attempt, scorer=actor).first()
    if score is not None and score.submitted:
        raise ScoreLocked(
            name=enrollment.person.name, component=c.label, value=selectors.number(score.value)
        )
    if score is None:
        score = Score(attempt=attempt, scorer=actor)
    score.value = found
    score.comment = comment.strip()[:500]
    if submit:
        score.submitted_at = timezone.now()
    score.save()
    if submit:
        record(
            actor,
            "assessment.score_submitted",
            score,
            org=enrollment.base,
            enrollment=enrollment.pk,
            component=c.code,
            number=attempt.number,
            value=str(found),
        )
        settle(attempt, actor=actor, assessment=assessment, component=c)
    return score


def settle(
    attempt: Attempt, *, actor: Any, assessment: Assessment, component: Component, **data: Any
) -> None:
    """Decide the attempt once the required number of scorers submitted; again after a
    correction (the result may turn over)."""
    values = list(attempt.scores.filter(submitted_at__isnull=False).values_list("value", flat=True))
    if len(values) < comp.needed_scores(component):
        return
    attempt.score = selectors.combine(values, component.aggregate)
    to = S.PASSED if attempt.score >= comp.pass_mark(assessment) else S.FAILED
    if attempt.status == to:  # a correction that leaves the result as it was
        attempt.save(update_fields=["score", "updated_at"])
        # Its new score is what a 未结业's 说明 quotes.
        attempt_decided.send(sender=Attempt, actor=actor, attempt=attempt)
        return
    attempt.decided_at = timezone.now()
    decide(attempt, to, actor=actor, scores=len(values), **data)


@transaction.atomic
def score_correct(*, actor: Any, score: Score, value: Any, reason: str) -> Score:
    """An admin of the base corrects a submitted score, with the reason; audited with the old
    and the new value, and the attempt's result settled again."""
    score = Score.objects.select_for_update().select_related("attempt__enrollment").get(pk=score.pk)
    enrollment = score.attempt.enrollment
    scope.require(actor, selectors.RUN, enrollment.base)
    if not score.submitted:
        raise ScoreNotSubmitted()
    reason = (reason or "").strip()
    if not reason:
        raise CorrectionReasonMissing()
    found = parse_score(value)
    old = score.value
    score.value = found
    score.corrected = True
    score.save(update_fields=["value", "corrected", "updated_at"])
    record(
        actor,
        "assessment.score_corrected",
        score,
        org=enrollment.base,
        enrollment=enrollment.pk,
        component=score.attempt.component,
        number=score.attempt.number,
        scorer=score.scorer_id,
        old=str(old),
        new=str(found),
        reason=reason[:200],
    )
    assessment, c = component_of(enrollment, score.attempt.component)
    attempt = Attempt.objects.select_for_update().get(pk=score.attempt_id)
    settle(attempt, actor=actor, assessment=assessment, component=c, correction=True)
    return score


@transaction.atomic
def attempt_retry(*, actor: Any, enrollment: Enrollment, component: str) -> Attempt:
    """Open the next try of a failed component, as far as the policy's retries go. The base's
    staff open it (a second presentation or defence), or the trainee for what they submit
    themselves (an essay, an on-line test)."""
    assessment, c = component_of(enrollment, component)
    own = getattr(actor, "person_id", None) == enrollment.person_id
    if not own:
        scope.require(actor, selectors.RUN, enrollment.base)
    last = Attempt.objects.select_for_update().filter(enrollment=enrollment, component=c.code)
    last = last.order_by("-number").first()
    if last is None or last.status != S.FAILED:
        raise RetryNotNeeded(
            name=enrollment.person.name,
            component=c.label,
            status=last.get_status_display() if last else S.OPEN.label,
        )
    if last.number >= comp.tries(assessment):
        raise NoRetryLeft(
            component=c.label,
            tries=comp.tries(assessment),
            retries=assessment.retries,
            name=enrollment.person.name,
        )
    require_may_take(enrollment, c, assessment)
    attempt = Attempt.objects.create(
        enrollment=enrollment, component=c.code, number=last.number + 1
    )
    record(
        actor,
        "assessment.retry_opened",
        attempt,
        org=enrollment.base,
        enrollment=enrollment.pk,
        component=c.code,
        number=attempt.number,
    )
    return attempt
