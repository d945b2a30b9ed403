"""A teacher's own applications: the 报名 page shows what the teacher may apply for first and
folds the rest with the reason in one line; a catalogue entry of a programme that takes
self-registration has its own 报名 button, through the same view and service."""

import re
from typing import Any

import pytest
from django.urls import reverse

from shipei.accounts.models import User
from shipei.classes.models import TrainingClass
from shipei.enrollment.models import Enrollment
from shipei.enrollment.tests.conftest import (
    closed_window,
    days_from_now,
    preset_programme,
    teacher_at,
)
from shipei.programmes.models import Programme
from shipei.projects.tests.conftest import make_programme

pytestmark = pytest.mark.django_db
INTEGRATED = "mohrss-integrated-teacher-training"  # 004: 技工院校 teachers only


def text(response: Any) -> str:
    return response.content.decode()


def visible(html: str) -> str:
    """The page's text without tags, spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def folded(html: str) -> str:
    match = re.search(r'<details class="sp-fold">(.*?)</details>', html, re.S)
    assert match, "no folded list on the page"
    return match.group(1)


def open_part(html: str) -> str:
    """The page before the first fold: what the teacher may apply for."""
    return html.split('<details class="sp-fold">')[0]


@pytest.fixture
def class_programme(db: Any) -> Programme:
    """Notice 002's projects, but the programme takes teachers' own applications (as 004
    does) and the base approves them: its catalogue entries have a 报名 button."""
    return make_programme(
        code="s002",
        enrollment={
            "channels": ["self_registration"],
            "window": {"closes": days_from_now(3)},
            "approval_chain": [
                {"role": "base_admin", "label": "基地核准（结果反馈学员及所在学校）"}
            ],
        },
    )


def box(client: Any, actor: Any, training_class: TrainingClass) -> str:
    client.force_login(actor.user)
    url = reverse("enrollment:catalogue_apply", args=[training_class.project_id])
    response = client.get(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    return text(response)


# --- the 报名 page ------------------------------------------------------------------------------


def test_what_the_teacher_may_apply_for_comes_first_and_the_rest_is_folded_with_one_reason(
    client, teacher, self_programme
):
    preset_programme(INTEGRATED, "e004")  # 24 items, all for 技工院校 only; created later
    client.force_login(teacher.user)

    html = text(client.get(reverse("enrollment:apply")))

    before = open_part(html)
    assert before.index(str(self_programme)) < html.index("技工院校工学一体化")
    assert before.count('aria-label="报名“') == 7  # every item of 000 open now
    fold = folded(html)
    assert "24 项暂不符合报名条件" in visible(fold)
    reason = "只接受技工院校的教师（杭州市中策职业学校为中职）"
    assert visible(html).count(reason) == 1  # said once, on the folded line
    assert "<li>" in fold and fold.count("<li>") == 24
    assert "不符合报名条件：" not in html  # no box per item
    assert "alert-warning" not in html


def test_labels_that_name_their_parent_are_not_repeated(client, teacher, self_programme):
    preset_programme(INTEGRATED, "e004")
    client.force_login(teacher.user)

    page = visible(text(client.get(reverse("enrollment:apply"))))

    assert "三级·机械类" in page and "三级 · 三级" not in page
    assert "第2期 · 5G移动网络运维" in page  # a field without its phase's name keeps it


def test_each_folded_item_says_its_own_reason_when_they_differ(client, teacher):
    programme = preset_programme("moe-2020-innovation-team-online", "e000")
    policy = programme.policy
    for item in policy["items"]:
        if item["code"] == "p3":
            item["eligibility"]["min_years_teaching"] = 10
        if item["code"] == "p2-f1":
            item["eligibility"]["titles"] = ["senior_full"]
    programme.policy = policy
    programme.save()
    client.force_login(teacher.user)

    html = text(client.get(reverse("enrollment:apply")))

    fold = visible(folded(html))
    assert "其余 2 项暂不符合报名条件" in fold
    assert "第3期 教龄应不少于 10 年（登记为 6 年）" in fold
    assert "第2期 · 5G移动网络运维 职称应为正高级（登记为副高级）" in fold
    assert 'aria-label="报名“第1期”"' in open_part(html)
    assert 'aria-label="报名“第3期”"' not in html


def test_an_applied_item_shows_its_status_among_the_open_ones(client, teacher, self_programme):
    client.force_login(teacher.user)
    client.post(
        reverse("enrollment:apply"), {"programme": self_programme.pk, "item": "p1", "key": "k" * 32}
    )

    html = open_part(text(client.get(reverse("enrollment:apply"))))

    assert 'class="badge sp-badge-warn">审核中</span>' in html
    assert 'aria-label="报名“第1期”"' not in html


def test_the_submitted_message_says_who_acts_next_in_a_teachers_words(
    client, teacher, self_programme
):
    client.force_login(teacher.user)
    form = {"programme": self_programme.pk, "item": "p1", "key": "m" * 32}

    response = client.post(reverse("enrollment:apply"), form, follow=True)

    assert "已提交报名。下一步：等待项目主管部门审核。" in text(response)


# --- the 报名 box of a catalogue entry -----------------------------------------------------------


def test_a_catalogue_entry_of_a_programme_without_self_registration_says_whom_to_ask(
    client, teacher, open_class, class_programme
):
    class_programme.policy["enrollment"]["channels"] = ["coordinator_enrollment"]
    class_programme.save()

    html = box(client, teacher, open_class)

    assert visible(html).strip() == "本项目由学校联系人在平台统一报名，请联系本校的学校联系人。"
    assert "<form" not in html


def test_the_school_contact_is_sent_to_enroll_its_teachers_not_told_to_ask_itself(
    client, school_coordinator, open_class, class_programme
):
    class_programme.policy["enrollment"]["channels"] = ["coordinator_enrollment"]
    class_programme.save()

    html = box(client, school_coordinator, open_class)

    assert "请联系本校的学校联系人" not in html
    assert f'href="{reverse("enrollment:nominate")}?programme={class_programme.pk}"' in html


def test_an_eligible_teacher_gets_a_button_per_class_that_posts_to_the_apply_page(
    client, teacher, open_class
):
    html = box(client, teacher, open_class)

    assert f'action="{reverse("enrollment:apply")}"' in html
    assert f'name="training_class" value="{open_class.pk}"' in html
    assert 'aria-label="报名第1期"' in html
    assert "尚余 30 个名额" in html and "还剩 3 天" in html
    back = reverse("projects:catalogue_detail", args=[open_class.project_id])
    assert f'name="next" value="{back}"' in html


def test_applying_from_the_catalogue_enrolls_into_the_class_for_the_base_to_approve(
    client, teacher, open_class, base_admin
):
    client.force_login(teacher.user)
    project = open_class.project
    form = {
        "programme": project.programme_id,
        "item": project.item,
        "training_class": open_class.pk,
        "key": "c" * 32,
        "next": reverse("projects:catalogue_detail", args=[project.pk]),
    }

    response = client.post(reverse("enrollment:apply"), form)

    enrollment = Enrollment.objects.get()
    assert response.status_code == 302 and response["Location"] == enrollment.get_absolute_url()
    assert (enrollment.channel, enrollment.training_class, enrollment.project) == (
        "self_registration",
        open_class,
        project,
    )
    open_class.refresh_from_db()
    assert open_class.seats_taken == 1
    client.force_login(base_admin.user)  # the base's step reaches it through the class
    assert enrollment in client.get(reverse("enrollment:awaiting")).context["table"].data


def test_a_refusal_from_the_catalogue_returns_there_with_the_reason(client, trainee, open_class):
    class_programme = open_class.project.programme
    class_programme.policy["items"][1]["eligibility"]["titles"] = ["senior_full"]
    class_programme.save()
    client.force_login(trainee.user)
    back = reverse("projects:catalogue_detail", args=[open_class.project_id])
    form = {
        "programme": class_programme.pk,
        "item": open_class.project.item,
        "training_class": open_class.pk,
        "key": "r" * 32,
        "next": back,
    }

    response = client.post(reverse("enrollment:apply"), form, follow=True)

    assert response.redirect_chain == [(back, 302)]
    assert "不符合报名条件：职称应为正高级" in text(response)
    assert not Enrollment.objects.exists()


def test_a_refusal_never_sends_the_teacher_to_another_site(client, trainee, open_class):
    class_programme = open_class.project.programme
    class_programme.policy["items"][1]["eligibility"]["titles"] = ["senior_full"]
    class_programme.save()
    client.force_login(trainee.user)
    form = {
        "programme": class_programme.pk,
        "item": open_class.project.item,
        "training_class": open_class.pk,
        "key": "e" * 32,
        "next": "https://evil.example.com/",
    }

    response = client.post(reverse("enrollment:apply"), form)

    assert response.status_code == 200  # the 报名 page, with the reason
    assert "不符合报名条件" in text(response)


def test_a_class_of_another_programme_is_404_and_enrolls_nobody(
    client, teacher, open_class, self_programme
):
    client.force_login(teacher.user)
    form = {
        "programme": self_programme.pk,
        "item": "p1",
        "training_class": open_class.pk,
        "key": "x" * 32,
    }

    assert client.post(reverse("enrollment:apply"), form).status_code == 404
    assert not Enrollment.objects.exists()


def test_an_account_without_a_teacher_profile_is_told_to_use_the_teachers_own(
    client, trainee, open_class
):
    html = box(client, trainee, open_class)

    assert visible(html).strip() == "本项目接受教师个人报名，请使用教师本人的账号登录后报名。"
    assert "<form" not in html


def test_an_ineligible_teacher_is_told_why_in_one_line(client, trainee, open_class):
    class_programme = open_class.project.programme
    class_programme.policy["items"][1]["eligibility"]["min_years_teaching"] = 5
    class_programme.save()
    person = teacher_at(trainee.org, years=2)
    user = User.objects.create_user(f"t{person.pk}", "Secret123", person=person)
    client.force_login(user)

    url = reverse("enrollment:catalogue_apply", args=[open_class.project_id])
    html = text(client.get(url))

    assert visible(html).strip() == "暂不符合报名条件：教龄应不少于 5 年（登记为 2 年）"
    assert "<form" not in html


def test_a_closed_window_says_when_it_was(client, teacher, open_class):
    class_programme = open_class.project.programme
    class_programme.policy["enrollment"]["window"] = closed_window()
    class_programme.save()

    html = visible(box(client, teacher, open_class))

    assert "报名已截止（报名时间" in html and f"{closed_window()['closes']} 23:59" in html


def test_a_teacher_who_applied_sees_the_status_instead_of_the_button(client, teacher, open_class):
    client.force_login(teacher.user)
    project = open_class.project
    client.post(
        reverse("enrollment:apply"),
        {
            "programme": project.programme_id,
            "item": project.item,
            "training_class": open_class.pk,
            "key": "a" * 32,
        },
    )

    html = box(client, teacher, open_class)

    assert "您已报名本项目" in html and ">审核中</span>" in html
    assert Enrollment.objects.get().get_absolute_url() in html
    assert "<form" not in html


def test_a_project_not_in_the_catalogue_is_404(client, teacher, open_class):
    project = open_class.project
    project.status = project.Status.DRAFT
    project.save(update_fields=["status"])
    client.force_login(teacher.user)

    url = reverse("enrollment:catalogue_apply", args=[project.pk])
    assert client.get(url).status_code == 404


def test_the_catalogue_entry_loads_the_box_from_the_enrollment_pages(client, teacher, open_class):
    client.force_login(teacher.user)

    html = text(client.get(reverse("projects:catalogue_detail", args=[open_class.project_id])))

    assert f'hx-get="{reverse("enrollment:catalogue_apply", args=[open_class.project_id])}"' in html


def test_a_full_class_has_no_button_unless_the_programme_keeps_a_waitlist(
    client, teacher, open_class
):
    TrainingClass.objects.filter(pk=open_class.pk).update(seats_taken=30)

    html = box(client, teacher, open_class)

    assert ">已满</span>" in html and "<form" not in html
    class_programme = open_class.project.programme
    class_programme.policy["enrollment"]["waitlist"] = True
    class_programme.save()
    html = box(client, teacher, open_class)
    assert "名额已满，可报名候补" in html and 'aria-label="报名第1期"' in html


def test_another_provinces_own_programme_is_not_offered_at_all(
    client, teacher, tree, self_programme
):
    """A 江苏 programme is not 杭州's teacher's to apply for: left out, not folded with a reason."""
    self_programme.owner = tree["js"]
    self_programme.save()
    client.force_login(teacher.user)

    html = text(client.get(reverse("enrollment:apply")))

    assert str(self_programme) not in html
