"""The demo a new user starts from: one account per role, the notices' presets, programmes open
now with their whole calendar moved, and the project and enrollment cycle at every step."""

from typing import Any

from django.core.management import call_command
from django.utils import timezone
from stdnum.cn import uscc

from shipei.accounts.models import Person, Role, RoleAssignment, User
from shipei.appraisal.models import AppraisalRun
from shipei.assessment import selectors as assessment
from shipei.assessment.models import Attempt, Score
from shipei.attendance import selectors as attendance
from shipei.attendance.models import AttendanceRecord
from shipei.audit.models import AuditEntry
from shipei.certificates.models import Certificate
from shipei.classes.models import HalfYearPlan, TrainingClass
from shipei.demo.classes004 import P004
from shipei.demo.content import DEMO_002
from shipei.demo.management.commands.demo_setup import DEMO_PASSWORD
from shipei.enrollment.models import Enrollment
from shipei.enrollment.seats import seats_consistent
from shipei.orgs.models import Organisation
from shipei.programmes import calendar
from shipei.programmes.models import Programme
from shipei.projects.models import BaseCapOverride, Project, Review
from shipei.quotas.models import Quota, QuotaChange
from shipei.schedule.models import ProgressEvent, Session
from shipei.staffing.models import Assignment
from shipei.supervision.models import Inspection, SpotCheck
from shipei.surveys.models import Answered, Response, Survey


