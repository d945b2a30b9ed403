"""Enrollment pages: each role sees its scope only, forged decisions change nothing, a double
submit creates one enrollment, refusals say which rule and which window."""

import re
from typing import Any

import pytest
from django.urls import reverse

from shipei.enrollment import services
from shipei.enrollment.models import Enrollment, EnrollmentEvent
from shipei.programmes.models import Programme

from .conftest import closed_window, preset_programme, teacher_at

pytestmark = pytest.mark.django_db


def nominate(actor: Any, programme: Programme, person: Any, item: str = "1x-01") -> Enrollment:
    return services.enrollment_submit(
        actor=actor.user, programme=programme, item=item, person=person, channel="nomination"
    )


def self_apply(actor: Any, programme: Programme, item: str = "p1") -> Enrollment:
    return services.enrollment_submit(
        actor=actor.user,
        programme=programme,
        item=item,
        person=actor.person,
        channel="self_registration",
    )


def page(client: Any, actor: Any, url: str, **params: Any) -> Any:
    client.force_login(actor.user)
    return client.get(url, params)


def text(response: Any) -> str:
    return response.content.decode()


# --- the teacher -------------------------------------------------------------------------------


def test_apply_page_lists_open_items_with_window_and_time_left(client, teacher, self_programme):
    response = page(client, teacher, reverse("enrollment:apply"))
    assert response.status_code == 200
    body = text(response)
    assert "第1期" in body and "5G移动网络运维" in body
    assert "还剩 3 天" in body
    assert "～" in body


def test_apply_page_shows_eligibility_problems_before_applying(client, trainee, self_programme):
    # A teacher without a 专业类 cannot take a field that must match it (000).
    teacher_at(trainee.org)  # another teacher, so that the page is not about profiles only
    response = page(client, trainee, reverse("enrollment:apply"))
    assert "须与项目专业对口：请先在个人信息中选择专业类" in text(response)


def test_double_submit_of_the_apply_form_creates_one_enrollment(client, teacher, self_programme):
    client.force_login(teacher.user)
    form = {"programme": self_programme.pk, "item": "p1", "key": "k" * 32}
    first = client.post(reverse("enrollment:apply"), form)
    second = client.post(reverse("enrollment:apply"), form)
    enrollment = Enrollment.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == enrollment.get_absolute_url()
    assert (enrollment.person, enrollment.channel) == (teacher.person, "self_registration")
    follow = client.get(first["Location"])
    assert "培训管理员审核" in text(follow) and "部级管理员" in text(follow)


def test_apply_refusal_names_the_failed_rule(client, trainee, self_programme):
    client.force_login(trainee.user)
    response = client.post(
        reverse("enrollment:apply"),
        {"programme": self_programme.pk, "item": "p2-f1", "key": "a" * 32},
    )
    assert response.status_code == 200
    assert "不符合报名条件：须与项目专业对口：请先在个人信息中选择专业类" in text(response)
    assert not Enrollment.objects.exists()


def test_closed_window_is_refused_with_the_window_shown(client, teacher, tree):
    programme = preset_programme("moe-2020-innovation-team-online", "closed")
    policy = programme.policy
    for item in policy["items"]:
        if item["code"] in ("p2", "p2-f1"):
            item["registration"] = closed_window()
    programme.policy = policy
    programme.save()
    closes = closed_window()["closes"]
    client.force_login(teacher.user)
    listed = client.get(reverse("enrollment:apply"))
    assert "5G移动网络运维" not in text(listed)  # only what one may apply for now
    response = client.post(
        reverse("enrollment:apply"), {"programme": programme.pk, "item": "p2-f1", "key": "b" * 32}
    )
    assert response.status_code == 200
    assert "当前不在报名时间内" in text(response)
    assert f"{closes} 23:59" in text(response)
    assert not Enrollment.objects.exists()


def test_my_enrollments_show_status_step_and_who_acts_next(client, teacher, self_programme):
    self_apply(teacher, self_programme)
    response = page(client, teacher, reverse("enrollment:mine"))
    body = text(response)
    assert "审核中" in body and "培训管理员审核" in body and "部级管理员" in body
    assert "撤回报名" in body


