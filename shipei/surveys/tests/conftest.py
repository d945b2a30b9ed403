"""A running notice-004 class (二级·机械类) at 杭州职业技术学院 with six admitted trainees, one
more than the default k of 5, and the notice's three forms loaded from the preset."""

import datetime
from typing import Any

import pytest
from django.utils import timezone

from shipei.attendance.tests.conftest import Trainee, enroll, make_class
from shipei.classes.models import TrainingClass
from shipei.presets.loader import preset_data
from shipei.programmes.models import Programme
from shipei.surveys import selectors, services
from shipei.surveys.models import Survey

P004 = "mohrss-integrated-teacher-training"
END = "end_of_training"


def load_templates(programme: Programme, slug: str = P004) -> None:
    for code, template in preset_data(slug)["surveys"].items():
        services.template_save(programme=programme, code=code, questions=template["questions"])


def hand_out(cls: TrainingClass, actor: Any, form: str = END, days: int = 3) -> Survey:
    return services.survey_open(
        actor=actor.user,
        form=form,
        training_class=cls,
        closes_at=timezone.now() + datetime.timedelta(days=days),
    )


def close_now(survey: Survey) -> Survey:
    """The survey's closing time passed (as it would, a few days on)."""
    Survey.objects.filter(pk=survey.pk).update(
        closes_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    survey.refresh_from_db()
    return survey


def answers(survey: Survey, score: int = 3, **more: Any) -> dict[str, Any]:
    """Every required question answered: scales with `score`, choices with the first."""
    out: dict[str, Any] = {}
    for q in selectors.survey_questions(survey):
        if q.required:
            out[q.code] = str(score) if q.kind == "scale" else q.choices[0]
    return {**out, **more}


@pytest.fixture
def cls(base_admin: Any) -> TrainingClass:
    cls = make_class(base_admin)
    load_templates(cls.project.programme)
    return cls


@pytest.fixture
def trainees(cls: TrainingClass, tree: Any) -> list[Trainee]:
    return [enroll(cls, tree["hz_school"], f"学员{i}") for i in range(6)]


@pytest.fixture
def survey(cls: TrainingClass, base_admin: Any) -> Survey:
    return hand_out(cls, base_admin)
