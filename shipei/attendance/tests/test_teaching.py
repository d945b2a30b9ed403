"""A teacher's own sessions (issue 16): whoever the schedule names to teach sees today's and the
week's sessions they teach on their home page and on 我的课表与学时, with the class, the room or
link and the way to the roll call and the check-in code; a trainee who also teaches sees both,
each labelled."""

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from shipei.accounts.models import Role, RoleAssignment, User
from shipei.accounts.tests.factories import PersonFactory
from shipei.attendance.tests.conftest import enroll, make_class
from shipei.schedule.models import Session

pytestmark = pytest.mark.django_db


def at(days: int, hh: int, mm: int = 0) -> datetime.datetime:
    moment = datetime.datetime.combine(
        timezone.localdate() + datetime.timedelta(days=days), datetime.time(hh, mm)
    )
    return timezone.make_aware(moment)


def session(cls: Any, title: str, starts: datetime.datetime, teacher: Any, **kw: Any) -> Session:
    made = Session.objects.create(
        training_class=cls,
        kind=kw.pop("kind", Session.Kind.OFFLINE),
        title=title,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(minutes=kw.pop("minutes", 30)),
        hours=Decimal("1"),
        **kw,
    )
    made.staff.add(teacher)
    return made


@pytest.fixture
def core_teacher(tree: Any) -> User:
    person = PersonFactory(org=tree["nj_school"], name="周强")
    user = User.objects.create_user(f"c{person.pk}", "Secret123", person=person)
    RoleAssignment.objects.create(user=user, role=Role.CORE_TEACHER, org=tree["nj_school"])
    return user


def test_a_core_teacher_sees_today_and_the_week_they_teach_with_roll_call_and_code(
    client, base_admin, core_teacher
):
    cls = make_class(base_admin)
    person = core_teacher.person
    # Begun at midnight: held today whatever the hour the test runs at.
    held = session(
        cls, "学习任务分析", at(0, 0, 0), person, room="实训楼 A301", minutes=24 * 60 - 1
    )
    live = session(
        cls,
        "政策解读（直播）",
        at(2, 14),
        person,
        kind=Session.Kind.LIVE,
        link="https://meeting.example.cn/123",
    )
    session(cls, "下周的课", at(8, 9), person, room="A302")  # beyond the week
    client.force_login(core_teacher)
    for path in ("/", reverse("schedule:mine")):
        page = client.get(path).content.decode()
        assert "我的授课" in page and "今日授课" in page and "您还没有已录取的培训" not in page
        assert "学习任务分析" in page and str(cls) in page and "教室：实训楼 A301" in page
        assert reverse("attendance:grid", args=[held.pk]) in page  # 点名
        assert reverse("attendance:screen", args=[held.pk]) in page  # 签到码, open now
        assert "本周后续授课" in page and live.title in page and live.link in page
        assert reverse("attendance:grid", args=[live.pk]) not in page  # not yet held
        assert "下周的课" not in page


def test_a_trainee_who_also_teaches_sees_both_labelled_and_a_plain_trainee_only_learning(
    client, base_admin, tree
):
    cls = make_class(base_admin)
    other = make_class(base_admin, code="p004b")
    wang = enroll(cls, tree["hz_school"], "王芳")
    li = enroll(cls, tree["hz_school"], "李强")
    session(other, "示范课点评", at(1, 9), wang.person, room="A302")
    client.force_login(wang.user)
    page = client.get(reverse("schedule:mine")).content.decode()
    assert "我的授课" in page and "示范课点评" in page and str(other) in page
    assert "我参加的培训" in page and "参训" in page and str(cls) in page
    client.force_login(li.user)
    page = client.get(reverse("schedule:mine")).content.decode()
    assert "我的授课" not in page and "我参加的培训" not in page and str(cls) in page
    home = client.get("/").content.decode()
    assert "我的授课" not in home
