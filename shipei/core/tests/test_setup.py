"""The set-up a new user relies on: demo data, production checks, regions, the admin site."""

import base64
import os
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from stdnum.cn import uscc

from shipei.accounts.models import Person, Role, RoleAssignment, User
from shipei.audit.models import AuditEntry
from shipei.core.management.commands.demo_setup import DEMO_PASSWORD
from shipei.enrollment.models import Enrollment
from shipei.enrollment.services import seats_consistent
from shipei.orgs.models import Organisation, Region
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
    demo = User.objects.get(person__name="陈晓燕")
    assert demo.check_password(DEMO_PASSWORD) and not demo.must_change_password and demo.is_demo


def test_demo_tree_has_two_provinces_bases_and_a_valid_enterprise(db):
    call_command("demo_setup", "--quiet")
    assert {"浙江省教育厅", "江苏省教育厅"} <= set(
        Organisation.objects.values_list("name", flat=True)
    )
    enterprise = Organisation.objects.get(kind=Organisation.Kind.ENTERPRISE)
    assert uscc.is_valid(enterprise.credit_code)
    assert Organisation.objects.filter(designations__isnull=False).count() >= 4


def test_load_regions_is_idempotent(db):
    out = StringIO()
    call_command("load_regions", stdout=out)
    assert "本次变更 0 条" in out.getvalue()
    assert Region.objects.get(code="660000").short_name == "兵团"


def _production_env(**extra):
    key = base64.b64encode(os.urandom(32)).decode()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PII_", "SECRET"))}
    env.update(
        SHIPEI_ENV="production",
        DJANGO_SETTINGS_MODULE="shipei.settings",
        SECRET_KEY=base64.b64encode(os.urandom(48)).decode(),
        PII_KEYS=f"k1:{key}",
        PII_INDEX_KEY=key[::-1],
        ALLOWED_HOSTS="shipei.example.cn",
        DATABASE_URL="sqlite:////tmp/shipei-deploy-check.sqlite3",
    )
    env.update(extra)
    return env


def test_production_settings_pass_the_deploy_check():
    result = subprocess.run(
        [sys.executable, "-m", "shipei", "check", "--deploy", "--fail-level", "WARNING"],
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_its_secrets():
    env = _production_env()
    del env["PII_INDEX_KEY"]
    result = subprocess.run(
        [sys.executable, "-m", "shipei", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "PII_INDEX_KEY" in result.stderr


@pytest.mark.parametrize("superuser", [False, True])
def test_admin_site_is_for_superusers_only(client, zhejiang_admin, superuser):
    zhejiang_admin.user.is_staff = True
    zhejiang_admin.user.is_superuser = superuser
    zhejiang_admin.user.save()
    client.force_login(zhejiang_admin.user)
    response = client.get("/admin/")
    assert (response.status_code == 200) is superuser


def test_admin_person_pages_show_masked_numbers_only(client, trainee):
    admin = User.objects.create_superuser("root", "Root12345")
    client.force_login(admin)
    number = trainee.person._id_number()
    page = client.get(f"/admin/accounts/person/{trainee.person.pk}/change/").content.decode()
    assert number not in page
    assert number[:6] + "********" + number[-4:] in page
    assert number not in client.get("/admin/accounts/person/").content.decode()
