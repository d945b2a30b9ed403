"""On-line tests: a paper drawn per attempt from the programme's question bank (seeded, so the
draw can be made again and checked), a deadline the server holds, answers saved as the trainee
goes, and the score computed when the paper is handed in or the time is up. Tries from the
policy: a failed test may be taken again while retries remain."""

import datetime
import random
import secrets
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from shipei.enrollment.models import Enrollment

from . import components as comp
from .errors import (
    AttemptDecided,
    BadAnswer,
    BankTooSmall,
    NoRetryLeft,
    NotYourTest,
    PaperFinished,
    PaperTimeUp,
    WrongKind,
)
from .lifecycle import decide
from .models import Attempt, Paper, Question
from .services import component_of, current_attempt, require_may_take

S = Attempt.Status
# What a policy that names no size or time gets.
DEFAULT_QUESTIONS = 20
DEFAULT_MINUTES = 60


def draw(question_ids: list[int], count: int, seed: int) -> list[int]:
    """`count` of the bank's questions in the paper's order: the same bank and seed give the
    same paper."""
    return random.Random(seed).sample(sorted(question_ids), count)


def _own(actor: Any, enrollment: Enrollment) -> None:
    if getattr(actor, "person_id", None) != enrollment.person_id:
        raise NotYourTest()


@transaction.atomic
def paper_start(*, actor: Any, enrollment: Enrollment, component: str) -> Paper:
    """The trainee's paper for the component: the one under way, else a new one drawn for the
    open attempt, or for the retry after a failed one while the policy allows."""
    assessment, c = component_of(enrollment, component)
    if c.kind_of != "online_test":
        raise WrongKind(component=c.label, kind="在线测试")
    _own(actor, enrollment)
    require_may_take(enrollment, c, assessment)
    attempt = current_attempt(enrollment, c.code)
    if attempt.status == S.OPEN and hasattr(attempt, "paper"):
        return attempt.paper
    if attempt.status == S.PASSED:
        raise AttemptDecided(
            name=enrollment.person.name,
            component=c.label,
            number=attempt.number,
            status=attempt.get_status_display(),
        )
    if attempt.status == S.FAILED:
        if attempt.number >= comp.tries(assessment):
            raise NoRetryLeft(
                component=c.label,
                tries=comp.tries(assessment),
                retries=assessment.retries,
                name=enrollment.person.name,
            )
        attempt = Attempt.objects.create(
            enrollment=enrollment, component=c.code, number=attempt.number + 1
        )
    bank = list(
        Question.objects.filter(programme=enrollment.programme, is_active=True).values_list(
            "pk", flat=True
        )
    )
    count = c.test_questions or DEFAULT_QUESTIONS
    if len(bank) < count:
        raise BankTooSmall(have=len(bank), need=count)
    seed = secrets.randbits(62)
    now = timezone.now()
    return Paper.objects.create(
        attempt=attempt,
        seed=seed,
        questions=draw(bank, count, seed),
        started_at=now,
        deadline=now + datetime.timedelta(minutes=c.test_minutes or DEFAULT_MINUTES),
    )


def _check_answer(question: Question, number: int, choices: Any) -> list[int]:
    if not isinstance(choices, list) or not all(isinstance(x, int) for x in choices):
        raise BadAnswer(number=number, reason="请选择选项。")
    found = sorted(set(choices))
    size = 2 if question.kind == Question.Kind.TRUE_FALSE else len(question.options)
    if any(not 0 <= x < size for x in found):
        raise BadAnswer(number=number, reason="所选选项不存在。")
    if question.kind != Question.Kind.MULTIPLE and len(found) > 1:
        raise BadAnswer(number=number, reason="单选题和判断题只能选一项。")
    return found


def paper_answer(*, actor: Any, paper: Paper, question: int, choices: Any) -> Paper:
    """Save one answer. After the deadline nothing is saved: the paper is handed in with the
    answers saved so far, and the trainee is told."""
    with transaction.atomic():
        paper = (
            Paper.objects.select_for_update().select_related("attempt__enrollment").get(pk=paper.pk)
        )
        _own(actor, paper.attempt.enrollment)
        if paper.finished_at is not None:
            at = timezone.localtime(paper.finished_at)
            raise PaperFinished(at=f"{at:%Y-%m-%d %H:%M}")
        late = timezone.now() > paper.deadline
        if not late:
            if question not in paper.questions:
                raise BadAnswer(number="?", reason="该题不在本试卷中。")
            found = _check_answer(
                Question.objects.get(pk=question), paper.questions.index(question) + 1, choices
            )
            paper.answers = {**paper.answers, str(question): found}
            paper.save(update_fields=["answers"])
    if late:
        paper_finish(actor=None, paper=paper)
        at = timezone.localtime(paper.deadline)
        raise PaperTimeUp(deadline=f"{at:%Y-%m-%d %H:%M:%S}")
    return paper


@transaction.atomic
def paper_finish(*, actor: Any, paper: Paper) -> Paper:
    """Hand the paper in (the trainee, or the deadline: `actor` None) and score it: the share
    of questions answered exactly right, out of 100."""
    paper = Paper.objects.select_for_update().select_related("attempt__enrollment").get(pk=paper.pk)
    if actor is not None:
        _own(actor, paper.attempt.enrollment)
    if paper.finished_at is not None:
        return paper
    keys = dict(Question.objects.filter(pk__in=paper.questions).values_list("pk", "answer"))
    paper.correct = sum(
        1 for q in paper.questions if paper.answers.get(str(q)) == sorted(keys.get(q, []))
    )
    paper.finished_at = min(timezone.now(), paper.deadline)
    paper.save(update_fields=["correct", "finished_at"])
    attempt = Attempt.objects.select_for_update().get(pk=paper.attempt_id)
    assessment, _c = component_of(paper.attempt.enrollment, attempt.component)
    attempt.score = (Decimal(100) * paper.correct / len(paper.questions)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )
    attempt.decided_at = paper.finished_at
    to = S.PASSED if attempt.score >= comp.pass_mark(assessment) else S.FAILED
    decide(attempt, to, actor=actor, correct=paper.correct, questions=len(paper.questions))
    return paper


def finish_if_due(paper: Paper) -> Paper:
    """A paper whose time is up is handed in as it stands (read before it is shown)."""
    if paper.finished_at is None and timezone.now() > paper.deadline:
        return paper_finish(actor=None, paper=paper)
    return paper
