"""The approver's to-do: exactly the enrollments at a step the user may take; items named as
teachers read them."""

from shipei.enrollment import approvals, selectors, services, terms
from shipei.enrollment.tests.conftest import preset_programme
from shipei.enrollment.tests.test_services import programme, submit, teacher  # noqa: F401


def test_each_approver_sees_what_waits_at_its_own_step(
    programme,  # noqa: F811
    tree,
    school_coordinator,
    city_admin,
    zhejiang_admin,
    jiangsu_admin,
    national_admin,
):
    e = submit(school_coordinator, programme, teacher(tree["hz_school"]))
    todo = lambda a: list(selectors.awaiting(user=a.user))  # noqa: E731
    assert todo(city_admin) == [e]
    assert todo(zhejiang_admin) == [] and todo(jiangsu_admin) == []
    assert todo(national_admin) == []  # no step of this chain is the ministry's
    services.enrollment_decide(actor=city_admin.user, enrollment=e, decision="approve")
    assert todo(city_admin) == [] and todo(zhejiang_admin) == [e]
    e.refresh_from_db()
    assert approvals.next_step(e) == {"label": "省教育厅确认", "role": "省级管理员"}


def test_an_item_is_named_with_its_parent_unless_its_label_names_it_already(db):
    moe = preset_programme("moe-2020-innovation-team-online", "t000")
    mohrss = preset_programme("mohrss-integrated-teacher-training", "t004")

    assert terms.item_title(moe, "p1") == "第1期"
    assert terms.item_title(moe, "p2-f1") == "第2期 · 5G移动网络运维"
    assert terms.item_title(mohrss, "l3-c1") == "三级·机械类"
    assert terms.item_title(mohrss, "gone") == "gone"  # an item the policy no longer has


def test_an_enrollment_is_named_by_its_class_where_it_has_one(
    tree,
    school_coordinator,
    open_class,
    programme,  # noqa: F811
):
    person = teacher(tree["hz_school"])
    in_class = services.enrollment_submit(
        actor=school_coordinator.user,
        programme=open_class.project.programme,
        item=open_class.project.item,
        person=person,
        channel="coordinator_enrollment",
        training_class=open_class,
    )
    for_item = submit(school_coordinator, programme, person)

    assert selectors.enrollment_title(in_class) == "职业院校数字化教学能力提升研修 第1期"
    assert selectors.enrollment_title(for_item) == "骨干教师培训"
