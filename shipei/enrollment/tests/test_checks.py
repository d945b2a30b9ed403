"""The one set of checks a submission passes before anything is written: the service raises the
first refusal, an import collects every refusal of every row and of the list as a whole."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shipei.accounts import scope
from shipei.accounts.models import Person, TeacherProfile
from shipei.core.errors import NotPermitted
from shipei.core.tests.api_helpers import api_as, error
from shipei.enrollment import checks
from shipei.enrollment.errors import (
    AlreadyEnrolled,
    ChannelNotOpen,
    EnrollmentClosed,
    NotEligible,
    OnePerProgramme,
)
from shipei.enrollment.models import Enrollment
from shipei.orgs.models import Region
from shipei.programmes.models import Programme
from shipei.projects.models import Project
from shipei.quotas.models import Quota

from .test_services import IN_WINDOW, give, policy, programme, submit, teacher  # noqa: F401

LATE = IN_WINDOW.replace(year=2027)


def refusals(actor, plan, person, **asked):
    found = checks.submission_refusals(
        actor=actor.user,
        programme=plan,
        item=asked.pop("item", "k1"),
        person=person,
        channel=asked.pop("channel", "nomination"),
        now=asked.pop("now", IN_WINDOW),
        **asked,
    )
    return [(r.about, r.error.message) for r in found]


def test_every_refusal_of_a_submission_is_listed_in_the_order_the_service_checks_them(
    programme,  # noqa: F811
    tree,
    jiangsu_admin,
):
    novice = teacher(tree["hz_school"], years=2)

    found = refusals(jiangsu_admin, programme, novice, channel="signup_table", now=LATE)

    assert [about for about, _message in found] == ["channel", "actor", "window", "person"]
    assert "不接受“院校报送报名表”方式的报名" in found[0][1]
    assert "“骨干教师培训”的报名时间为 2026-11-01 00:00 ～ 2026-11-30 23:59" in found[2][1]
    assert "教龄应不少于 5 年（登记为 2 年）" in found[3][1]


def test_the_service_refuses_with_the_first_of_them_and_writes_nothing(
    programme,  # noqa: F811
    tree,
    school_coordinator,
    jiangsu_admin,
):
    novice = teacher(tree["hz_school"], years=2)
    with pytest.raises(ChannelNotOpen):
        submit(jiangsu_admin, programme, novice, channel="signup_table", now=LATE)
    with pytest.raises(NotPermitted):
        submit(jiangsu_admin, programme, novice, now=LATE)
    with pytest.raises(EnrollmentClosed):
        submit(school_coordinator, programme, novice, now=LATE)
    with pytest.raises(NotEligible, match="教龄"):
        submit(school_coordinator, programme, novice)
    assert not Enrollment.objects.exists()


def test_an_item_the_programme_does_not_have_ends_the_checks(
    programme,  # noqa: F811
    tree,
    school_coordinator,
):
    found = refusals(school_coordinator, programme, teacher(tree["hz_school"]), item="k9")
    assert found == [("item", "不符合报名条件：培训计划中没有该培训项目")]


def test_the_checks_of_a_plain_submission_read_nothing(
    programme,  # noqa: F811
    tree,
    school_coordinator,
):
    """The rush's hot path: a programme that allows one enrollment per item leaves the second
    one to the table's unique constraint, so its checks cost no query at all."""
    person = Person.objects.select_related("org", "teacher_profile").get(
        pk=teacher(tree["hz_school"]).pk
    )
    scope.active_assignments(school_coordinator.user)  # read once per request, as pages do
    with CaptureQueriesContext(connection) as queries:
        assert refusals(school_coordinator, programme, person) == []
    assert len(queries.captured_queries) == 0


def test_one_enrollment_per_programme_names_the_item_already_taken(tree, school_coordinator):
    strict = Programme.objects.create(
        code="one", title="每人一项", policy=policy(one_active_per="programme")
    )
    person = teacher(tree["hz_school"])
    submit(school_coordinator, strict, person, item="k2")

    with CaptureQueriesContext(connection) as queries:
        found = refusals(school_coordinator, strict, person)
    assert len(queries.captured_queries) == 1
    assert found == [
        (
            "programme",
            f"{person.name}已报名本计划的“青年教师研修”，本计划每人只能报一项。",
        )
    ]
    with pytest.raises(OnePerProgramme):
        submit(school_coordinator, strict, person)
    with pytest.raises(AlreadyEnrolled, match="已报名青年教师研修"):
        submit(school_coordinator, strict, person, item="k2")
    assert Enrollment.objects.count() == 1


def test_the_same_item_through_another_channel_is_named_when_the_caller_has_read_it(
    programme,  # noqa: F811
    tree,
    school_coordinator,
):
    person = teacher(tree["hz_school"])
    first = submit(school_coordinator, programme, person)
    found = refusals(school_coordinator, programme, person, live=[first])
    assert found == [("enrolled", f"{person.name}已通过“学校推荐”报名该项目，不能重复报名。")]


@pytest.fixture
def closed_class(open_class):
    Project.objects.filter(pk=open_class.project_id).update(status=Project.Status.ENROLLMENT_CLOSED)
    open_class.project.refresh_from_db()
    return open_class