def test_the_detail_says_no_seat_is_counted_where_the_programme_has_no_quotas_nor_class(
    client, teacher
):
    """A programme that sets no quota for the item (不分配名额) and names no class: the
    enrollment takes no one's seat; the page said 占用班次名额."""
    programme = Programme.objects.create(
        code="no-quota",
        title="不分配名额的计划",
        year=2026,
        policy={
            "items": [{"code": "d1", "label": "信息化教学能力提升", "kind": "course"}],
            "enrollment": {"channels": ["self_registration"]},
            "quota": {"scope": "none"},
        },
    )
    enrollment = self_apply(teacher, programme, item="d1")
    body = text(page(client, teacher, enrollment.get_absolute_url()))
    assert re.search(r"<dt>名额</dt><dd>不限（本项目未分配名额）</dd>", body)
    assert "占用班次名额" not in body


def test_teacher_withdraws_own_enrollment(client, teacher, self_programme):
    enrollment = self_apply(teacher, self_programme)
    client.force_login(teacher.user)
    response = client.post(reverse("enrollment:withdraw", args=[enrollment.pk]), {"next": "mine"})
    assert response["Location"] == reverse("enrollment:mine")
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.WITHDRAWN


def test_teacher_has_no_lists_of_others(client, teacher):
    for name in ("enrollment:list", "enrollment:awaiting", "enrollment:nominate"):
        assert page(client, teacher, reverse(name)).status_code == 403


# --- scope -------------------------------------------------------------------------------------


def test_each_role_sees_only_its_scope(
    client,
    tree,
    nomination_programme,
    school_coordinator,
    city_admin,
    zhejiang_admin,
    jiangsu_admin,
    base_admin,
    trainee,
):
    mine = nominate(school_coordinator, nomination_programme, teacher_at(tree["hz_school"]))
    other_school = teacher_at(tree["hz_base"], name="钱其他")
    theirs = nominate(zhejiang_admin, nomination_programme, other_school)
    url = reverse("enrollment:list")

    coordinator_list = text(page(client, school_coordinator, url))
    assert mine.person.name in coordinator_list and "钱其他" not in coordinator_list
    assert page(client, school_coordinator, theirs.get_absolute_url()).status_code == 404
    for admin in (city_admin, zhejiang_admin):
        body = text(page(client, admin, url))
        assert mine.person.name in body and "钱其他" in body
    assert "暂无数据" in text(page(client, jiangsu_admin, url))
    assert page(client, jiangsu_admin, mine.get_absolute_url()).status_code == 404
    assert "暂无数据" in text(page(client, base_admin, url))  # no class at the base
    assert page(client, base_admin, mine.get_absolute_url()).status_code == 404
    assert page(client, trainee, mine.get_absolute_url()).status_code == 404  # not theirs
    assert page(client, city_admin, mine.get_absolute_url()).status_code == 200


def test_lists_show_masked_id_numbers_only(client, tree, nomination_programme, school_coordinator):
    person = teacher_at(tree["hz_school"])
    enrollment = nominate(school_coordinator, nomination_programme, person)
    full = person._id_number()
    for url in (reverse("enrollment:list"), enrollment.get_absolute_url()):
        body = text(page(client, school_coordinator, url))
        assert person.id_number_masked in body and full not in body
        assert person._mobile() not in body


def test_list_filters_live_in_the_url(client, tree, nomination_programme, school_coordinator):
    a = nominate(school_coordinator, nomination_programme, teacher_at(tree["hz_school"]))
    b = nominate(
        school_coordinator, nomination_programme, teacher_at(tree["hz_school"]), item="1x-02"
    )
    body = text(
        page(
            client,
            school_coordinator,
            reverse("enrollment:list"),
            programme=nomination_programme.pk,
            item="1x-02",
            status="submitted",
        )
    )
    assert b.person.name in body and a.person.name not in body and "共 1 条" in body


# --- the approvers -----------------------------------------------------------------------------


def test_forged_approval_by_the_wrong_role_is_refused_and_changes_nothing(
    client, tree, nomination_programme, school_coordinator, zhejiang_admin
):
    enrollment = nominate(school_coordinator, nomination_programme, teacher_at(tree["hz_school"]))
    url = reverse("enrollment:decide", args=[enrollment.pk])
    for actor in (zhejiang_admin, school_coordinator):  # in scope, not the city's step
        client.force_login(actor.user)
        response = client.post(url, {"decision": "approve"})
        assert response.status_code == 403
        assert "设区市教育局审核确认本地区学员选派" in text(response)
    enrollment.refresh_from_db()
    assert (enrollment.status, enrollment.step) == (Enrollment.Status.SUBMITTED, 0)
    assert list(EnrollmentEvent.objects.values_list("action", flat=True)) == ["submitted"]


