"""Scoring: who scores, the sheet's locks, the result, the bars, retries and corrections."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from shipei.assessment import selectors
from shipei.assessment.errors import (
    AttemptDecided,
    EssayTooShort,
    NoRetryLeft,
    NoSuchComponent,
    NotAScorer,
    ScoreLocked,
    ScoreOutOfRange,
    TraineeBarred,
)
from shipei.assessment.models import Attempt, Score
from shipei.assessment.services import attempt_retry, score_correct, score_save
from shipei.attendance.models import AttendanceRecord
from shipei.attendance.tests.conftest import add_session
from shipei.audit.models import AuditEntry
from shipei.enrollment.models import Enrollment


def score_all(users, enrollment, component, values):
    for user, value in zip(users, values, strict=True):
        score_save(actor=user, enrollment=enrollment, component=component, value=value, submit=True)


def test_the_two_teaching_core_teachers_score_the_process_and_the_mean_decides(trainees, scorers):
    e = trainees[0].enrollment
    score_save(
        actor=scorers.teaching[0], enrollment=e, component="process", value="70", submit=True
    )
    attempt = Attempt.objects.get(enrollment=e, component="process")
    assert attempt.status == Attempt.Status.OPEN  # one of two scores in

    score_save(
        actor=scorers.teaching[1], enrollment=e, component="process", value="55", submit=True
    )

    attempt.refresh_from_db()
    assert attempt.score == pytest.approx(62.5)
    assert attempt.status == Attempt.Status.PASSED
    assert AuditEntry.objects.filter(action="assessment.passed").count() == 1
    assert selectors.result_for(e).components[0].passed


def test_a_mean_below_the_pass_mark_fails(trainees, scorers):
    e = trainees[0].enrollment
    score_all(scorers.teaching, e, "process", ["59", "60"])
    attempt = Attempt.objects.get(enrollment=e, component="process")
    assert (attempt.score, attempt.status) == (pytest.approx(59.5), Attempt.Status.FAILED)


@pytest.mark.parametrize("value", ["101", "-1", "abc", "", "60.55"])
def test_a_score_outside_0_to_100_is_refused_and_nothing_is_stored(trainees, scorers, value):
    with pytest.raises(ScoreOutOfRange, match="0～100"):
        score_save(
            actor=scorers.teaching[0],
            enrollment=trainees[0].enrollment,
            component="process",
            value=value,
        )
    assert not Score.objects.exists()


def test_full_width_digits_from_a_phone_are_read(trainees, scorers):
    found = score_save(
        actor=scorers.teaching[0],
        enrollment=trainees[0].enrollment,
        component="process",
        value="８５．５",
    )
    assert str(found.value) == "85.5"


def test_only_the_assigned_scorers_of_a_component_may_score_it(trainees, scorers, base_admin):
    e = trainees[0].enrollment
    for outsider in (scorers.assessing[0], base_admin.user, trainees[1].user):
        with pytest.raises(NotAScorer, match="不是本班“过程性考核"):
            score_save(actor=outsider, enrollment=e, component="process", value="80")
    with pytest.raises(NotAScorer):
        score_save(actor=scorers.teaching[0], enrollment=e, component="final", value="80")
    assert not Score.objects.exists()


def test_a_draft_may_change_but_a_submitted_score_may_not(trainees, scorers):
    e, me = trainees[0].enrollment, scorers.teaching[0]
    score_save(actor=me, enrollment=e, component="process", value="70")
    score_save(actor=me, enrollment=e, component="process", value="75", submit=True)
    with pytest.raises(ScoreLocked, match="提交后不能修改"):
        score_save(actor=me, enrollment=e, component="process", value="90", submit=True)
    assert Score.objects.get(scorer=me).value == 75


def test_a_scorer_sees_the_others_scores_only_after_submitting_their_own(trainees, scorers):
    e = trainees[0].enrollment
    first, second = scorers.teaching
    score_save(actor=first, enrollment=e, component="process", value="88", submit=True)
    score_save(actor=second, enrollment=e, component="process", value="70")  # a draft

    rows = {r.enrollment.pk: r for r in selectors.sheet(second, e.training_class, _c(e, "process"))}
    assert rows[e.pk].others == []  # before submitting: nothing of the first scorer's
    rows = {r.enrollment.pk: r for r in selectors.sheet(first, e.training_class, _c(e, "process"))}
    assert rows[e.pk].others == []  # the second's draft is theirs alone

    score_save(actor=second, enrollment=e, component="process", value="70", submit=True)
    rows = {r.enrollment.pk: r for r in selectors.sheet(second, e.training_class, _c(e, "process"))}
    assert [s.value for s in rows[e.pk].others] == [88]


def _c(enrollment, code):
    from shipei.assessment import components

    return components.component(components.for_enrollment(enrollment), code)


def test_absence_above_the_limit_bars_scoring_with_the_reason(trainees, scorers, cls):
    e = trainees[0].enrollment
    session = add_session(cls, "学习任务分析", -datetime.timedelta(days=1), "5")
    AttendanceRecord.objects.create(
        session=session, enrollment=e, status="absent", hours=0, source="grid"
    )
    with pytest.raises(TraineeBarred, match="超过培训计划规定的 4 学时"):
        score_save(actor=scorers.teaching[0], enrollment=e, component="process", value="80")
    assert not Attempt.objects.exists()


def test_a_failed_process_bars_the_final_with_the_score_shown(trainees, scorers):
    e = trainees[0].enrollment
    with pytest.raises(TraineeBarred, match="过程性考核尚未合格"):
        score_save(actor=scorers.assessing[0], enrollment=e, component="final", value="80")
    score_all(scorers.teaching, e, "process", ["50", "52"])
    with pytest.raises(TraineeBarred, match="过程性考核成绩 51 分，低于合格分数 60 分"):
        score_save(actor=scorers.assessing[0], enrollment=e, component="final", value="80")


def test_after_a_passed_process_the_three_assessors_decide_the_final(trainees, scorers):
    e = trainees[0].enrollment
    score_all(scorers.teaching, e, "process", ["80", "90"])
    score_all(scorers.assessing, e, "final", ["60", "70", "65"])
    result = selectors.result_for(e)
    assert result.passed and result.reason == ""
    assert selectors.passed(e)


def test_passed_ids_counts_as_the_results_do_in_one_query(
    trainees, scorers, base_admin, django_assert_num_queries
):
    done, retried, waiting = (t.enrollment for t in trainees)
    for e in (done, retried, waiting):
        score_all(scorers.teaching, e, "process", ["80", "90"])
    score_all(scorers.assessing, done, "final", ["60", "70", "65"])
    score_all(scorers.assessing, retried, "final", ["40", "50", "45"])
    attempt_retry(actor=base_admin.user, enrollment=retried, component="final")
    score_all(scorers.assessing, retried, "final", ["70", "75", "70"])
    enrollments = list(
        Enrollment.objects.filter(pk__in=[done.pk, retried.pk, waiting.pk]).select_related(
            "programme"
        )
    )

    with django_assert_num_queries(1):  # the final still to come reads no bar
        found = selectors.passed_ids(enrollments)

    assert found == {done.pk, retried.pk}
    assert found == {r.enrollment.pk for r in selectors.results(enrollments) if r.passed}
    # The annual summary's count in the database: the same rule, by class.
    counted = selectors.passed_counts(
        done.programme, Enrollment.objects.filter(pk__in=found | {waiting.pk})
    )
    assert counted == {done.training_class_id: 2}


def test_passed_counts_counts_the_latest_attempts_as_passed_ids_does(trainees, scorers, base_admin):
    passed, failed_retry, barred = (t.enrollment for t in trainees)
    score_all(scorers.teaching, passed, "process", ["80", "90"])
    score_all(scorers.assessing, passed, "final", ["60", "70", "65"])
    # Passed the process, failed the final, and failed its retry too: the latest attempt counts.
    score_all(scorers.teaching, failed_retry, "process", ["80", "90"])
    score_all(scorers.assessing, failed_retry, "final", ["40", "50", "45"])
    attempt_retry(actor=base_admin.user, enrollment=failed_retry, component="final")
    score_all(scorers.assessing, failed_retry, "final", ["40", "40", "40"])
    # Failed the process, then passed its retry, the final not taken: not passed.
    score_all(scorers.teaching, barred, "process", ["40", "40"])
    attempt_retry(actor=base_admin.user, enrollment=barred, component="process")
    score_all(scorers.teaching, barred, "process", ["80", "80"])
    enrollments = Enrollment.objects.filter(pk__in=[passed.pk, failed_retry.pk, barred.pk])

    assert selectors.passed_ids(list(enrollments.select_related("programme"))) == {passed.pk}
    assert selectors.passed_counts(passed.programme, enrollments) == {passed.training_class_id: 1}
    assert selectors.passed_counts(passed.programme, enrollments.none()) == {}


def test_an_earlier_attempt_passed_by_a_correction_does_not_count_over_a_later_one_open(
    trainees, scorers, base_admin
):
    """The final failed, its retry opened, then the first attempt's scores corrected to a
    pass: the latest attempt (open) is the result, for both ways of counting."""
    e = trainees[0].enrollment
    score_all(scorers.teaching, e, "process", ["80", "90"])
    score_all(scorers.assessing, e, "final", ["40", "50", "45"])
    attempt_retry(actor=base_admin.user, enrollment=e, component="final")
    for s in Score.objects.filter(
        attempt__enrollment=e, attempt__number=1, attempt__component="final"
    ):
        score_correct(actor=base_admin.user, score=s, value="90", reason="复核更正")
    first = Attempt.objects.get(enrollment=e, component="final", number=1)
    assert first.status == Attempt.Status.PASSED

    enrollments = Enrollment.objects.filter(pk=e.pk)
    assert selectors.passed_ids(list(enrollments.select_related("programme"))) == set()
    assert selectors.passed_counts(e.programme, enrollments) == {}


def test_one_retry_then_no_more(trainees, scorers, base_admin):
    e = trainees[0].enrollment
    score_all(scorers.teaching, e, "process", ["40", "40"])
    retry = attempt_retry(actor=base_admin.user, enrollment=e, component="process")
    assert retry.number == 2
    score_all(scorers.teaching, e, "process", ["50", "50"])
    with pytest.raises(NoRetryLeft, match="最多考核 2 次（补考 1 次）"):
        attempt_retry(actor=base_admin.user, enrollment=e, component="process")
    assert Attempt.objects.filter(enrollment=e).count() == 2
    result = selectors.result_for(e)
    assert not result.passed
    assert "过程性考核不合格（50 分）" in result.reason


def test_a_decided_attempt_takes_no_more_scores(trainees, scorers):
    e = trainees[0].enrollment
    score_all(scorers.teaching, e, "process", ["80", "90"])
    with pytest.raises(AttemptDecided):
        score_save(actor=scorers.teaching[0], enrollment=e, component="process", value="10")


def test_an_admin_corrects_a_submitted_score_with_a_reason_and_the_result_turns(
    trainees, scorers, base_admin
):
    e = trainees[0].enrollment
    score_all(scorers.teaching, e, "process", ["50", "60"])
    wrong = Score.objects.get(scorer=scorers.teaching[0])

    score_correct(actor=base_admin.user, score=wrong, value="80", reason="录入时少打一位")

    attempt = Attempt.objects.get(enrollment=e)
    assert (attempt.score, attempt.status) == (70, Attempt.Status.PASSED)
    entry = AuditEntry.objects.get(action="assessment.score_corrected")
    assert (entry.data["old"], entry.data["new"], entry.actor) == ("50.0", "80.0", base_admin.user)


def test_a_scorer_cannot_correct_a_score(trainees, scorers):
    e = trainees[0].enrollment
    score_all(scorers.teaching, e, "process", ["50", "60"])
    with pytest.raises(PermissionDenied):
        score_correct(
            actor=scorers.teaching[0],
            score=Score.objects.get(scorer=scorers.teaching[0]),
            value="90",
            reason="想改",
        )
    assert Score.objects.get(scorer=scorers.teaching[0]).value == 50


def test_weights_give_an_overall_score_once_every_component_is_scored(trainees, scorers, cls):
    programme = cls.project.programme
    policy = programme.policy
    for c, w in zip(policy["assessment"]["components"], ("0.4", "0.6"), strict=True):
        c["weight"] = w
    programme.policy = policy
    programme.save()
    e = Enrollment.objects.get(pk=trainees[0].enrollment.pk)  # with the programme as saved
    score_all(scorers.teaching, e, "process", ["80", "80"])
    assert selectors.result_for(e).overall is None
    score_all(scorers.assessing, e, "final", ["70", "70", "70"])
    assert selectors.result_for(e).overall == 74


def test_the_median_when_the_policy_says_so(trainees, scorers, cls):
    programme = cls.project.programme
    policy = programme.policy
    policy["assessment"]["components"][1]["aggregate"] = "median"
    policy["assessment"]["process_pass_before_final"] = False
    programme.policy = policy
    programme.save()
    e = Enrollment.objects.get(pk=trainees[0].enrollment.pk)
    score_all(scorers.assessing, e, "final", ["10", "70", "75"])
    assert Attempt.objects.get(enrollment=e, component="final").score == 70


def test_an_items_own_assessment_holds_over_the_programmes(trainees, scorers, cls, base_admin):
    programme = cls.project.programme
    policy = programme.policy
    item = next(i for i in policy["items"] if i["code"] == cls.project.item)
    item["assessment"] = {
        "components": [
            {
                "code": "process",
                "label": "过程性考核",
                "scorers": 1,
                "scorer_role": "授课骨干教师",
                "weight": "1",
            },
            {"code": "essay", "label": "论文", "kind": "essay"},
            {
                "code": "quiz",
                "label": "测试",
                "kind": "online_test",
                "test_questions": 5,
                "test_minutes": 15,
                "aggregate": "min",
            },
        ],
        "pass_mark": 80,
        "retries": 0,
        "essay_min_chars": 2000,
        "process_pass_before_final": False,
    }
    programme.policy = policy
    programme.save()
    e = Enrollment.objects.get(pk=trainees[0].enrollment.pk)
    score_save(
        actor=scorers.teaching[0], enrollment=e, component="process", value="75", submit=True
    )
    attempt = Attempt.objects.get(enrollment=e)
    assert attempt.status == Attempt.Status.FAILED  # one scorer, 75 below the item's 80
    with pytest.raises(NoRetryLeft, match="补考 0 次"):
        attempt_retry(actor=base_admin.user, enrollment=e, component="process")
    with pytest.raises(NoSuchComponent):
        score_save(actor=scorers.assessing[0], enrollment=e, component="final", value="80")
    from shipei.assessment.essays import essay_submit

    with pytest.raises(EssayTooShort, match="不少于 2000 字"):
        essay_submit(
            actor=trainees[0].user, enrollment=e, component="essay", title="t", body="字" * 1500
        )
    assert [r.label for r in selectors.result_for(e).components] == [
        "过程性考核",
        "论文",
        "在线测试",
    ]