def test_a_class_whose_enrollment_closed_takes_no_one_through_any_channel(
    closed_class, tree, school_coordinator
):
    plan = closed_class.project.programme
    person = teacher(tree["hz_school"])
    asked = {"item": closed_class.project.item, "training_class": closed_class}
    with pytest.raises(NotEligible, match="当前为“报名结束”，不接受报名"):
        submit(school_coordinator, plan, person, channel="coordinator_enrollment", **asked)
    body = error(
        api_as(school_coordinator).post(
            "/api/v1/enrollments/",
            {
                "programme": plan.pk,
                "item": closed_class.project.item,
                "person": person.pk,
                "training_class": closed_class.pk,
            },
            format="json",
        ),
        400,
        "not_eligible",
    )
    assert "当前为“报名结束”，不接受报名" in body["message"]
    assert not Enrollment.objects.exists()


# ---- a whole list ---------------------------------------------------------------------------


def asked(ref, person, item="k1"):
    return checks.Asked(ref=ref, item=item, person=person, who=f"person-{person.pk}")


def check_list(actor, plan, rows, channel="nomination"):
    return checks.list_refusals(
        actor=actor.user, programme=plan, channel=channel, asked=rows, now=IN_WINDOW
    )


def test_a_list_names_the_same_person_twice_for_one_item_once_whatever_row_came_between(
    programme,  # noqa: F811
    tree,
    school_coordinator,
):
    give(programme, 10, region=Region.objects.get(code="330100"))
    person = teacher(tree["hz_school"])
    rows = [asked(2, person, "k1"), asked(3, person, "k2"), asked(4, person, "k2")]

    check = check_list(school_coordinator, programme, rows)

    assert [(ref, r.about, r.error.message) for ref, r in check.refusals] == [
        (4, "duplicate", "与第3行是同一人（身份证号重复）。")
    ]


def test_where_one_enrollment_per_programme_the_second_row_of_a_person_is_refused(
    tree, school_coordinator
):
    strict = Programme.objects.create(
        code="one", title="每人一项", policy=policy(one_active_per="programme")
    )
    person = teacher(tree["hz_school"])
    check = check_list(school_coordinator, strict, [asked(2, person, "k2"), asked(3, person)])
    assert [(ref, r.error.message) for ref, r in check.refusals] == [
        (3, "与第2行是同一人（身份证号重复）。")
    ]


def test_a_list_longer_than_the_seats_left_refuses_the_rows_past_them(
    programme,  # noqa: F811
    tree,
    school_coordinator,
):
    quota = give(programme, 3, org=tree["hz_school"])
    submit(school_coordinator, programme, teacher(tree["hz_school"]))  # one seat taken
    rows = [asked(n, teacher(tree["hz_school"])) for n in (2, 3, 4)]

    check = check_list(school_coordinator, programme, rows)

    assert [(ref, r.about, r.error.message) for ref, r in check.refusals] == [
        (
            4,
            "seats",
            "杭州市中策职业学校“骨干教师培训”的名额还剩 2 个，本文件报了 3 人，本行超出名额。",
        )
    ]
    quota.refresh_from_db()
    assert quota.seats_held == 1  # a check takes nothing


def test_a_waitlist_takes_a_list_longer_than_the_seats(tree, school_coordinator):
    waiting = Programme.objects.create(code="w", title="候补", policy=policy(waitlist=True))
    give(waiting, 1, org=tree["hz_school"])
    rows = [asked(n, teacher(tree["hz_school"])) for n in (2, 3)]
    assert check_list(school_coordinator, waiting, rows).refusals == []


def test_a_teacher_no_quota_covers_is_refused_where_the_item_has_quotas(
    programme,  # noqa: F811
    tree,
    jiangsu_admin,
):
    give(programme, 5, region=Region.objects.get(code="330100"))
    check = check_list(jiangsu_admin, programme, [asked(2, teacher(tree["nj_school"]))])
    assert [(r.about, r.error.message) for _ref, r in check.refusals] == [
        ("quota", "南京市莫愁中等专业学校所在地区或单位没有“骨干教师培训”的名额。")
    ]


def test_a_row_enrolled_already_through_the_same_channel_is_unchanged_not_refused(
    programme,  # noqa: F811
    tree,
    school_coordinator,
):
    person = teacher(tree["hz_school"])
    submit(school_coordinator, programme, person)
    check = check_list(school_coordinator, programme, [asked(2, person)])
    assert (check.refusals, check.unchanged) == ([], {2})
    other = check_list(school_coordinator, programme, [asked(2, person)], "self_registration")
    assert [r.about for _ref, r in other.refusals] == ["actor", "enrolled"]


def test_a_new_person_is_checked_as_the_list_will_register_them(
    programme,  # noqa: F811
    tree,
    school_coordinator,
):
    newcomer = Person(org=tree["hz_school"], name="新教师")
    profile = TeacherProfile(years_teaching=2, title="junior")
    Person._meta.get_field("teacher_profile").set_cached_value(newcomer, profile)
    check = check_list(school_coordinator, programme, [asked(2, newcomer)])
    assert [r.about for _ref, r in check.refusals] == ["person"]
    assert Quota.objects.count() == 0 and not Person.objects.filter(name="新教师").exists()
