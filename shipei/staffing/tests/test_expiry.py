"""An invitation has a last day to answer: the core teacher is reminded before it, and an
invitation not answered by then lapses: the teacher's time is free again, the institution is
told, and the place gets the next proposal as after a decline."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from shipei.classes.models import TrainingClass
from shipei.core.errors import InvalidTransition
from shipei.notifications import schedule
from shipei.notifications.models import Notification
from shipei.staffing import expiry, services
from shipei.staffing.models import Assignment
from shipei.staffing.needs import class_needs
from shipei.staffing.services.invitations import answer_deadline

from .conftest import in_days, make_class, user_of

pytestmark = pytest.mark.django_db
Status = Assignment.Status


def at(days: int) -> datetime.datetime:
    """Noon in China, `days` from today there (whatever the hour of the run)."""
    day = timezone.localdate() + datetime.timedelta(days=days)
    return datetime.datetime.combine(day, datetime.time(12), timezone.get_current_timezone())


@pytest.fixture
def invited(base_admin, klass, pool):
    """The class starts in 40 days (notice 004: invitations by 35 days before): a core
    teacher invited today."""
    services.class_recommend(actor=base_admin.user, training_class=klass)
    a = Assignment.objects.filter(
        training_class=klass, core_teacher__person__user__isnull=False
    ).first()
    services.assignment_invite(actor=base_admin.user, assignment=a)
    a.refresh_from_db()
    return a


def titles(user) -> list[str]:
    return list(Notification.objects.filter(user=user).values_list("title", flat=True))


def test_the_invitation_says_its_last_day_the_staffing_milestone(client, invited):
    assert invited.answer_by == in_days(5)  # 40 - 35
    teacher = user_of(invited.core_teacher)
    body = Notification.objects.get(user=teacher, title__contains="骨干教师邀请").body
    assert f"请于 {in_days(5).isoformat()} 前" in body
    client.force_login(teacher)
    page = client.get(reverse("staffing:mine")).content.decode()
    assert f"请于 {in_days(5).isoformat()} 前答复" in page


def test_the_last_day_when_invited_late_or_close_to_the_start(programme, tree):
    today = timezone.localdate()
    # Past the milestone (an exception): still three days to answer.
    late = make_class(programme, tree["hz_base"], start=in_days(20))
    assert answer_deadline(late, today) == in_days(3)
    # A class starting in four days: answered two days before it, whatever the rest says.
    soon = make_class(programme, tree["nj_school"], start=in_days(4))
    assert answer_deadline(soon, today) == in_days(2)
    # A programme that sets no staffing milestone: a week.
    programme.policy["classes"]["milestones_days_before_start"] = {}
    programme.save()
    late = TrainingClass.objects.get(pk=late.pk)
    assert answer_deadline(late, today) == in_days(7)


def test_the_teacher_is_reminded_once_before_the_last_day(invited):
    teacher = user_of(invited.core_teacher)
    assert expiry.remind_invitations(now=at(2)) == 0  # three days left: not yet
    assert expiry.remind_invitations(now=at(3)) == 1
    assert expiry.remind_invitations(now=at(4)) == 0
    assert f"请于 {in_days(5).isoformat()} 前答复骨干教师邀请" in titles(teacher)[0]


def test_an_unanswered_invitation_lapses_frees_the_teacher_and_brings_the_next_proposal(
    base_admin, invited, klass
):
    teacher = user_of(invited.core_teacher)
    assert expiry.invitations_expire(now=at(5)) == 0  # the last day itself is still open

    assert expiry.invitations_expire(now=at(6)) == 1

    invited.refresh_from_db()
    assert invited.status == Status.EXPIRED and in_days(5).isoformat() in invited.reason
    # The place has a new proposal, not the teacher who let it lapse.
    place = Assignment.objects.filter(
        training_class=klass, role=invited.role, status__in=[Status.PROPOSED, Status.INVITED]
    )
    assert place.count() == class_needs(klass).staff[invited.role]
    assert invited.core_teacher_id not in {a.core_teacher_id for a in place}
    assert any("逾期未答复" in t for t in titles(base_admin.user))
    assert any("邀请已失效" in t for t in titles(teacher))
    # Too late to accept; the job has nothing left to do.
    with pytest.raises(InvalidTransition):
        services.assignment_accept(actor=teacher, assignment=invited)
    assert expiry.invitations_expire(now=at(7)) == 0


def test_a_lapsed_teachers_time_is_free_for_another_class(base_admin, invited, programme, tree):
    expiry.invitations_expire(now=at(6))
    other = make_class(programme, tree["hz_base"], start=invited.training_class.starts_on)
    services.class_recommend(actor=base_admin.user, training_class=other)
    assert Assignment.objects.filter(training_class=other, core_teacher=invited.core_teacher)


def test_the_scheduled_jobs_remind_and_expire(invited):
    names = {job.name for job in schedule.jobs()}
    assert {"core_invitation_reminders", "core_invitation_expiry"} <= names
    Assignment.objects.filter(pk=invited.pk).update(answer_by=in_days(-1))

    assert schedule.job_run("core_invitation_expiry") == 1
    invited.refresh_from_db()
    assert invited.status == Status.EXPIRED
