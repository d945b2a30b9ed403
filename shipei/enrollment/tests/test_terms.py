"""Eligibility as composable rules (terms.eligibility_problems): each rule refuses with its name
and the teacher's value; items inherit their parents' rules; free-text conditions are shown,
never refused."""

import datetime
import time
from typing import Any

import pytest
from django.urls import reverse

from shipei.accounts.models import TeacherProfile, User
from shipei.accounts.tests.factories import PersonFactory, make_id_number
from shipei.core import recent
from shipei.enrollment import services, terms
from shipei.enrollment.errors import NotEligible
from shipei.enrollment.models import Enrollment
from shipei.enrollment.terms import conditions_to_check, eligibility_problems
from shipei.orgs import services as org_services
from shipei.orgs.models import Organisation, Region
from shipei.programmes.models import Programme
from shipei.projects.models import Project

from .conftest import from_preset, open_window
from .test_import import HEADER_003, X01, parse, row_003, workbook
from .test_views_teacher import folded, open_part, visible

S = Enrollment.Status


def programme_with(
    rules: dict[str, Any],
    *,
    code: str = "elig",
    year: int = 2024,
    registration: dict[str, str] | None = None,
    title: str = "资格测试计划",
    window: bool = True,
    chain: list[dict[str, str]] | None = None,
    kind: str = "",
) -> Programme:
    """Phase a (no rules of its own), phase b with `rules`, and b1, a field under b."""
    items = [
        {"code": "a", "label": "第一阶段", "kind": "phase"},
        {"code": "b", "label": "第二阶段", "kind": "phase", "eligibility": rules},
        {"code": "b1", "label": "数控方向", "kind": "field", "parent": "b"},
    ]
    if registration:
        items[1]["registration"] = registration
    policy = {
        "items": items,
        "enrollment": {
            "channels": ["nomination", "self_registration"],
            "window": open_window() if window and not registration else None,
            "approval_chain": chain or [],
        },
        "quota": {"scope": "none"},
    }
    return Programme.objects.create(code=code, title=title, year=year, kind=kind, policy=policy)


def teacher(org: Organisation, *, born: str = "19800601", major_class: str = "", **profile: Any):
    person = PersonFactory(org=org, id_number=make_id_number(birth=born))
    TeacherProfile.objects.create(
        person=person,
        title=profile.get("title", "intermediate"),
        years_teaching=profile.get("years", 8),
        teaching_major=profile.get("major", ""),
        major_class=major_class,
    )
    return person


def enrol(programme: Programme, item: str, person: Any, status: str = S.SUBMITTED) -> Enrollment:
    live = status not in (S.REJECTED, S.WITHDRAWN, S.NO_SHOW)
    return Enrollment.objects.create(
        programme=programme,
        item=item,
        person=person,
        org=person.org,
        channel="nomination",
        status=status,
        live=live,
    )


# --- organisation kind and school kind --------------------------------------------------------


def test_org_kind_rule_takes_a_research_institute_and_names_a_school_it_refuses(tree):
    institute = org_services.org_bootstrap(
        parent=tree["hz"],
        name="浙江省机电设计研究院",
        kind=Organisation.Kind.RESEARCH_INSTITUTE,
        region=Region.objects.get(code="330100"),
    )
    programme = programme_with({"org_kinds": ["enterprise", "research_institute"]})

    assert eligibility_problems(programme, "b", teacher(institute)) == []
    assert eligibility_problems(programme, "b", teacher(tree["hz_school"])) == [
        "只接受企业、科研院所的人员（杭州市中策职业学校为学校）"
    ]