def test_out_of_scope_decision_is_404(
    client, tree, nomination_programme, jiangsu_admin, city_admin
):
    enrollment = nominate(city_admin, nomination_programme, teacher_at(tree["hz_school"]))
    client.force_login(jiangsu_admin.user)
    response = client.post(
        reverse("enrollment:decide", args=[enrollment.pk]), {"decision": "approve"}
    )
    assert response.status_code == 404
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.SUBMITTED


def test_city_admin_approves_and_the_history_shows_who_and_when(
    client, tree, nomination_programme, school_coordinator, city_admin
):
    enrollment = nominate(school_coordinator, nomination_programme, teacher_at(tree["hz_school"]))
    assert enrollment.person.name in text(page(client, city_admin, reverse("enrollment:awaiting")))
    response = client.post(
        reverse("enrollment:decide", args=[enrollment.pk]), {"decision": "approve"}
    )
    assert response.status_code == 302
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.ADMITTED
    detail = text(client.get(enrollment.get_absolute_url()))
    assert "已录取" in detail and city_admin.user.display_name in detail
    assert "设区市教育局审核确认本地区学员选派" in detail


def test_reject_without_reason_shows_the_error_beside_the_field(
    client, tree, nomination_programme, school_coordinator, city_admin
):
    enrollment = nominate(school_coordinator, nomination_programme, teacher_at(tree["hz_school"]))
    client.force_login(city_admin.user)
    response = client.post(
        reverse("enrollment:decide", args=[enrollment.pk]), {"decision": "reject"}
    )
    assert response.status_code == 200
    assert "驳回或退回时请填写原因。" in text(response)
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.SUBMITTED


def test_batch_reject_needs_a_reason_then_rejects_all(
    client, tree, nomination_programme, school_coordinator, city_admin
):
    rows = [
        nominate(school_coordinator, nomination_programme, teacher_at(tree["hz_school"]))
        for _ in range(3)
    ]
    client.force_login(city_admin.user)
    awaiting = text(client.get(reverse("enrollment:awaiting")))
    assert "确定驳回选中的 %(count)s 条报名？" in awaiting and "共 3 条" in awaiting
    ids = [e.pk for e in rows[:2]]
    url = reverse("enrollment:decide_batch")
    response = client.post(url, {"selected": ids, "decision": "reject", "query": ""})
    assert response.status_code == 200 and "驳回时请填写原因。" in text(response)
    assert Enrollment.objects.filter(status=Enrollment.Status.REJECTED).count() == 0
    response = client.post(
        url, {"selected": ids, "decision": "reject", "reason": "名额已满", "query": ""}
    )
    assert response.status_code == 302
    assert set(
        Enrollment.objects.filter(status=Enrollment.Status.REJECTED).values_list("pk", flat=True)
    ) == set(ids)
    assert "已驳回 2 条报名。" in text(client.get(response["Location"]))


def test_batch_is_all_or_nothing_for_rows_not_at_the_users_step(
    client, tree, nomination_programme, school_coordinator, city_admin
):
    a = nominate(school_coordinator, nomination_programme, teacher_at(tree["hz_school"]))
    b = nominate(school_coordinator, nomination_programme, teacher_at(tree["hz_school"]))
    services.enrollment_decide(actor=city_admin.user, enrollment=b, decision="approve")
    client.force_login(city_admin.user)
    response = client.post(
        reverse("enrollment:decide_batch"), {"selected": [a.pk, b.pk], "decision": "approve"}
    )
    assert "未处理任何报名" in text(client.get(response["Location"]))
    a.refresh_from_db()
    assert a.status == Enrollment.Status.SUBMITTED


# --- the school coordinator --------------------------------------------------------------------


def test_coordinator_nominates_teachers_once_with_problems_shown_per_teacher(
    client, tree, nomination_programme, school_coordinator
):
    good = [teacher_at(tree["hz_school"]) for _ in range(2)]
    no_major = teacher_at(tree["hz_school"], major="")
    url = reverse("enrollment:nominate")
    client.force_login(school_coordinator.user)
    assert nomination_programme.title in text(client.get(url))
    assert "数控车铣加工职业技能等级证书" in text(
        client.get(url, {"programme": nomination_programme.pk})
    )
    params = {"programme": nomination_programme.pk, "item": "1x-01"}
    body = text(client.get(url, params))
    assert all(p.name in body for p in [*good, no_major])
    assert "须与项目专业对口：请先在个人信息中选择专业类" in body and "还剩 3 天" in body
    assert good[0]._id_number() not in body
    form = {**params, "key": "n" * 32, "selected": [p.pk for p in good]}
    first = client.post(url, form)
    second = client.post(url, form)
    assert first.status_code == second.status_code == 302
    assert Enrollment.objects.filter(item="1x-01").count() == 2
    listed = text(client.get(first["Location"]))
    assert "共 2 条" in listed and "设区市教育局审核确认本地区学员选派" in listed


