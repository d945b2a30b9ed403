"""With ``certificate.after_evaluation`` (notice 004), a trainee who has not answered the
evaluation handed out to the class gets no certificate, and is told why."""

from shipei.certificates import eligibility
from shipei.classes.models import TrainingClass
from shipei.enrollment.models import Enrollment
from shipei.programmes.models import Programme
from shipei.surveys import services

from .conftest import answers


def _closed(enrollment):
    TrainingClass.objects.filter(pk=enrollment.training_class_id).update(
        status=TrainingClass.Status.CLOSED
    )
    return Enrollment.objects.get(pk=enrollment.pk)


def _evaluation_problems(enrollment):
    return [p for p in eligibility.problems(_closed(enrollment)) if "尚未填写" in p]


def test_the_certificate_waits_for_the_trainees_evaluation(survey, trainees):
    first, second = trainees[0], trainees[1]
    services.response_submit(user=first.user, survey=survey, answers=answers(survey))
    assert _evaluation_problems(first.enrollment) == []
    assert _evaluation_problems(second.enrollment) == [
        "尚未填写《工学一体化教师培训结束评估表（附件2）》，不能发证。"
    ]


def test_without_the_policys_condition_the_evaluation_is_not_asked(survey, trainees):
    programme = Programme.objects.get(pk=survey.programme_id)
    policy = programme.policy
    policy["certificate"]["after_evaluation"] = False
    Programme.objects.filter(pk=programme.pk).update(policy=policy)
    assert _evaluation_problems(trainees[0].enrollment) == []
