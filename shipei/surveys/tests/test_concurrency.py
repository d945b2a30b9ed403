"""A double tap on 提交, and classmates submitting at once (PostgreSQL: its row locks are real):
one answer per trainee, and no answer lost to another's rewrite of the survey's answers."""

import pytest

from shipei.attendance.tests.test_concurrency import race
from shipei.surveys import errors, services
from shipei.surveys.models import Answered, Response

from .conftest import answers

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_a_double_tap_keeps_one_answer_and_classmates_at_once_lose_none(survey, trainees):
    def submit(t=trainees[0]):
        services.response_submit(user=t.user, survey=survey, answers=answers(survey))

    outcomes = race(submit, submit)
    refused = repr(errors.AlreadyAnswered(form="工学一体化教师培训结束评估表（附件2）"))
    assert sorted(outcomes) == sorted(["ok", refused])
    assert Response.objects.count() == 1 and Answered.objects.count() == 1
    outcomes = race(*[lambda t=t: submit(t) for t in trainees[1:]])
    assert outcomes == ["ok"] * 5
    assert Response.objects.count() == 6 and Answered.objects.count() == 6
