"""Reminders before deadlines: approvers the day before an approval step's deadline, school
coordinators the day before registration closes; each once per person and deadline, as
periodic jobs of the schedule."""

import datetime
import io
from typing import Any

import pytest
from django.core.management import call_command

from shipei.accounts.models import Role
from shipei.core.clock import SHANGHAI
from shipei.enrollment import reminders
from shipei.enrollment import services as enrollment_services
from shipei.enrollment.models import Enrollment
from shipei.notifications import schedule
from shipei.notifications.models import JobRun, Notification, SentReminder
from shipei.programmes.models import Programme

from .conftest import holder, make_teacher, submit, two_step_policy

pytestmark = pytest.mark.django_db


def titles(user: Any) -> list[str]:
    return list(
        Notification.objects.filter(user=user).order_by("pk").values_list("title", flat=True)
    )


def decide(actor: Any, enrollment: Enrollment, decision: str, reason: str = "") -> Enrollment:
    return enrollment_services.enrollment_decide(
        actor=actor, enrollment=enrollment, decision=decision, reason=reason
    )


def at(day: str, hour: int = 9) -> datetime.datetime:
    return datetime.datetime.fromisoformat(day).replace(hour=hour, tzinfo=SHANGHAI)


def test_approvers_are_reminded_once_the_day_before_a_step_deadline(
    programme,
    tree,
    school_coordinator,
    city_admin,
    zhejiang_admin,
    nanjing_admin,
    django_capture_on_commit_callbacks,
):
    for _ in range(2):
        submit(school_coordinator.user, programme, make_teacher(tree["hz_school"]))

    assert reminders.remind_approval_deadlines(now=at("2026-12-03")) == 0  # two days before
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.remind_approval_deadlines(now=at("2026-12-04")) == 1
        assert reminders.remind_approval_deadlines(now=at("2026-12-04", 15)) == 0
        assert reminders.remind_approval_deadlines(now=at("2026-12-05")) == 0

    reminder = Notification.objects.get(user=city_admin.user)
    assert reminder.title == "设区市教育局审核即将截止"
    assert "尚有 2 条报名" in reminder.body and "2026-12-05" in reminder.body
    assert SentReminder.objects.get().user == city_admin.user
    assert titles(zhejiang_admin.user) == [] and titles(nanjing_admin) == []


def test_no_deadline_reminder_when_nothing_waits_at_the_step(
    programme, tree, school_coordinator, city_admin
):
    enrollment = submit(school_coordinator.user, programme, make_teacher(tree["hz_school"]))
    decide(city_admin.user, enrollment, "approve")

    assert reminders.remind_approval_deadlines(now=at("2026-12-04")) == 0


def test_coordinators_are_reminded_once_before_registration_closes(
    programme, tree, school_coordinator, jiangsu_admin
):
    other_school = holder(Role.SCHOOL_COORDINATOR, tree["nj_school"])

    assert reminders.remind_registration_closing(now=at("2026-11-29", 12)) == 0  # too early
    assert reminders.remind_registration_closing(now=at("2026-11-30", 8)) == 2
    assert reminders.remind_registration_closing(now=at("2026-11-30", 20)) == 0
    assert reminders.remind_registration_closing(now=at("2026-12-01", 8)) == 0  # closed

    [reminder] = Notification.objects.filter(user=school_coordinator.user)
    assert reminder.title == "报名即将截止"
    assert "骨干教师培训报名将于 2026-11-30 23:59 截止" in reminder.body
    assert titles(other_school) == ["报名即将截止"]  # the programme names no owner: everyone


def test_registration_reminders_stay_under_the_programme_owner(tree, school_coordinator):
    Programme.objects.create(
        code="js", title="江苏计划", year=2026, policy=two_step_policy(), owner=tree["js"]
    )

    assert reminders.remind_registration_closing(now=at("2026-11-30", 8)) == 0
    assert titles(school_coordinator.user) == []


def test_no_registration_reminder_where_only_teachers_register_themselves(tree, school_coordinator):
    Programme.objects.create(
        code="self",
        title="自主报名计划",
        year=2026,
        policy=two_step_policy(channels=["self_registration"]),
    )

    assert reminders.remind_registration_closing(now=at("2026-11-30", 8)) == 0


# ---- as periodic jobs --------------------------------------------------------------------


def test_enrollment_jobs_are_registered_and_queued_once_per_interval(
    django_capture_on_commit_callbacks,
):
    start = at("2026-12-04")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = schedule.schedule_run(now=start)
        again = schedule.schedule_run(now=start + datetime.timedelta(seconds=30))
        sweep = schedule.schedule_run(now=start + datetime.timedelta(minutes=5))
        later = schedule.schedule_run(now=start + datetime.timedelta(hours=1))
        forced = schedule.schedule_run(now=start + datetime.timedelta(hours=1), force=True)

    assert first == [
        "milestone_reminders",  # the programmes' and classes' apps' first (they are below)
        "class_milestone_reminders",
        "core_invitation_reminders",  # staffing's
        "core_invitation_expiry",
        "approval_deadline_reminders",
        "registration_closing_reminders",
        "enrollment_notices",
        "training_items_progress",  # certificates', above enrollment (every 10 minutes)
        "certificate_batches_resume",
        "statistics_fold",  # the statistics' (every minute)
    ]
    assert again == []
    # At every run of the schedule (every 300 s): the notices, batches a worker left, and the
    # statistics' changes folded.
    assert sweep == ["enrollment_notices", "certificate_batches_resume", "statistics_fold"]
    assert later == first and forced == first
    assert len(callbacks) == 33
    assert JobRun.objects.count() == 10


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_jobs_run_by_the_schedule_send_reminders_once(
    programme, school_coordinator, django_capture_on_commit_callbacks, monkeypatch
):
    """The registration of the test programme closes within a day of the job's run."""
    monkeypatch.setattr(
        reminders.timezone,
        "now",
        lambda: datetime.datetime(2026, 11, 30, 0, 30, tzinfo=datetime.UTC),
    )
    with django_capture_on_commit_callbacks(execute=True):
        run("run_schedule")
        run("run_schedule", "--force")

    assert (
        Notification.objects.filter(user=school_coordinator.user, title="报名即将截止").count() == 1
    )
