"""The demo a new user starts from: one account per role, the notices' presets, programmes open
now with their whole calendar moved, and the project and enrollment cycle at every step."""

from io import StringIO

from django.core.management import call_command
from django.utils import timezone
from stdnum.cn import uscc

from shipei.accounts.models import Person, Role, RoleAssignment, User
from shipei.audit.models import AuditEntry
from shipei.classes.models import HalfYearPlan, TrainingClass
from shipei.demo.content import P004
from shipei.demo.management.commands.demo_setup import DEMO_PASSWORD
from shipei.enrollment.models import Enrollment
from shipei.enrollment.seats import seats_consistent
from shipei.orgs.models import Organisation
from shipei.programmes import calendar
from shipei.programmes.models import Programme
from shipei.projects.models import Project, Review
from shipei.quotas.models import Quota, QuotaChange


def test_demo_setup_creates_one_account_per_role_and_can_run_again(db):
    out = StringIO()
    call_command("demo_setup", stdout=out)
    printed = out.getvalue()
    assert f"统一密码：{DEMO_PASSWORD}" in printed
    for role in Role:
        assert str(role.label) in printed
        assert RoleAssignment.objects.filter(role=role, user__is_demo=True).exists()
    counts = (
        Organisation.objects.count(),
        Person.objects.count(),
        User.objects.count(),
        QuotaChange.objects.count(),
        AuditEntry.objects.count(),
        Project.objects.count(),
        Enrollment.objects.count(),
    )
    call_command("demo_setup", "--quiet")
    assert (
        Organisation.objects.count(),
        Person.objects.count(),
        User.objects.count(),
        QuotaChange.objects.count(),
        AuditEntry.objects.count(),
        Project.objects.count(),
        Enrollment.objects.count(),
    ) == counts
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
    assert states == sorted(["published"] * 4 + ["in_review", "submitted", "returned", "draft"])
    assert Review.objects.filter(project__programme=demo, submitted_at__isnull=True).count() == 1
    # Each channel has an enrollment waiting at a step, or decided.
    waiting = {
        e.programme.code: e.status
        for e in Enrollment.objects.select_related("programme").order_by("pk")
    }
    assert waiting == {
        "demo-2026-innovation-team-online": "submitted",
        "demo-2026-zj-vocational-teacher": "submitted",
        "demo-2026-national-base-projects": "submitted",  # the last one: still at the base
    }
    assert Enrollment.objects.filter(status="admitted").count() == 1
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
    # Notice 004 at 杭州技师学院: planned classes at each step up to enrollment, and an
    # unplanned one waiting for the province.
    classes = TrainingClass.objects.filter(project__programme__code=P004)
    assert sorted(classes.values_list("status", flat=True)) == sorted(
        ["planned", "applied", "plan_filed", "plan_approved", "enrolling", "applied"]
    )
    assert classes.filter(unplanned=True, amendments__status="submitted").count() == 1
    assert HalfYearPlan.objects.filter(status="approved").exists()
    demo = User.objects.get(person__name="陈晓燕")
    assert demo.check_password(DEMO_PASSWORD) and not demo.must_change_password and demo.is_demo
    # The tree: two provinces, designated bases, and an enterprise with a valid credit code.
    assert {"浙江省教育厅", "江苏省教育厅"} <= set(
        Organisation.objects.values_list("name", flat=True)
    )
    enterprise = Organisation.objects.get(kind=Organisation.Kind.ENTERPRISE)
    assert uscc.is_valid(enterprise.credit_code)
    assert Organisation.objects.filter(designations__isnull=False).count() >= 4
