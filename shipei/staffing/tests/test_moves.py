"""A class's dates change (a change the province approved): its core teachers' holds move
with it; a teacher the new dates would double-book is withdrawn, both sides are told, and the
place shows as open."""

import datetime

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from shipei.classes import amendments
from shipei.notifications.models import Notification
from shipei.staffing.models import Assignment, busy_span

from .conftest import in_days, make_class, user_of

pytestmark = pytest.mark.django_db
Status = Assignment.Status


def hold(klass, teacher, role, status, inviter):
    start, end = busy_span(klass.starts_on, klass.ends_on)
    return Assignment.objects.create(
        training_class=klass,
        core_teacher=teacher,
        role=role,
        status=status,
        source=Assignment.Source.RECOMMENDATION,
        busy_from=start,
        busy_until=end,
        invited_by=inviter,
        invited_at=timezone.now(),
        answer_by=in_days(5),
    )


@pytest.fixture
def moved(base_admin, zhejiang_admin, programme, klass, pool, tree):
    """The class (days 40-46) has A accepted and B invited; A also teaches another class of
    the institution on days 60-66. The province approves moving the class to days 62-68."""
    a, b = pool[0], pool[1]
    other = make_class(programme, tree["hz_base"], start=in_days(60))
    rows = {
        "a": hold(klass, a, "teaching", Status.ACCEPTED, base_admin.user),
        "b": hold(klass, b, "assessing", Status.INVITED, base_admin.user),
        "a_other": hold(other, a, "teaching", Status.ACCEPTED, base_admin.user),
        "proposal": hold(klass, pool[2], "assessing", Status.PROPOSED, None),
    }
    change = amendments.amendment_request(
        actor=base_admin.user,
        training_class=klass,
        reason="与技能大赛时间冲突",
        starts_on=in_days(62),
        ends_on=in_days(68),
    )
    amendments.amendment_decide(actor=zhejiang_admin.user, amendment=change, approve=True)
    for row in rows.values():
        row.refresh_from_db()
    return rows


def test_the_holds_follow_the_new_dates_and_a_clash_is_withdrawn(base_admin, moved, klass):
    b, proposal = moved["b"], moved["proposal"]
    assert (b.status, b.busy_from, b.busy_until) == (Status.INVITED, in_days(61), in_days(68))
    assert b.answer_by == in_days(27)  # 35 days before the new start
    assert (proposal.busy_from, proposal.busy_until) == (in_days(61), in_days(68))
    # A teaches the other class on days 60-66: the moved class would double-book A.
    a = moved["a"]
    assert a.status == Status.WITHDRAWN
    assert in_days(60).isoformat() in a.reason and in_days(62).isoformat() in a.reason
    assert moved["a_other"].status == Status.ACCEPTED  # the other class keeps A

    teacher_a = user_of(a.core_teacher)
    told = Notification.objects.get(user=teacher_a, title__contains="班次改期，邀请已撤回")
    assert "冲突" in told.body
    assert Notification.objects.filter(
        user=base_admin.user, title__contains=f"不能担任{a.get_role_display()}"
    ).exists()
    assert Notification.objects.filter(
        user=user_of(b.core_teacher), title__contains="班次日期调整"
    ).exists()


def test_the_class_page_shows_the_withdrawn_place_as_open(client, base_admin, moved, klass):
    client.force_login(base_admin.user)
    page = client.get(reverse("staffing:class", args=[klass.pk]))
    teaching = next(r for r in page.context["roles"] if r["role"] == "teaching")
    assert teaching["open"] == 2 and teaching["accepted"] == 0
    html = page.content.decode()
    assert "尚缺 2 名" in html and "冲突" in html  # the withdrawn row says why


@pytest.mark.postgres
def test_on_postgresql_the_move_commits_and_no_teacher_is_double_booked(moved):
    """The database's exclusion constraint would refuse the clash the move withdrew: the
    approval went through, and no teacher holds two overlapping spans."""
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT count(*) FROM staffing_assignment x JOIN staffing_assignment y
               ON x.core_teacher_id = y.core_teacher_id AND x.id < y.id
               WHERE x.status IN ('invited', 'accepted') AND y.status IN ('invited', 'accepted')
               AND daterange(x.busy_from, x.busy_until, '[]')
                   && daterange(y.busy_from, y.busy_until, '[]')"""
        )
        assert cursor.fetchone()[0] == 0
    a = moved["a"]
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.filter(pk=a.pk).update(
            status=Status.ACCEPTED,
            busy_from=moved["b"].busy_from,
            busy_until=moved["b"].busy_until,
        )
    assert moved["b"].busy_from - datetime.timedelta(days=1) == in_days(60)
