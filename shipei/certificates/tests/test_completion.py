"""已结业 / 未结业 as a base sees it: the class starts and its admitted trainees are attending;
the class closes and each one has passed (assessment passed, hours reached) or failed (and why),
each move an event of the enrollment and an audit entry; the certificate follows the pass."""

import datetime
from dataclasses import dataclass
from typing import Any

import pytest

from shipei.accounts.models import User
from shipei.assessment.tests.conftest import staff
from shipei.attendance.models import AttendanceRecord
from shipei.attendance.tests.conftest import Trainee, add_session, enroll, make_class
from shipei.audit.models import AuditEntry
from shipei.certificates import services
from shipei.certificates.errors import NotEligible
from shipei.certificates.tests.test_eligibility_delivery import PASSING, score
from shipei.classes import flow
from shipei.classes.models import TrainingClass
from shipei.enrollment.models import Enrollment, EnrollmentEvent
from shipei.staffing.models import StaffRole

pytestmark = pytest.mark.django_db
S = Enrollment.Status


@dataclass
class Closing:
    """A 004 class of 4 scheduled hours that ran: who passes, who failed the assessment, who
    attended 3 of the 4 hours, and three who never attended it."""

    klass: TrainingClass
    passes: Enrollment
    fails_assessment: Enrollment
    short_of_hours: Enrollment
    withdrawn: Enrollment
    no_show: Enrollment
    waiting: Enrollment


def run_class(base_admin: Any, tree: Any) -> Closing:
    """Enrolling, then started, scored, assessed; not yet closed."""
    klass = make_class(base_admin, status=TrainingClass.Status.ENROLLING)
    school = tree["hz_school"]
    admitted = [enroll(klass, school, name) for name in ("王芳", "李强", "张敏")]
    others = [
        enroll(klass, school, name, status)
        for name, status in (("赵磊", S.WITHDRAWN), ("刘洋", S.NO_SHOW), ("陈静", S.SUBMITTED))
    ]
    flow.class_start(actor=base_admin.user, training_class=klass)
    teaching = staff(klass, tree["nj_school"], StaffRole.TEACHING, 2)
    assessing = staff(klass, tree["nj_school"], StaffRole.ASSESSING, 3)
    passes, fails, short = (t.enrollment for t in admitted)
    for e in (passes, short):
        score(teaching, e, "process", PASSING["process"])
        score(assessing, e, "final", PASSING["final"])
    score(teaching, fails, "process", ["40", "50"])
    held = add_session(klass, "学习任务分析", -datetime.timedelta(days=1), "4")
    for e, hours in ((passes, 4), (fails, 4), (short, 3)):
        AttendanceRecord.objects.create(
            session=held, enrollment=e, status="present", hours=hours, source="grid"
        )
    flow.class_start_assessment(actor=base_admin.user, training_class=klass)
    return Closing(klass, passes, fails, short, *(t.enrollment for t in others))


def closed_class(base_admin: Any, tree: Any) -> Closing:
    c = run_class(base_admin, tree)
    flow.class_close(actor=base_admin.user, training_class=c.klass)
    return c


def status(e: Enrollment) -> str:
    return Enrollment.objects.get(pk=e.pk).status


def actions(e: Enrollment) -> list[str]:
    return list(e.events.order_by("pk").values_list("action", flat=True))


def test_starting_the_class_makes_its_admitted_trainees_attending_and_no_one_else(base_admin, tree):
    c = run_class(base_admin, tree)

    for e in (c.passes, c.fails_assessment, c.short_of_hours):
        assert status(e) == S.ATTENDING
        assert actions(e) == ["attending"]
        entry = AuditEntry.objects.get(action="enrollment.attending", target_id=str(e.pk))
        assert entry.actor == base_admin.user and entry.data["status"] == S.ATTENDING
    assert [status(e) for e in (c.withdrawn, c.no_show, c.waiting)] == [
        S.WITHDRAWN,
        S.NO_SHOW,
        S.SUBMITTED,
    ]
    assert not EnrollmentEvent.objects.filter(
        enrollment__in=[c.withdrawn, c.no_show, c.waiting]
    ).exists()