def test_demo_setup_creates_one_account_per_role_and_can_run_again(db, client, demo_printed):
    printed = demo_printed
    assert f"统一密码：{DEMO_PASSWORD}" in printed
    for role in Role:
        assert str(role.label) in printed
        assert RoleAssignment.objects.filter(role=role, user__is_demo=True).exists()
    counts = (
        Organisation.objects.count(),
        TrainingClass.objects.count(),
        Session.objects.count(),
        Assignment.objects.count(),
        AttendanceRecord.objects.count(),
        ProgressEvent.objects.count(),
        Person.objects.count(),
        User.objects.count(),
        QuotaChange.objects.count(),
        AuditEntry.objects.count(),
        Project.objects.count(),
        Enrollment.objects.count(),
        SpotCheck.objects.count(),
        Attempt.objects.count(),
        Score.objects.count(),
        Certificate.objects.count(),
    )
    call_command("demo_setup", "--quiet")
    assert (
        Organisation.objects.count(),
        TrainingClass.objects.count(),
        Session.objects.count(),
        Assignment.objects.count(),
        AttendanceRecord.objects.count(),
        ProgressEvent.objects.count(),
        Person.objects.count(),
        User.objects.count(),
        QuotaChange.objects.count(),
        AuditEntry.objects.count(),
        Project.objects.count(),
        Enrollment.objects.count(),
        SpotCheck.objects.count(),
        Attempt.objects.count(),
        Score.objects.count(),
        Certificate.objects.count(),
    ) == counts
    # A spot check in Zhejiang, drawn with its seed recorded: one finding with a photo that
    # 杭州职业技术学院 has answered, waiting for the province to close it.
    check = SpotCheck.objects.get()
    assert check.area.name == "浙江省教育厅" and check.sample_size == 2
    answered = Inspection.objects.get(status="responded")
    assert answered.base.name == "杭州职业技术学院" and answered.files.get().is_image
    # The five notices are there, linked to their issuing departments, with Zhejiang's split.
    assert Programme.objects.get(code="zj-2020-vocational-teacher").owner.name == "浙江省教育厅"
    hangzhou = Quota.objects.get(
        programme__code="moe-2020-innovation-team-online", region_id="330100", item="p1"
    )
    assert (hangzhou.seats, hangzhou.seats_split, hangzhou.parent.region_id) == (200, 50, "330000")
    # A 2026 copy of notice 002, open now, with projects at every step of the cycle.
    demo = Programme.objects.get(code="demo-2026-national-base-projects")
    assert demo.rules.projects.application.contains(timezone.now())
    states = sorted(Project.objects.filter(programme=demo).values_list("status", flat=True))
    assert states == sorted(
        ["published"] * 4
        + ["in_review", "submitted", "returned", "draft"]
        + ["enrolling", "enrollment_closed", "running", "completed"]
    )
    assert Review.objects.filter(project__programme=demo, submitted_at__isnull=True).count() == 1
    # Its 2026 assessment, confirmed: the bases whose classes ran get their 2027 caps.
    run = AppraisalRun.objects.get(programme=demo, status="confirmed")
    scored = {r.base.name: (r.total, r.cap_proposed) for r in run.rows.filter(confirmed=True)}
    assert scored == {"杭州职业技术学院": (100, 22), "宁波职业技术学院": (100, 22)}
    assert run.rows.filter(total=None).count() == 2  # no class of theirs has run yet
    assert BaseCapOverride.objects.filter(year=2027, cap=22).count() == 2
    # Each channel has an enrollment waiting at a step, or decided.
    waiting = {
        e.programme.code: e.status
        for e in Enrollment.objects.select_related("programme").order_by("pk")
    }
    assert waiting == {
        "demo-2026-innovation-team-online": "submitted",
        "demo-2026-zj-vocational-teacher": "submitted",
        "demo-2026-national-base-projects": "submitted",  # the last one: still at the base
        # 004 into its enrolling class with 附件1: one admitted, the last at the base's step.
        P004: "submitted",
    }
    assert Enrollment.objects.filter(status="admitted", programme__code=DEMO_002).count() == 1
    waiting_004 = Enrollment.objects.get(programme__code=P004, status="submitted")
    assert waiting_004.step == 1 and waiting_004.training_class.status == "enrolling"
    assert waiting_004.application.answers["needs"]
    # The copies move their whole calendar: registration is open now, training comes after it.
    for code, item in (
        ("demo-2026-innovation-team-online", "p1"),
        ("demo-2026-zj-vocational-teacher", "k2-2"),
        ("demo-2026-national-base-projects", "dual_teacher_base"),
    ):
        rules = Programme.objects.get(code=code).rules
        assert calendar.registration_of(rules, item).contains(timezone.now()), code
        assert calendar.calendar_warnings(rules) == [], code
    online = Programme.objects.get(code="demo-2026-innovation-team-online").rules
    p1 = online.item("p1")
    assert p1.registration.closes_at() < p1.training.opens_at()
    summary = next(m for m in online.milestones if m.code == "province_summary")
    assert summary.due < min(i.registration.opens for i in online.items if i.registration)
    for programme in Programme.objects.filter(code__startswith="demo-"):
        assert seats_consistent(programme) == []
    # Notice 004 at 杭州技师学院: classes at every step of their lifecycle, and an unplanned one
    # waiting for the province.
    classes = TrainingClass.objects.filter(project__programme__code=P004)
    assert sorted(classes.values_list("status", flat=True)) == sorted(
        [s for s, _label in TrainingClass.Status.choices] + ["applied"]
    )
    assert classes.filter(unplanned=True, amendments__status="submitted").count() == 1
    assert HalfYearPlan.objects.filter(status="approved").exists()
    demo = User.objects.get(person__name="陈晓燕")
    assert demo.check_password(DEMO_PASSWORD) and not demo.must_change_password and demo.is_demo
    # The tree: two provinces, bases, a valid enterprise.
    assert {"浙江省教育厅", "江苏省教育厅"} <= set(
        Organisation.objects.values_list("name", flat=True)
    )
    enterprise = Organisation.objects.get(kind=Organisation.Kind.ENTERPRISE)
    assert uscc.is_valid(enterprise.credit_code)
    assert Organisation.objects.filter(designations__isnull=False).count() >= 4
    _running_class_as_its_people_see_it(client)
    _assessment_as_its_people_see_it(client, printed)