def test_school_kind_rule_knows_general_high_schools_and_undergraduate_universities(tree):
    high = org_services.org_bootstrap(
        parent=tree["hz"],
        name="杭州第二中学",
        kind=Organisation.Kind.SCHOOL,
        region=Region.objects.get(code="330100"),
        school_kind=Organisation.SchoolKind.GENERAL_HIGH,
        school_code="3133000002",
    )
    person = teacher(high)

    assert (
        eligibility_problems(programme_with({"school_kinds": ["general_high"]}), "b", person) == []
    )
    refused = programme_with({"school_kinds": ["undergrad_general"]}, code="u")
    assert eligibility_problems(refused, "b", person) == [
        "只接受普通本科的教师（杭州第二中学为普通高中）"
    ]


# --- age ---------------------------------------------------------------------------------------


def test_age_is_counted_on_the_rules_date_from_the_id_numbers_birth_date(tree):
    programme = programme_with({"max_age": 45, "age_on": "2024-09-01"})
    school = tree["hz_school"]

    assert eligibility_problems(programme, "b", teacher(school, born="19790901")) == []  # 45
    assert eligibility_problems(programme, "b", teacher(school, born="19770315")) == [
        "年龄应不超过 45 周岁（2024-09-01 时为 47 周岁）"
    ]
    # The day before the 46th birthday still counts as 45.
    assert eligibility_problems(programme, "b", teacher(school, born="19780902")) == []


def test_minimum_age_falls_back_to_the_day_the_items_registration_opens(tree):
    programme = programme_with(
        {"min_age": 30}, registration={"opens": "2024-05-06", "closes": "2024-05-20"}
    )
    young = teacher(tree["hz_school"], born="19940507")  # 29 on 2024-05-06, 30 the day after

    assert eligibility_problems(programme, "b1", young) == [
        "年龄应不小于 30 周岁（2024-05-06 时为 29 周岁）"
    ]
    assert eligibility_problems(programme, "b1", teacher(tree["hz_school"], born="19940506")) == []


def test_without_a_date_or_window_age_is_counted_today(tree):
    programme = programme_with({"max_age": 40}, window=False)
    today = datetime.date(2026, 12, 3)
    person = teacher(tree["hz_school"], born="19861204")  # 39 today, 40 tomorrow

    assert eligibility_problems(programme, "b", person, today=today) == []
    older = teacher(tree["hz_school"], born="19800101")
    assert eligibility_problems(programme, "b", older, today=today) == [
        "年龄应不超过 40 周岁（2026-12-03 时为 46 周岁）"
    ]


# --- 专业类 -------------------------------------------------------------------------------------


def test_major_classes_match_the_teachers_class_its_大类_or_the_2010_name(tree):
    school = tree["hz_school"]
    computing = teacher(school, major_class="计算机类")

    assert (
        eligibility_problems(programme_with({"major_classes": ["计算机类"]}), "b", computing) == []
    )
    legacy = programme_with({"major_classes": ["信息技术类"]}, code="legacy")  # notice 001's
    assert eligibility_problems(legacy, "b", computing) == []
    machines = programme_with({"major_classes": ["装备制造大类"]}, code="machines")
    assert eligibility_problems(machines, "b", teacher(school, major_class="自动化类")) == []
    assert eligibility_problems(machines, "b", computing) == [
        "专业类应为装备制造大类（登记为计算机类）"
    ]
    # A 任教专业 typed but no 专业类 chosen is no match.
    typed = teacher(school, major="数控加工")
    assert eligibility_problems(machines, "b", typed) == ["专业类应为装备制造大类（未选择专业类）"]


def test_major_match_holds_the_teachers_class_against_the_003_projects_field_classes(tree, college):
    p003 = from_preset("moe-2024-guopei-demonstration", "m003")

    assert eligibility_problems(p003, "x01", teacher(college, major_class="集成电路类")) == []
    assert eligibility_problems(p003, "x06", teacher(college, major_class="环境保护类")) == []
    assert eligibility_problems(p003, "x01", teacher(college, major_class="计算机类")) == [
        "专业类应与项目对口（集成电路类），登记为计算机类"
    ]
    # "Filled in" is not a match: a 任教专业 that names no 专业类 is refused like any other.
    assert eligibility_problems(p003, "x10", teacher(college, major="数控加工")) == [
        "专业类应与项目对口（自动化类），未选择专业类"
    ]