def test_coordinator_sees_why_a_ticked_teacher_was_refused(
    client, tree, nomination_programme, school_coordinator
):
    novice = teacher_at(tree["hz_school"], major="")
    client.force_login(school_coordinator.user)
    response = client.post(
        reverse("enrollment:nominate"),
        {
            "programme": nomination_programme.pk,
            "item": "1x-01",
            "key": "x" * 32,
            "selected": [novice.pk],
        },
    )
    assert response.status_code == 200
    assert f"{novice.name}：不符合报名条件：须与项目专业对口：请先在个人信息中选择专业类" in text(
        response
    )
    assert not Enrollment.objects.exists()


def test_nominating_a_teacher_of_another_school_is_refused(
    client, tree, nomination_programme, school_coordinator
):
    outsider = teacher_at(tree["nj_school"])
    client.force_login(school_coordinator.user)
    response = client.post(
        reverse("enrollment:nominate"),
        {
            "programme": nomination_programme.pk,
            "item": "1x-01",
            "key": "y" * 32,
            "selected": [outsider.pk],
        },
    )
    assert "1 位教师不在可报名范围内。" in text(response)
    assert not Enrollment.objects.exists()


def test_base_admin_may_not_nominate(client, base_admin):
    assert page(client, base_admin, reverse("enrollment:nominate")).status_code == 403


def test_unknown_programme_or_item_is_404(client, nomination_programme, school_coordinator):
    url = reverse("enrollment:nominate")
    assert page(client, school_coordinator, url, programme=999999).status_code == 404
    assert (
        page(client, school_coordinator, url, programme=nomination_programme.pk, item="zz")
    ).status_code == 404


def test_programmes_to_nominate_for_show_their_registration_period_as_such(
    client, nomination_programme, school_coordinator
):
    body = text(page(client, school_coordinator, reverse("enrollment:nominate")))

    period = re.search(r"<dt>([^<]+)</dt><dd>[^<]*～", body)
    assert period and period.group(1) == "报名时间"  # a range, not a deadline
    assert "报名截止" not in body


def test_coordinator_enrolls_into_a_published_class_and_the_base_approves(
    client, tree, open_class, school_coordinator, base_admin
):
    person = teacher_at(tree["hz_school"])
    programme = open_class.project.programme
    url = reverse("enrollment:nominate")
    client.force_login(school_coordinator.user)
    classes = text(client.get(url, {"programme": programme.pk}))
    assert str(open_class) in classes and ">30<" in classes.replace(" ", "")
    params = {"programme": programme.pk, "training_class": open_class.pk}
    assert "30 人" in text(client.get(url, params))
    response = client.post(url, {**params, "key": "c" * 32, "selected": [person.pk]})
    assert response.status_code == 302
    enrollment = Enrollment.objects.get()
    open_class.refresh_from_db()
    assert (enrollment.training_class, open_class.seats_taken) == (open_class, 1)

    client.force_login(base_admin.user)
    awaiting = text(client.get(reverse("enrollment:awaiting")))
    assert person.name in awaiting and "还剩 10 天" in awaiting
    detail = text(client.get(enrollment.get_absolute_url()))
    assert "核准" in detail
    client.post(reverse("enrollment:decide", args=[enrollment.pk]), {"decision": "approve"})
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.ADMITTED
    client.force_login(school_coordinator.user)
    assert "已录取" in text(client.get(reverse("enrollment:list")))


def test_a_provinces_own_programme_is_offered_only_inside_the_province(
    client, tree, nomination_programme, zhejiang_admin, jiangsu_admin
):
    """浙江's own programme (001) is not offered to 江苏's admin: not among the programmes to
    nominate for, and its page offers neither quotas nor lists (江苏 has nothing to do there)."""
    nomination_programme.owner = tree["zj"]
    nomination_programme.save()
    title = nomination_programme.title
    assert title in text(page(client, zhejiang_admin, reverse("enrollment:nominate")))
    assert title not in text(page(client, jiangsu_admin, reverse("enrollment:nominate")))
    detail = text(page(client, jiangsu_admin, nomination_programme.get_absolute_url()))
    assert "名单导入导出" not in detail and "quotas/" not in detail
    detail = text(page(client, zhejiang_admin, nomination_programme.get_absolute_url()))
    assert "名单导入导出" in detail
