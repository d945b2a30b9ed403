"""Content shares from the policy, computed from the schedule and the resource package, shown
on the class page; a class's training plan is not filed while one is missed."""

import copy
import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from shipei.classes import flow
from shipei.classes.errors import PlanIncomplete
from shipei.classes.models import TrainingClass
from shipei.classes.tests.conftest import P004, PLAN, approved_plan
from shipei.presets.loader import preset_data
from shipei.programmes.models import Programme
from shipei.schedule import hours, progress, services

from .conftest import SHARES, enroll


def at(cls, n, hh):
    moment = datetime.datetime.combine(
        cls.starts_on + datetime.timedelta(days=n), datetime.time(hh)
    )
    return timezone.make_aware(moment)


@pytest.fixture
def staffed(base_admin, zhejiang_admin, db):
    """Notice 004's steps with 003's content shares: a class ready to file its plan."""
    data = preset_data(P004)
    policy = copy.deepcopy(data["policy"])
    policy["content"] = SHARES
    programme = Programme.objects.create(code="p004s", title=data["title"], policy=policy)
    plan = approved_plan(base_admin, zhejiang_admin, programme)
    cls = TrainingClass.objects.get(plan_line__plan=plan)
    flow.class_apply(actor=base_admin.user, training_class=cls)
    return flow.class_mark_staffed(actor=base_admin.user, training_class=cls)


def session(actor, cls, kind, n, hours_, **more):
    fields = (
        {"room": "301"} if kind == "offline" else {"practice_site": "workshop", "place": "实训车间"}
    )
    return services.session_add(
        actor=actor.user,
        training_class=cls,
        kind=kind,
        title=f"{kind}{n}",
        starts_at=at(cls, n, 9),
        ends_at=at(cls, n, 17),
        hours=Decimal(hours_),
        **fields,
        **more,
    )


def resource(actor, cls, kind, minutes):
    return services.resource_add(
        actor=actor.user, project=cls.project, title=f"{kind}{minutes}", kind=kind, minutes=minutes
    )


def test_shares_are_computed_from_the_schedule_and_the_package(base_admin, cls):
    practice, video = hours.content_shares(cls)
    assert (practice.value, practice.missed, video.value, video.missed) == (None, True, None, True)
    session(base_admin, cls, "offline", 0, "8")
    session(base_admin, cls, "practice", 1, "8")
    resource(base_admin, cls, "video", 30)
    resource(base_admin, cls, "document", 70)
    practice, video = hours.content_shares(cls)
    assert (practice.percent, practice.missed) == ("50%", False)
    assert (video.percent, video.missed) == ("30%", False)
    session(base_admin, cls, "offline", 2, "1")
    practice, _video = hours.content_shares(cls)
    assert practice.missed
    assert practice.problem == "实践课程占比为 47%，不足政策规定的 50%（按课表学时计）。"


def test_the_plan_is_not_filed_while_a_share_is_missed(base_admin, staffed):
    with pytest.raises(PlanIncomplete) as refused:
        flow.class_file_plan(actor=base_admin.user, training_class=staffed, **PLAN)
    assert "实践课程占比须不少于 50%" in refused.value.message
    assert "视频资源占比须不少于 30%" in refused.value.message
    session(base_admin, staffed, "practice", 0, "8")
    session(base_admin, staffed, "offline", 1, "8")
    resource(base_admin, staffed, "video", 20)
    resource(base_admin, staffed, "course", 80)
    with pytest.raises(PlanIncomplete) as refused:
        flow.class_file_plan(actor=base_admin.user, training_class=staffed, **PLAN)
    assert refused.value.message == (
        "培训方案暂不能报备：视频资源占比为 20%，不足政策规定的 30%（按资源包时长计）。"
    )
    staffed.refresh_from_db()
    assert staffed.status == TrainingClass.Status.STAFFED
    resource(base_admin, staffed, "video", 20)
    flow.class_file_plan(actor=base_admin.user, training_class=staffed, **PLAN)
    staffed.refresh_from_db()
    assert staffed.status == TrainingClass.Status.PLAN_FILED


def test_the_class_page_shows_the_shares_and_the_schedule_link(client, base_admin, cls):
    session(base_admin, cls, "practice", 0, "8")
    client.force_login(base_admin.user)
    page = client.get(cls.get_absolute_url()).content.decode()
    assert "课表与资源" in page
    assert "已安排 1 个课次，共 8 学时" in page
    assert "实践课程占比：<strong>100%</strong>" in page
    assert "政策要求不少于 50%" in page
    assert f"/schedule/classes/{cls.pk}/" in page


def test_the_plan_page_says_what_keeps_the_plan_from_being_filed(client, base_admin, staffed):
    client.force_login(base_admin.user)
    page = client.get(f"/classes/{staffed.pk}/plan/").content.decode()
    assert "尚不能报备" in page
    assert "视频资源占比须不少于 30%" in page


def test_an_items_own_content_rules_come_before_the_programmes(base_admin, trainee, cls):
    programme = cls.project.programme
    item = next(i for i in programme.policy["items"] if i["code"] == cls.project.item)
    item["content"] = {
        "practice_share_min": "0.8",
        "video_share_min": "0.9",
        "minutes_per_hour": 40,
    }
    programme.save()
    cls.refresh_from_db()
    session(base_admin, cls, "practice", 0, "6")
    session(base_admin, cls, "offline", 1, "4")
    resource(base_admin, cls, "video", 80)
    resource(base_admin, cls, "document", 20)
    practice, video = hours.content_shares(cls)
    assert (practice.need, practice.missed) == ("80%", True)  # 60 % is enough for the programme
    assert (video.need, video.missed) == ("90%", True)
    enrollment = enroll(trainee.person, cls)
    progress.progress_record(
        actor=trainee.user,
        enrollment=enrollment,
        resource=cls.project.resources.get(kind="video"),
        event_id="i1",
        from_minute=0,
        to_minute=80,
    )
    assert hours.learning_hours(enrollment) == Decimal("2.0")  # 80 / 40, not 80 / 45