def test_major_match_reads_the_field_classes_of_the_project_the_submission_names(tree, base_admin):
    programme = programme_with({"major_must_match": True})
    project = Project.objects.create(
        programme=programme,
        item="b1",
        base=tree["hz_base"],
        title="工业机器人编程",
        field_classes=["自动化类"],
        status=Project.Status.ENROLLING,
    )
    robots = teacher(tree["hz_school"], major_class="自动化类")
    accounts = teacher(tree["hz_school"], major_class="财务会计类")

    assert eligibility_problems(programme, "b1", robots, project=project) == []
    assert eligibility_problems(programme, "b1", accounts, project=project) == [
        "专业类应与项目对口（自动化类），登记为财务会计类"
    ]
    # Without a class named, the item's projects stand for it.
    assert eligibility_problems(programme, "b1", accounts) == [
        "专业类应与项目对口（自动化类），登记为财务会计类"
    ]


def test_without_field_classes_the_match_is_left_to_the_approvers_and_a_class_is_required(tree):
    programme = programme_with({"major_must_match": True})

    assert eligibility_problems(programme, "b1", teacher(tree["hz_school"], major="数控加工")) == [
        "须与项目专业对口：请先在个人信息中选择专业类"
    ]
    chosen = teacher(tree["hz_school"], major_class="机械设计制造类")
    assert eligibility_problems(programme, "b1", chosen) == []
    assert conditions_to_check(programme, "b1") == [
        "与所报项目专业对口（项目未列面向专业类，平台无法自动核对）"
    ]


def test_field_classes_kept_for_seconds_see_a_project_saved_here_at_once(tree, monkeypatch):
    """A rush's refusals read the item's field classes from what this process kept; a project
    saved here changes them at once, one changed elsewhere (no signal here) within seconds."""
    programme = programme_with({"major_must_match": True})
    project = Project.objects.create(
        programme=programme,
        item="b1",
        base=tree["hz_base"],
        title="工业机器人编程",
        field_classes=["自动化类"],
        status=Project.Status.ENROLLING,
    )
    accounts = teacher(tree["hz_school"], major_class="财务会计类")
    refused = ["专业类应与项目对口（自动化类），登记为财务会计类"]
    assert eligibility_problems(programme, "b1", accounts) == refused

    project.field_classes = ["自动化类", "财务会计类"]
    project.save(update_fields=["field_classes"])
    assert eligibility_problems(programme, "b1", accounts) == []

    # Changed by another server: this process keeps its read until the seconds have passed.
    Project.objects.filter(pk=project.pk).update(field_classes=["自动化类"])
    assert eligibility_problems(programme, "b1", accounts) == []
    clock = time.monotonic() + terms._FIELD_CLASSES.seconds + 0.1
    monkeypatch.setattr(recent.time, "monotonic", lambda: clock)
    assert eligibility_problems(programme, "b1", accounts) == refused

    # Cancelled here: its classes no longer count, and the item names none.
    project.status = Project.Status.CANCELLED
    project.save(update_fields=["status"])
    assert eligibility_problems(programme, "b1", accounts) == []


# --- other programmes --------------------------------------------------------------------------


def test_not_elsewhere_the_same_year_names_the_other_programme(tree):
    programme = programme_with({"not_elsewhere_same_year": True})
    same_year = programme_with({}, code="other24", title="2024年骨干教师培训")
    last_year = programme_with({}, code="other23", year=2023, title="2023年骨干教师培训")
    busy, free, withdrew = (teacher(tree["hz_school"]) for _n in range(3))
    enrol(same_year, "a", busy)
    enrol(last_year, "a", free)
    enrol(same_year, "a", withdrew, status=S.WITHDRAWN)

    assert eligibility_problems(programme, "b", busy) == [
        "同一年度只能参加一个培训计划（已报名2024年的“2024年骨干教师培训”）"
    ]
    assert eligibility_problems(programme, "b", free) == []
    assert eligibility_problems(programme, "b", withdrew) == []


