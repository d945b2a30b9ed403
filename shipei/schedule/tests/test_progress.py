"""Self-paced progress: a trainee's own events, counted once however they arrive, turned into
class hours by the policy's minutes per 学时."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from shipei.schedule import hours
from shipei.schedule.errors import EventReused, NotLearning, NotOwnProgress
from shipei.schedule.models import Progress, ProgressEvent, Resource
from shipei.schedule.progress import merge, progress_record

from .conftest import enroll


@pytest.fixture
def video(cls):
    return Resource.objects.create(project=cls.project, title="课程思政", kind="video", minutes=90)


def watch(actor, enrollment, resource, event_id, start, end):
    return progress_record(
        actor=actor.user,
        enrollment=enrollment,
        resource=resource,
        event_id=event_id,
        from_minute=start,
        to_minute=end,
    )


def watched(enrollment, resource) -> Decimal:
    return Progress.objects.get(enrollment=enrollment, resource=resource).watched_minutes


def test_intervals_merge_whatever_their_order():
    assert merge([], (10, 20)) == [[10, 20]]
    assert merge([[10, 20]], (30, 40)) == [[10, 20], [30, 40]]
    assert merge([[10, 20], [30, 40]], (0, 5)) == [[0, 5], [10, 20], [30, 40]]
    assert merge([[10, 20], [30, 40]], (15, 35)) == [[10, 40]]
    assert merge([[10, 20]], (20, 25)) == [[10, 25]]


def test_late_out_of_order_and_overlapping_events_count_each_minute_once(trainee, enrolled, video):
    watch(trainee, enrolled, video, "e3", 40, 60)
    watch(trainee, enrolled, video, "e1", 0, 20)
    watch(trainee, enrolled, video, "e2", 10, 45)  # late, overlapping both
    watch(trainee, enrolled, video, "e4", 0, 30)  # watched again
    assert watched(enrolled, video) == Decimal("60.0")


def test_a_resent_event_is_not_counted_twice(trainee, enrolled, video):
    first = watch(trainee, enrolled, video, "dev1-0001", 0, 30)
    again = watch(trainee, enrolled, video, "dev1-0001", 0, 30)
    assert (first[2], again[2]) == (False, True)
    assert again[0].pk == first[0].pk
    assert ProgressEvent.objects.count() == 1
    assert watched(enrolled, video) == Decimal("30.0")


def test_an_event_id_reused_for_another_report_is_refused(trainee, enrolled, video):
    watch(trainee, enrolled, video, "dev1-0001", 0, 30)
    with pytest.raises(EventReused) as refused:
        watch(trainee, enrolled, video, "dev1-0001", 30, 60)
    assert "dev1-0001" in refused.value.message
    assert watched(enrolled, video) == Decimal("30.0")


def test_progress_for_another_trainee_is_refused(trainee, teacher, cls, video):
    theirs = enroll(teacher.person, cls)
    with pytest.raises(NotOwnProgress) as refused:
        watch(trainee, theirs, video, "x1", 0, 30)
    assert refused.value.message == "只能提交本人的学习记录。"
    assert not ProgressEvent.objects.exists()


@pytest.mark.parametrize(
    ("start", "end", "field", "words"),
    [
        (-5, 10, "from_minute", "不能为负数"),
        (0, -1, "to_minute", "不能为负数"),
        (20, 10, "to_minute", "终点须大于起点"),
        (0, 5000, "to_minute", "超出资源时长（90 分钟）"),
        ("abc", 10, "from_minute", "数字"),
        ("NaN", 10, "from_minute", "数字"),
        ("Infinity", 10, "from_minute", "数字"),
    ],
)
def test_negative_and_absurd_minutes_are_refused(
    trainee, enrolled, video, start, end, field, words
):
    with pytest.raises(ValidationError) as refused:
        watch(trainee, enrolled, video, "bad", start, end)
    assert words in refused.value.message_dict[field][0]
    assert not ProgressEvent.objects.exists()


def test_a_resource_of_another_project_is_refused(trainee, enrolled, other_cls):
    foreign = Resource.objects.create(
        project=other_cls.project, title="他项目", kind="video", minutes=30
    )
    with pytest.raises(ValidationError) as refused:
        watch(trainee, enrolled, foreign, "f1", 0, 10)
    assert "不属于您参加的培训项目" in refused.value.message_dict["resource"][0]


def test_only_an_admitted_or_attending_trainee_records_progress(trainee, cls, video):
    pending = enroll(trainee.person, cls, status="submitted")
    with pytest.raises(NotLearning) as refused:
        watch(trainee, pending, video, "p1", 0, 10)
    assert "审核中" in refused.value.message


def test_minutes_become_hours_by_the_policys_minutes_per_hour(trainee, enrolled, video, cls):
    watch(trainee, enrolled, video, "a", 0, 89)
    assert hours.learning_hours(enrolled) == Decimal("1.9")  # 89 / 45, never rounded up
    programme = cls.project.programme
    programme.policy["content"]["minutes_per_hour"] = 40
    programme.save()
    enrolled.refresh_from_db()
    assert hours.learning_hours(enrolled) == Decimal("2.2")


def test_hours_required_are_the_items_then_the_projects(enrolled, cls):
    assert hours.hours_required(enrolled) == Decimal("40")  # the project's
    programme = cls.project.programme
    item = next(i for i in programme.policy["items"] if i["code"] == enrolled.item)
    item["hours"] = 20  # a phase of 20 学时 (notice 000's second)
    programme.save()
    enrolled.refresh_from_db()
    assert hours.hours_required(enrolled) == Decimal("20")
