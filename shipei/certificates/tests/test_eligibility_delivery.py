"""What delivery decides about a certificate: every component of the assessment passed (the
policy's ``certificate.after_assessment``) and, where the class keeps a schedule, the trainee's
own hours reached."""

import datetime
import io

import pytest
from openpyxl import load_workbook

from shipei.assessment.exports import score_sheet
from shipei.assessment.services import score_save
from shipei.assessment.tests.conftest import Staff, staff
from shipei.attendance.models import AttendanceRecord
from shipei.attendance.tests.conftest import add_session, enroll, make_class
from shipei.certificates import eligibility, services
from shipei.certificates.models import Certificate
from shipei.classes.models import TrainingClass
from shipei.enrollment.models import Enrollment
from shipei.staffing.models import StaffRole


@pytest.fixture
def cls(base_admin):
    """A running notice-004 class with its two teaching and three assessing core teachers."""
    return make_class(base_admin)


@pytest.fixture
def trainees(cls, tree):
    return [enroll(cls, tree["hz_school"], name) for name in ("王芳", "李强", "张敏")]


@pytest.fixture
def scorers(cls, tree):
    return Staff(
        teaching=staff(cls, tree["nj_school"], StaffRole.TEACHING, 2),
        assessing=staff(cls, tree["nj_school"], StaffRole.ASSESSING, 3),
    )


PASSING = {"process": ["80", "70"], "final": ["75", "70", "65"]}


def score(users, enrollment, component, values):
    for user, value in zip(users, values, strict=True):
        score_save(actor=user, enrollment=enrollment, component=component, value=value, submit=True)


def close(training_class, *enrollments):
    """Close the class; the enrollments as read afresh (with the closed class)."""
    TrainingClass.objects.filter(pk=training_class.pk).update(status=TrainingClass.Status.CLOSED)
    return [Enrollment.objects.get(pk=e.pk) for e in enrollments]


def test_a_trainee_who_has_not_passed_every_component_gets_no_certificate_and_the_reason(
    cls, trainees, scorers, base_admin
):
    passed, unscored, failed = (t.enrollment for t in trainees)
    score(scorers.teaching, passed, "process", PASSING["process"])
    score(scorers.assessing, passed, "final", PASSING["final"])
    score(scorers.teaching, failed, "process", ["40", "50"])
    passed, unscored, failed = close(cls, passed, unscored, failed)

    assert eligibility.problems(passed) == []
    (waiting,) = eligibility.problems(unscored)
    assert waiting.startswith("结业考核未全部合格") and "待评定" in waiting
    (refused,) = eligibility.problems(failed)
    assert "不合格" in refused and "45 分" in refused  # the process score it failed with

    issued = services.certificate_issue(actor=base_admin.user, enrollment=passed)
    assert issued.number and Certificate.objects.count() == 1
    # The 附件5 score sheet carries the number of the trainee's certificate, the others' empty.
    sheet = score_sheet(actor=base_admin.user, training_class=cls, full=False, ip=None)
    rows = [[c.value for c in r] for r in load_workbook(io.BytesIO(sheet)).active.iter_rows()]
    numbers = {r[1]: r[-1] for r in rows if r[1] in {t.person.name for t in trainees}}
    assert numbers == {
        trainees[0].person.name: issued.number,
        **{t.person.name: None for t in trainees[1:]},
    }


def test_where_the_class_keeps_a_schedule_the_trainees_own_hours_must_be_reached(
    cls, trainees, scorers, base_admin
):
    trainee = trainees[0].enrollment
    score(scorers.teaching, trainee, "process", PASSING["process"])
    score(scorers.assessing, trainee, "final", PASSING["final"])
    held = add_session(cls, "学习任务分析", -datetime.timedelta(days=1), "4")
    (trainee,) = close(cls, trainee)

    assert eligibility.problems(trainee) == ["该学员已完成 0 学时，未达到规定的 4 学时，不能发证。"]

    AttendanceRecord.objects.create(
        session=held, enrollment=trainee, status="present", hours=4, source="grid"
    )
    assert eligibility.problems(trainee) == []