def test_not_elsewhere_of_the_same_kind_in_any_year_or_with_the_year_too(tree):
    def ruled(rules: dict[str, bool], code: str) -> Programme:
        return programme_with(rules, code=code, kind="国培计划", title=f"2024年国培{code}")

    by_kind = ruled({"not_elsewhere_same_kind": True}, "k")
    by_both = ruled({"not_elsewhere_same_kind": True, "not_elsewhere_same_year": True}, "ky")
    guopei_23 = programme_with({}, code="g23", year=2023, kind="国培计划", title="2023年国培")
    provincial = programme_with({}, code="s24", kind="省培计划", title="2024年省培")
    in_guopei_23, in_provincial = teacher(tree["hz_school"]), teacher(tree["hz_school"])
    enrol(guopei_23, "a", in_guopei_23, status=S.ADMITTED)
    enrol(provincial, "a", in_provincial, status=S.ADMITTED)

    assert eligibility_problems(by_kind, "b", in_guopei_23) == [
        "国培计划只能参加一个（已报名“2023年国培”）"
    ]
    assert eligibility_problems(by_kind, "b", in_provincial) == []
    # Both rules: the same year and the same kind; last year's 国培 does not count.
    assert eligibility_problems(by_both, "b", in_guopei_23) == []
    guopei_24 = programme_with({}, code="g24", kind="国培计划", title="2024年国培甲")
    enrol(guopei_24, "a", in_provincial)
    assert eligibility_problems(by_both, "b", in_provincial) == [
        "同一年度的国培计划只能参加一个（已报名2024年的“2024年国培甲”）"
    ]


def test_the_kind_rule_holds_nothing_against_a_programme_without_a_kind(tree):
    programme = programme_with({"not_elsewhere_same_kind": True})
    other = programme_with({}, code="other", title="另一个没有类别的计划")
    person = teacher(tree["hz_school"])
    enrol(other, "a", person)

    assert eligibility_problems(programme, "b", person) == []


def test_not_in_programmes_names_the_programme_the_teacher_is_in(tree):
    programme = programme_with({"not_in_programmes": ["guopei-2024"]})
    barred = programme_with({}, code="guopei-2024", title="2024年职教国培示范项目")
    other = programme_with({}, code="elsewhere", title="其他计划")
    inside, outside = teacher(tree["hz_school"]), teacher(tree["hz_school"])
    enrol(barred, "a", inside, status=S.ADMITTED)
    enrol(other, "a", outside)

    assert eligibility_problems(programme, "b", inside) == [
        "已报名“2024年职教国培示范项目”的不能再报名本计划"
    ]
    assert eligibility_problems(programme, "b", outside) == []


# --- an item first -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "status", "problem"),
    [
        ("admitted", None, "须先被“第一阶段”录取（现为未报名）"),
        ("admitted", S.SUBMITTED, "须先被“第一阶段”录取（现为审核中）"),
        ("admitted", S.ADMITTED, None),
        ("admitted", S.PASSED, None),
        ("completed", S.ADMITTED, "须先完成“第一阶段”并结业（现为已录取）"),
        ("completed", S.FAILED, "须先完成“第一阶段”并结业（现为未结业）"),
        ("completed", S.PASSED, None),
    ],
)
def test_a_prerequisite_item_must_be_reached_first(tree, state, status, problem):
    programme = programme_with({"requires": [{"item": "a", "state": state}]})
    person = teacher(tree["hz_school"])
    if status:
        enrol(programme, "a", person, status=status)

    # b1 inherits b's rule.
    assert eligibility_problems(programme, "b1", person) == ([problem] if problem else [])


# --- free-text conditions ----------------------------------------------------------------------