def _running_class_as_its_people_see_it(client: Any) -> None:
    """The running 004 class: staffed by accepted invitations, a schedule of the four kinds with
    sessions today, attendance by grid and by QR for the sessions held (none ahead), progress on
    the package, one trainee at risk; its printed trainee and core teacher see it."""
    running = TrainingClass.objects.get(project__programme__code=P004, status="running")
    assert set(running.core_assignments.values_list("status", flat=True)) == {"accepted"}
    assert running.core_assignments.count() == 5
    today = timezone.localdate()
    sessions = running.sessions.all()
    assert set(sessions.values_list("kind", flat=True)) == set(Session.Kind.values)
    assert [s for s in sessions if timezone.localtime(s.starts_at).date() == today]
    week = [s for s in sessions if abs((timezone.localtime(s.starts_at).date() - today).days) < 4]
    assert len(week) >= 8
    records = AttendanceRecord.objects.filter(session__training_class=running)
    assert {"grid", "qr"} <= set(records.values_list("source", flat=True))
    assert not records.filter(session__starts_at__gt=timezone.now()).exists()
    assert ProgressEvent.objects.filter(enrollment__training_class=running).exists()
    standings = attendance.standings(running)
    assert len(standings) == 8
    at_risk = [s for s in standings if s.at_risk]
    assert [(s.enrollment.person.name, s.allowance) for s in at_risk] == [("施雨", 2)]
    assessing = TrainingClass.objects.get(project__programme__code=P004, status="assessing")
    barred = [s.enrollment for s in attendance.standings(assessing) if s.barred]
    assert [e.person.name for e in barred] == ["严斌"]
    assert "不能参加考核" in attendance.assessment_bar(barred[0])
    # The printed trainee's home: today's sessions of the running class.
    trainee = User.objects.get(person__name="陈立", is_demo=True)
    client.force_login(trainee)
    home = client.get("/").content.decode()
    assert str(running) in home
    today_titles = [s.title for s in sessions if timezone.localtime(s.starts_at).date() == today]
    assert all(title in home for title in today_titles)
    # He has the class's 附件2 to fill in, which five classmates answered; the closed class's
    # four answers stay below the five its results need.
    assert "工学一体化教师培训结束评估表（附件2）" in client.get("/surveys/").content.decode()
    assert Answered.objects.filter(survey__training_class=running).count() == 5
    closed = Survey.objects.get(training_class__status="closed", form="end_of_training")
    assert closed.is_closed and Response.objects.filter(survey=closed).count() == 4
    # The printed core teacher: the class among those whose attendance he takes, an invitation.
    zhou = User.objects.get(person__name="周强", is_demo=True)
    client.force_login(zhou)
    assert str(running) in client.get("/attendance/").content.decode()
    assert "待答复的骨干教师邀请" in client.get("/").content.decode()


def _assessment_as_its_people_see_it(client: Any, printed: str) -> None:
    """The closed 004 class: scored by its core teachers, three passed and hold certificates,
    魏涛 failed his process twice (barred from the final) and has none; the base's certificate
    page says why. The class being assessed: the assessor the demo prints has the final's sheet
    to fill, the process decided and 严斌 barred by his absence."""
    closed = TrainingClass.objects.get(project__programme__code=P004, status="closed")
    results = {
        r.enrollment.person.name: r for r in assessment.results(list(closed.enrollments.all()))
    }
    assert sorted(n for n, r in results.items() if r.passed) == sorted(["华晓东", "金玲", "陶然"])
    failed = results["魏涛"]
    assert failed.failed and "低于合格分数 60 分，不能参加终结性考核" in failed.reason
    held = Certificate.objects.filter(enrollment__training_class=closed, status="valid")
    assert sorted(held.values_list("holder_name", flat=True)) == sorted(["华晓东", "金玲", "陶然"])
    assert set(held.values_list("issuer", flat=True)) == {"杭州技师学院"}
    # Every score came from a scorer the policy names: 2 teaching, 3 assessing core teachers.
    scorers = set(
        Score.objects.filter(attempt__enrollment__training_class=closed).values_list(
            "scorer__person_id", flat=True
        )
    )
    staffed = closed.core_assignments.filter(status="accepted")
    assert scorers == set(staffed.values_list("core_teacher__person_id", flat=True))
    client.force_login(User.objects.get(person__name="方华", is_demo=True))
    page = client.get(f"/certificates/class/{closed.pk}/").content.decode()
    assert page.count(">已发证</span>") == 3 and "结业考核未全部合格" in page
    assert all(c.number in page for c in held)

    assessing = TrainingClass.objects.get(project__programme__code=P004, status="assessing")
    line = next(x for x in printed.splitlines() if x.startswith("考核中的班次："))
    name = line.removeprefix("考核中的班次：考核骨干教师").split("（")[0]
    mobile = line.split("（")[1].split("）")[0]
    pending = User.objects.get(person__name=name, is_demo=True)
    assert pending.check_password(DEMO_PASSWORD) and pending.person._mobile() == mobile
    client.force_login(pending)
    sheet = client.get(f"/assessment/classes/{assessing.pk}/sheet/final/").content.decode()
    to_fill = [e.person.name for e in assessing.enrollments.all() if f'name="s_{e.pk}"' in sheet]
    assert sorted(to_fill) == sorted(["张慧", "孔令杰", "曹婷"])
    assert "提交评分" in sheet and "不能参加" in sheet  # 严斌
    final = {
        r.enrollment.person.name: r for r in assessment.results(list(assessing.enrollments.all()))
    }
    assert not any(r.passed for r in final.values())
    assert final["张慧"].components[0].passed and final["张慧"].components[1].state == "待评定"
    finals = Score.objects.filter(
        attempt__enrollment__training_class=assessing, attempt__component="final"
    )
    assert finals.count() == 6 and pending.pk not in {s.scorer_id for s in finals}
