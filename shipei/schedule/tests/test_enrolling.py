"""No one is asked into a class they cannot attend (issue 16): a trainee applying to a class, or
admitted into it by the last step, is refused when one of its sessions overlaps a session of
another class they are live in (or teach), and when two off-line classes share days; the
message names the other class and session, and nothing changes."""

import datetime
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from shipei.classes.models import TrainingClass
from shipei.core.tests.api_helpers import error
from shipei.enrollment import services
from shipei.enrollment.models import Enrollment
from shipei.enrollment.tests.class_enrollment import World, answers, enrolling_class
from shipei.projects.models import Project
from shipei.schedule.errors import ClassClash, DaysClash
from shipei.schedule.models import Session
from shipei.schedule.tests.conftest import enroll

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(tree: dict[str, Any]) -> World:
    return World(tree)


def other_class(
    world: World, *, mode: str = Project.Mode.BLENDED, shift: int = 0, item: str = "l3-c1"
) -> Any:
    """A class of another level at the same base, on the same days as the world's (or `shift`
    days later); a blended one holds the trainee only at its sessions."""
    start = world.training_class.starts_on + datetime.timedelta(days=shift)
    other = enrolling_class(
        world.programme,
        world.base_admin,
        world.base,
        item=item,
        starts_on=start,
        ends_on=start + datetime.timedelta(days=6),
    )
    Project.objects.filter(pk=other.project_id).update(mode=mode)
    other.refresh_from_db()
    return other


def session(cls: TrainingClass, title: str, day: int, hh: int, hours: int = 2) -> Session:
    starts = timezone.make_aware(
        datetime.datetime.combine(cls.starts_on + datetime.timedelta(days=day), datetime.time(hh))
    )
    return Session.objects.create(
        training_class=cls,
        kind=Session.Kind.OFFLINE,
        title=title,
        room="实训楼301",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=hours),
        hours=hours,
    )


def test_applying_to_a_class_whose_session_overlaps_one_of_another_class_is_refused(world):
    other = other_class(world)
    enroll(world.teacher, other)
    session(other, "数控车削任务分析", 1, 9)
    session(world.training_class, "学习任务设计", 1, 10)
    with pytest.raises(ClassClash) as refused:
        world.apply()
    message = str(refused.value)
    assert f"在班次“{other}”参加课次“数控车削任务分析”" in message
    assert "与本班次课次“学习任务设计”" in message and "不能同时参加两个班次" in message
    assert not Enrollment.objects.filter(training_class=world.training_class).exists()


def test_sessions_at_other_hours_or_a_withdrawn_enrollment_do_not_refuse(world):
    other = other_class(world)
    gone = enroll(world.teacher, other)
    session(other, "数控车削任务分析", 1, 9)
    session(world.training_class, "学习任务设计", 1, 11)  # 11:00, after the other's 9–11
    session(world.training_class, "工作页编写", 2, 9)
    enrollment = world.apply()
    assert enrollment.status == Enrollment.Status.SUBMITTED
    enrollment.delete()
    Enrollment.objects.filter(pk=gone.pk).update(live=False, status=Enrollment.Status.WITHDRAWN)
    session(world.training_class, "任务导入", 1, 9)
    assert world.apply().status == Enrollment.Status.SUBMITTED


def test_a_session_the_applicant_teaches_at_the_time_refuses_too(world):
    other = other_class(world)
    taught = session(other, "一体化课程开发", 3, 14)
    taught.staff.add(world.teacher)
    session(world.training_class, "成果展示", 3, 15)
    with pytest.raises(ClassClash, match="讲授课次“一体化课程开发”"):
        world.apply()


def test_the_last_step_refuses_to_admit_when_a_session_was_scheduled_since(world):
    enrollment = world.apply()
    services.enrollment_decide(actor=world.coordinator, enrollment=enrollment, decision="approve")
    other = other_class(world)
    enroll(world.teacher, other)
    session(other, "数控车削任务分析", 2, 9)
    session(world.training_class, "学习任务设计", 2, 9)
    with pytest.raises(ClassClash, match=f"在班次“{other}”参加课次“数控车削任务分析”"):
        services.enrollment_decide(
            actor=world.base_admin, enrollment=enrollment, decision="approve"
        )
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.SUBMITTED and enrollment.step == 1
    world.training_class.refresh_from_db()
    assert world.training_class.seats_taken == 1  # still the one held since the application


def test_two_offline_classes_on_the_same_days_are_refused_before_any_session(world):
    other = other_class(world, mode=Project.Mode.OFFLINE, shift=5)
    enroll(world.teacher, other, Enrollment.Status.SUBMITTED)  # applied there: live
    with pytest.raises(DaysClash) as refused:
        world.apply()
    first, last = other.starts_on.isoformat(), other.ends_on.isoformat()
    assert f"已报名线下集中班次“{other}”（{first} 至 {last}）" in str(refused.value)
    assert not Enrollment.objects.filter(training_class=world.training_class).exists()


def test_offline_classes_on_other_days_and_a_blended_one_on_the_same_days_are_taken(world):
    enroll(world.teacher, other_class(world, mode=Project.Mode.OFFLINE, shift=9))
    enroll(world.teacher, other_class(world, mode=Project.Mode.BLENDED, item="l3-c2"))
    assert world.apply().status == Enrollment.Status.SUBMITTED


def test_the_api_refuses_a_clashing_application_and_a_clashing_admission(world):
    other = other_class(world)
    enroll(world.teacher, other)
    api = APIClient()
    api.force_login(world.user)
    payload = {
        "programme": world.programme.pk,
        "item": "l2-c1",
        "person": world.teacher.pk,
        "training_class": world.training_class.pk,
        "answers": answers(),
    }
    made = api.post("/api/v1/enrollments/", payload, format="json")
    assert made.status_code == 201, made.content.decode()
    pk = made.json()["id"]
    clash = session(world.training_class, "学习任务设计", 1, 10)
    session(other, "数控车削任务分析", 1, 9)
    coordinator = APIClient()
    coordinator.force_login(world.coordinator)
    assert coordinator.post(f"/api/v1/enrollments/{pk}/approve/", {}).status_code == 200
    admin = APIClient()
    admin.force_login(world.base_admin)
    body = error(admin.post(f"/api/v1/enrollments/{pk}/approve/", {}), 409, "class_clash")
    assert f"在班次“{other}”参加课次“数控车削任务分析”" in body["message"]
    assert Enrollment.objects.get(pk=pk).status == Enrollment.Status.SUBMITTED
    Enrollment.objects.filter(pk=pk).delete()
    TrainingClass.objects.filter(pk=world.training_class.pk).update(seats_taken=0)
    body = error(api.post("/api/v1/enrollments/", payload, format="json"), 409, "class_clash")
    assert "与本班次课次“学习任务设计”" in body["message"] and clash.title in body["message"]
    assert not Enrollment.objects.filter(training_class=world.training_class).exists()
