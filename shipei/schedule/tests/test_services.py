"""Scheduling sessions: within the class dates, each kind with what it needs, and no one in two
sessions at once, in one class or across classes."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from shipei.accounts.models import Role
from shipei.core.errors import NotPermitted
from shipei.projects.tests.conftest import make_actor
from shipei.schedule import services
from shipei.schedule.errors import Clash
from shipei.schedule.models import Resource, Session

from .conftest import at, day, enroll, offline


def add(actor, cls, staff=(), **fields):
    return services.session_add(actor=actor.user, training_class=cls, staff=staff, **fields)


def test_a_session_of_each_kind_is_scheduled_with_what_its_kind_needs(base_admin, cls, teacher):
    video = Resource.objects.create(project=cls.project, title="课程思政", kind="video", minutes=90)
    add(base_admin, cls, [teacher.person], **offline())
    add(
        base_admin,
        cls,
        kind="live",
        title="专家讲座",
        starts_at=at(0, 14),
        ends_at=at(0, 16),
        hours=Decimal("2"),
        link="https://live.example.cn/room/1",
        room="不应保存",
    )
    add(
        base_admin,
        cls,
        kind="self_paced",
        title="线上自学",
        starts_at=at(1, 8),
        ends_at=at(1, 22),
        hours=Decimal("2"),
        resource=video,
    )
    add(
        base_admin,
        cls,
        kind="practice",
        title="企业岗位实践",
        starts_at=at(2, 9),
        ends_at=at(2, 17),
        hours=Decimal("8"),
        practice_site="enterprise",
        place="杭州某智能制造企业",
    )
    kinds = dict(cls.sessions.values_list("kind", "title"))
    assert kinds == {
        "offline": "数字化教学设计",
        "live": "专家讲座",
        "self_paced": "线上自学",
        "practice": "企业岗位实践",
    }
    live = cls.sessions.get(kind="live")
    assert live.room == ""  # another kind's field is not kept
    assert list(cls.sessions.get(kind="offline").staff.all()) == [teacher.person]


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"starts_at": at(-1, 9), "ends_at": at(-1, 12)}, "starts_at", "培训日期"),
        ({"starts_at": at(4, 20), "ends_at": at(5, 8)}, "starts_at", "培训日期"),
        ({"ends_at": at(0, 8)}, "ends_at", "晚于开始时间"),
        ({"hours": Decimal("-1")}, "hours", "学时须大于 0"),
        ({"hours": Decimal("500")}, "hours", "不超过"),
        ({"room": ""}, "room", "教室"),
        ({"kind": "live", "link": "javascript:alert(1)"}, "link", "直播链接"),
        ({"kind": "practice", "place": ""}, "practice_site", "企业实践或实训基地"),
        ({"kind": "self_paced"}, "resource", "学习资源"),
    ],
)
def test_a_bad_session_is_refused_by_field_in_chinese(base_admin, cls, fields, field, words):
    with pytest.raises(ValidationError) as refused:
        add(base_admin, cls, **offline(**fields))
    assert words in " ".join(refused.value.message_dict[field])
    assert not Session.objects.exists()


def test_a_resource_of_another_project_is_refused(base_admin, cls, other_cls):
    foreign = Resource.objects.create(
        project=other_cls.project, title="他项目", kind="video", minutes=30
    )
    with pytest.raises(ValidationError) as refused:
        add(base_admin, cls, **offline(kind="self_paced", resource=foreign))
    assert "不属于本班次所在项目的资源包" in refused.value.message_dict["resource"][0]


def test_two_sessions_of_one_class_at_once_are_refused_naming_the_other(base_admin, cls):
    add(base_admin, cls, **offline())
    with pytest.raises(Clash) as refused:
        add(base_admin, cls, **offline(title="说课展示", starts_at=at(0, 11), ends_at=at(0, 13)))
    assert "本班学员" in refused.value.message
    assert "数字化教学设计" in refused.value.message
    assert f"{day(0).isoformat()} 09:00–12:00" in refused.value.message
    assert cls.sessions.count() == 1
    # Back to back is fine; a self-paced session holds no one.
    add(base_admin, cls, **offline(title="说课展示", starts_at=at(0, 12), ends_at=at(0, 13)))
    video = Resource.objects.create(project=cls.project, title="微课", kind="video", minutes=20)
    add(base_admin, cls, **offline(kind="self_paced", resource=video))
    assert cls.sessions.count() == 3


def test_a_teacher_teaching_two_classes_at_once_is_refused(base_admin, cls, other_cls, teacher):
    add(base_admin, cls, [teacher.person], **offline())
    with pytest.raises(Clash) as refused:
        add(base_admin, other_cls, [teacher.person], **offline(starts_at=at(0, 10)))
    message = refused.value.message
    assert f"{teacher.person.name}（授课教师）" in message
    assert str(cls) in message
    assert not other_cls.sessions.exists()


def test_a_trainee_enrolled_in_two_classes_cannot_be_in_both_at_once(
    base_admin, cls, other_cls, trainee
):
    enroll(trainee.person, cls)
    enroll(trainee.person, other_cls)
    add(base_admin, cls, **offline())
    with pytest.raises(Clash) as refused:
        add(base_admin, other_cls, **offline(starts_at=at(0, 11, 30)))
    assert f"{trainee.person.name}（学员）" in refused.value.message
    # A withdrawn enrollment holds no one.
    other_cls.enrollments.update(status="withdrawn")
    add(base_admin, other_cls, **offline(starts_at=at(0, 11, 30)))


def test_moving_a_session_onto_another_is_refused_and_changes_nothing(base_admin, cls):
    add(base_admin, cls, **offline())
    later = add(base_admin, cls, **offline(title="说课", starts_at=at(1, 9), ends_at=at(1, 12)))
    with pytest.raises(Clash):
        services.session_update(actor=base_admin.user, session=later, starts_at=at(0, 10))
    later.refresh_from_db()
    assert later.starts_at == at(1, 9)


def test_only_someone_of_the_class_or_its_base_may_teach(base_admin, cls, jiangsu_admin):
    with pytest.raises(ValidationError) as refused:
        add(base_admin, cls, [jiangsu_admin.person], **offline())
    assert "不是本班次的骨干教师或培训机构人员" in refused.value.messages[0]


def test_a_trainee_of_the_class_is_not_offered_nor_taken_to_teach_it(
    base_admin, cls, teacher, tree
):
    """The form offers the base's people without the class's own trainees, its core teachers
    first and marked; a trainee named anyway is refused, saying why."""
    pupil = make_actor(Role.TRAINEE, tree["hz_base"])
    enroll(pupil.person, cls)
    offered = list(services.allowed_staff(cls))
    assert teacher.person in offered and pupil.person not in offered
    with pytest.raises(ValidationError) as refused:
        add(base_admin, cls, [pupil.person], **offline())
    assert f"{pupil.person.name}是本班学员，不能安排授课。" in refused.value.messages[0]
    assert not cls.sessions.exists()


def test_only_the_institution_schedules(cls, trainee, jiangsu_admin):
    for outsider in (trainee, jiangsu_admin):
        with pytest.raises(NotPermitted):
            add(outsider, cls, **offline())


def test_a_resource_package_refuses_absurd_lengths(base_admin, cls):
    for minutes in (0, -5, 100000):
        with pytest.raises(ValidationError) as refused:
            services.resource_add(
                actor=base_admin.user, project=cls.project, title="x", kind="video", minutes=minutes
            )
        assert "时长须为 1 至" in refused.value.message_dict["minutes"][0]
    assert not Resource.objects.exists()
