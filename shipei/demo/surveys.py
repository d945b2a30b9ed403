"""The end-of-training evaluation (附件2) of the 004 classes that ran: handed out to the running
class until its last day, most of its trainees have answered (陈立, a demo login, has not); the
closed class's four trainees answered and it closed, fewer than the five answers its results
need, so they stay hidden; the institution filled in its feedback (附件4) for the closed class."""

import datetime
import random
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from shipei.classes.models import TrainingClass
from shipei.enrollment.models import Enrollment
from shipei.surveys import selectors, services

END = "end_of_training"
SAYINGS = [
    "学会了把典型工作任务转化为学习任务",
    "工作页的编写方法回校就能用",
    "希望增加企业实践的时间",
    "示范课观摩收获很大",
]


def _answers(survey: Any, rng: random.Random) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for q in selectors.survey_questions(survey):
        if q.kind == "scale":
            out[q.code] = str(rng.choice([q.scale_max, q.scale_max, q.scale_max - 1]))
        elif q.kind == "single":
            out[q.code] = q.choices[0] if rng.random() < 0.7 else q.choices[1]
        elif q.code == "q11" and rng.random() < 0.6:
            out[q.code] = rng.choice(SAYINGS)
    return out


def evaluate(institution: Any, cls: TrainingClass, trainees: list[Enrollment], end: str) -> None:
    if end not in ("running", "closed"):
        return
    closes_at = datetime.datetime.combine(
        cls.ends_on, datetime.time(23, 59), tzinfo=timezone.get_current_timezone()
    )
    now = timezone.now()
    survey = services.survey_open(
        actor=institution,
        form=END,
        training_class=cls,
        closes_at=max(closes_at, now + datetime.timedelta(minutes=1)),
    )
    rng = random.Random(cls.pk)
    users = get_user_model().objects
    answering = trainees[1:6] if end == "running" else trainees
    for enrollment in answering:
        user = users.get(person_id=enrollment.person_id)
        services.response_submit(user=user, survey=survey, answers=_answers(survey, rng))
    if end == "closed":
        feedback = services.survey_open(
            actor=institution,
            form="institution_feedback",
            training_class=cls,
            closes_at=now + datetime.timedelta(minutes=1),
        )
        services.response_submit(user=institution, survey=feedback, answers=_answers(feedback, rng))
        services.survey_close(actor=institution, survey=survey)
        services.survey_close(actor=institution, survey=feedback)