def test_closing_the_class_passes_who_passed_and_reached_the_hours_and_fails_the_others(
    base_admin, tree
):
    c = closed_class(base_admin, tree)

    assert status(c.passes) == S.PASSED
    assert actions(c.passes) == ["attending", "passed"]
    failed = Enrollment.objects.get(pk=c.fails_assessment.pk)
    assert failed.status == S.FAILED
    assert failed.reason.startswith("结业考核未全部合格") and "45 分" in failed.reason
    short = Enrollment.objects.get(pk=c.short_of_hours.pk)
    assert short.status == S.FAILED
    assert short.reason == "该学员已完成 3 学时，未达到规定的 4 学时"
    assert actions(short) == ["attending", "failed"]
    assert short.events.get(action="failed").reason == short.reason
    assert [status(e) for e in (c.withdrawn, c.no_show, c.waiting)] == [
        S.WITHDRAWN,
        S.NO_SHOW,
        S.SUBMITTED,
    ]
    entries = AuditEntry.objects.filter(action__in=["enrollment.passed", "enrollment.failed"])
    assert sorted(entries.values_list("action", "target_id")) == sorted(
        [
            ("enrollment.passed", str(c.passes.pk)),
            ("enrollment.failed", str(c.fails_assessment.pk)),
            ("enrollment.failed", str(c.short_of_hours.pk)),
        ]
    )
    assert {e.actor for e in entries} == {base_admin.user}


def test_the_teacher_is_told_and_sees_the_status_on_the_enrollment_page(base_admin, tree, client):
    c = closed_class(base_admin, tree)
    short = Enrollment.objects.get(pk=c.short_of_hours.pk)

    client.force_login(User.objects.get(person=short.person))
    html = client.get(short.get_absolute_url()).content.decode()
    assert "未结业" in html and "未达到规定的 4 学时" in html
    passed = Enrollment.objects.get(pk=c.passes.pk)
    client.force_login(User.objects.get(person=passed.person))
    assert "已结业" in client.get(passed.get_absolute_url()).content.decode()


def test_after_the_close_the_passed_trainee_gets_the_certificate_and_the_failed_ones_do_not(
    base_admin, tree
):
    c = closed_class(base_admin, tree)
    # The evaluation forms are the certificate's condition, not 结业's: none handed out here.
    issued = services.certificate_issue(
        actor=base_admin.user, enrollment=Enrollment.objects.get(pk=c.passes.pk)
    )
    assert issued.number and issued.holder_name == "王芳"
    for e in (c.fails_assessment, c.short_of_hours):
        with pytest.raises(NotEligible, match="未通过结业考核"):
            services.certificate_issue(
                actor=base_admin.user, enrollment=Enrollment.objects.get(pk=e.pk)
            )


def test_a_trainee_marked_no_show_after_the_start_is_not_completed(base_admin, tree):
    """Who has not come is found out in the class's first days: an attending trainee may still
    be marked 未报到, and the close passes them over."""
    from shipei.enrollment.no_show import enrollment_mark_no_show

    c = run_class(base_admin, tree)
    enrollment_mark_no_show(actor=base_admin.user, enrollment=c.short_of_hours, reason="未到校")
    flow.class_close(actor=base_admin.user, training_class=c.klass)
    assert status(c.short_of_hours) == S.NO_SHOW
    assert actions(c.short_of_hours) == ["attending", "no_show"]


def test_a_trainee_still_admitted_when_the_class_closes_attended_it_and_is_completed(
    base_admin, tree
):
    """A class started before trainees moved to attending: its close moves them on all the
    same."""
    klass = make_class(base_admin, status=TrainingClass.Status.ASSESSING)
    trainee: Trainee = enroll(klass, tree["hz_school"], "王芳")

    flow.class_close(actor=base_admin.user, training_class=klass)

    # 004 assesses a process and a final: neither scored, so not completed.
    assert status(trainee.enrollment) == S.FAILED
    assert actions(trainee.enrollment) == ["attending", "failed"]


def test_a_retake_passed_after_the_close_turns_未结业_into_已结业(
    base_admin, tree, django_capture_on_commit_callbacks
):
    """The trainee who failed the process retakes it after the class closed, then the final:
    已结业 from then, the shortfall cleared, told, and the certificate can be issued."""
    from shipei.assessment.services import attempt_retry
    from shipei.notifications.models import Notification

    c = closed_class(base_admin, tree)
    teaching = staff(c.klass, tree["nj_school"], StaffRole.TEACHING, 2)
    assessing = staff(c.klass, tree["nj_school"], StaffRole.ASSESSING, 3)
    e = c.fails_assessment
    attempt_retry(actor=base_admin.user, enrollment=e, component="process")
    score(teaching, e, "process", PASSING["process"])
    assert status(e) == S.FAILED  # the final still to come

    with django_capture_on_commit_callbacks(execute=True):
        score(assessing, e, "final", PASSING["final"])

    turned = Enrollment.objects.get(pk=e.pk)
    assert (turned.status, turned.reason) == (S.PASSED, "")
    assert actions(e) == ["attending", "failed", "passed"]
    assert AuditEntry.objects.filter(action="enrollment.passed", target_id=str(e.pk)).exists()
    told = Notification.objects.filter(user__person=turned.person).order_by("pk")
    assert told.last().title == "已结业"
    assert services.certificate_issue(actor=base_admin.user, enrollment=turned).number