def test_other_conditions_are_listed_for_people_to_check_and_never_refuse(tree):
    programme = programme_with({"other": ["主持过市级及以上课题"]})
    person = teacher(tree["hz_school"])

    assert eligibility_problems(programme, "b1", person) == []
    assert conditions_to_check(programme, "b1") == ["主持过市级及以上课题"]
    assert conditions_to_check(programme, "a") == []


# --- through the submission check --------------------------------------------------------------


def test_the_submission_refuses_with_every_failed_rule_and_its_value(tree, school_coordinator):
    programme = programme_with(
        {"max_age": 45, "age_on": "2024-09-01", "major_classes": ["计算机类"]}
    )
    person = teacher(tree["hz_school"], born="19700101", major_class="旅游类")

    with pytest.raises(NotEligible) as refused:
        services.enrollment_submit(
            actor=school_coordinator.user,
            programme=programme,
            item="b1",
            person=person,
            channel="nomination",
        )
    assert "年龄应不超过 45 周岁（2024-09-01 时为 54 周岁）" in refused.value.message
    assert "专业类应为计算机类（登记为旅游类）" in refused.value.message
    assert not Enrollment.objects.exists()


# --- where eligibility shows: the apply page, an import, the approvers' pages ------------------


def test_the_apply_page_folds_an_item_with_the_age_rule_and_its_value_and_shows_conditions(
    client, tree
):
    programme_with(
        {"max_age": 45, "age_on": "2024-09-01"},
        title="2024年青年教师研修",
    )
    # Phase a: open to all, with a condition people check.
    programme = Programme.objects.get(title="2024年青年教师研修")
    policy = programme.policy
    policy["items"][0]["eligibility"] = {"other": ["主持过市级及以上课题"]}
    programme.policy = policy
    programme.save()
    person = teacher(tree["hz_school"], born="19770315")
    client.force_login(User.objects.create_user("older", "Secret123", person=person))

    html = client.get(reverse("enrollment:apply")).content.decode()

    fold = visible(folded(html))
    assert "第二阶段 · 数控方向" in fold
    assert "年龄应不超过 45 周岁（2024-09-01 时为 47 周岁）" in fold
    assert "须满足：主持过市级及以上课题，由审核人核对" in visible(open_part(html))
    refused = client.post(
        reverse("enrollment:apply"),
        {"programme": programme.pk, "item": "b1", "key": "e" * 32},
        follow=True,
    )
    assert "年龄应不超过 45 周岁（2024-09-01 时为 47 周岁）" in refused.content.decode()
    assert not Enrollment.objects.exists()


def test_an_imported_list_is_refused_per_row_with_the_rule_and_the_teachers_class(
    zhejiang_admin, p003, college
):
    computing = row_003(name="张一")
    computing[5] = "计算机应用"  # 任教专业: 计算机类, not x01's 集成电路类
    chips = row_003(name="李二", mobile="13711110002")  # 集成电路技术

    _sheet, rows, problems = parse(
        zhejiang_admin.user, p003, workbook(HEADER_003, [computing, chips])
    )

    assert X01[0] in p003.rules.item("x01").label
    assert rows == []  # all or nothing
    assert [p.row for p in problems] == [2]
    assert "专业类应与项目对口（集成电路类），登记为计算机类" in str(problems[0])


def test_every_approver_sees_the_conditions_to_check_on_the_enrollment_and_in_the_list(
    client, tree, school_coordinator, city_admin
):
    programme = programme_with(
        {"other": ["主持过市级及以上课题"]},
        chain=[{"role": "city_admin", "label": "设区市教育局审核"}],
    )
    enrollment = services.enrollment_submit(
        actor=school_coordinator.user,
        programme=programme,
        item="b1",
        person=teacher(tree["hz_school"]),
        channel="nomination",
    )
    client.force_login(city_admin.user)

    awaiting = visible(client.get(reverse("enrollment:awaiting")).content.decode())
    detail = visible(client.get(enrollment.get_absolute_url()).content.decode())

    assert "须核对：主持过市级及以上课题" in awaiting
    assert "须核对的条件 主持过市级及以上课题" in detail