def test_a_score_corrected_after_the_close_turns_the_outcome_over_and_back(base_admin, tree):
    from shipei.assessment.models import Score
    from shipei.assessment.services import score_correct

    c = closed_class(base_admin, tree)
    final = Score.objects.filter(attempt__enrollment=c.passes, attempt__component="final")
    low = final.order_by("pk").first()

    score_correct(actor=base_admin.user, score=low, value="10", reason="录入错误")
    failed = Enrollment.objects.get(pk=c.passes.pk)
    assert failed.status == S.FAILED and "结业考核未全部合格" in failed.reason

    score_correct(actor=base_admin.user, score=low, value="75", reason="复核更正")
    assert Enrollment.objects.get(pk=c.passes.pk).status == S.PASSED
    assert actions(c.passes) == ["attending", "passed", "failed", "passed"]


def test_a_trainee_short_of_hours_stays_未结业_whatever_the_corrected_score(base_admin, tree):
    """Corrected to a fail and back to a pass: 未结业 all along, its 说明 saying each time what
    falls short, the hours at last."""
    from shipei.assessment.models import Score
    from shipei.assessment.services import score_correct

    c = closed_class(base_admin, tree)
    final = Score.objects.filter(attempt__enrollment=c.short_of_hours, attempt__component="final")
    low = final.order_by("pk").first()
    hours = "该学员已完成 3 学时，未达到规定的 4 学时"

    score_correct(actor=base_admin.user, score=low, value="10", reason="录入错误")
    short = Enrollment.objects.get(pk=c.short_of_hours.pk)
    assert short.status == S.FAILED
    assert short.reason.startswith(hours + "；结业考核未全部合格")

    score_correct(actor=base_admin.user, score=low, value="75", reason="复核更正")
    short = Enrollment.objects.get(pk=c.short_of_hours.pk)
    assert (short.status, short.reason) == (S.FAILED, hours)
    assert actions(short) == ["attending", "failed"]


def test_a_certificate_issued_keeps_已结业_when_a_score_is_corrected_down(base_admin, tree):
    """The certificate stands until whoever issues revokes it: the correction is audited, the
    trainee stays 已结业."""
    from shipei.assessment.models import Score
    from shipei.assessment.services import score_correct

    c = closed_class(base_admin, tree)
    holder = Enrollment.objects.get(pk=c.passes.pk)
    services.certificate_issue(actor=base_admin.user, enrollment=holder)
    low = Score.objects.filter(attempt__enrollment=holder, attempt__component="final").first()

    score_correct(actor=base_admin.user, score=low, value="10", reason="录入错误")

    assert status(holder) == S.PASSED
    assert AuditEntry.objects.filter(action="assessment.score_corrected").exists()


def test_a_result_decided_while_the_class_runs_moves_no_one(base_admin, tree):
    c = run_class(base_admin, tree)
    assert [status(e) for e in (c.passes, c.fails_assessment)] == [S.ATTENDING, S.ATTENDING]
    assert actions(c.passes) == ["attending"]


def test_a_correction_that_leaves_a_fail_a_fail_updates_the_score_its_说明_quotes(base_admin, tree):
    from shipei.assessment.models import Score
    from shipei.assessment.services import score_correct

    c = closed_class(base_admin, tree)
    assert "45 分" in Enrollment.objects.get(pk=c.fails_assessment.pk).reason
    first = Score.objects.filter(
        attempt__enrollment=c.fails_assessment, attempt__component="process"
    ).get(value=40)

    score_correct(actor=base_admin.user, score=first, value="50", reason="复核更正")

    failed = Enrollment.objects.get(pk=c.fails_assessment.pk)
    assert failed.status == S.FAILED
    assert "50 分" in failed.reason and "45 分" not in failed.reason
    assert actions(c.fails_assessment) == ["attending", "failed"]
