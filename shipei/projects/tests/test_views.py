"""Project pages: each role sees and does what its scope allows; 404 outside, 403 without the
action; refusals come back on the form in Chinese."""

import datetime
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from shipei.accounts.models import Role
from shipei.orgs.models import Designation
from shipei.programmes.models import Programme
from shipei.projects import services
from shipei.projects.models import Project, Review

from .conftest import GOOD_SCORES, make_actor, make_programme, make_project
from .test_services import PDF


def as_user(client: Client, actor: Any) -> Client:
    client.force_login(actor.user)
    return client


def form_data(programme: Any, **overrides: Any) -> dict[str, Any]:
    start = timezone.localdate() + datetime.timedelta(days=45)
    return {
        "item": "dual_teacher_base",
        "title": "产教融合课程开发研修",
        "mode": "offline",
        "days": "7",
        "hours": "56",
        "fee_yuan": "2500",
        "audience": "专业带头人",
        "outline": "课程开发方法与实践",
        "practice_share": "",
        "video_share": "",
        "classes-TOTAL_FORMS": "1",
        "classes-INITIAL_FORMS": "0",
        "classes-0-starts_on": start.isoformat(),
        "classes-0-ends_on": (start + datetime.timedelta(days=6)).isoformat(),
        "classes-0-capacity": "45",
        "classes-0-place": "杭州",
        "classes-0-online_platform": "",
        **overrides,
    }


# --- the base admin -------------------------------------------------------------------------


def test_base_admin_sees_my_projects_with_status_words(client, base_admin, draft):
    response = as_user(client, base_admin).get("/projects/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "我的项目" in html and draft.title in html and "草稿" in html


def test_new_project_page_lists_open_programmes_then_shows_the_form(
    client, base_admin, programme, designated
):
    client = as_user(client, base_admin)
    picker = client.get("/projects/new/")
    assert picker.status_code == 200
    assert f"?programme={programme.pk}" in picker.content.decode()

    page = client.get(f"/projects/new/?programme={programme.pk}")
    assert page.status_code == 200
    html = page.content.decode()
    assert "国家级职业教育“双师型”教师培训基地项目" in html
    assert "国家级职业学校校长培训基地项目" not in html  # a kind of base it does not hold


def test_save_then_submit_from_the_form(client, base_admin, programme, designated):
    client = as_user(client, base_admin)
    response = client.post(
        f"/projects/new/?programme={programme.pk}", {**form_data(programme), "submit": "1"}
    )

    project = Project.objects.get(title="产教融合课程开发研修")
    assert response.status_code == 302 and response["Location"] == f"/projects/{project.pk}/"
    assert project.status == Project.Status.SUBMITTED
    assert project.classes.get().capacity == 45


def test_class_row_errors_stay_beside_the_fields_and_nothing_is_saved(
    client, base_admin, programme, designated
):
    client = as_user(client, base_admin)
    data = form_data(programme)
    data["classes-0-ends_on"] = "2020-01-01"
    response = client.post(f"/projects/new/?programme={programme.pk}", data)

    assert response.status_code == 200
    assert "结业日期不能早于开班日期。" in response.content.decode()
    assert not Project.objects.exists()


def test_a_refused_submission_shows_each_problem_and_a_top_message(client, base_admin, draft):
    Project.objects.filter(pk=draft.pk).update(audience="")
    response = as_user(client, base_admin).post(f"/projects/{draft.pk}/submit/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "未能提交申报，请按提示修改后重新提交。" in html
    assert "请填写培训对象。" in html
    assert Project.objects.get(pk=draft.pk).status == Project.Status.DRAFT


def test_submission_after_the_deadline_says_when_it_closed(client, base_admin, draft):
    draft.programme.policy["projects"]["application"] = {"closes": "2024-05-06"}
    draft.programme.save()
    response = as_user(client, base_admin).post(f"/projects/{draft.pk}/submit/")

    assert "项目申报已于 2024-05-06 23:59 截止。" in response.content.decode()
    assert Project.objects.get(pk=draft.pk).status == Project.Status.DRAFT


def test_attachment_uploaded_with_the_form_is_served_only_in_scope(
    client, base_admin, jiangsu_admin, draft, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client = as_user(client, base_admin)
    data = form_data(draft.programme, **{"classes-INITIAL_FORMS": "0"})
    data["file"] = SimpleUploadedFile("培训方案.pdf", PDF, content_type="application/pdf")
    client.post(f"/projects/{draft.pk}/edit/", data)
    attachment = draft.attachments.get()
    url = f"/projects/{draft.pk}/attachments/{attachment.pk}/"

    download = client.get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert "attachment" in download["Content-Disposition"]
    other = Client()
    other.force_login(jiangsu_admin.user)
    assert other.get(url).status_code == 404
    assert Client().get(url).status_code == 302  # to the login page
    assert Client().get(f"{settings.MEDIA_URL}{attachment.file.name}").status_code == 404


# --- scope ----------------------------------------------------------------------------------


def test_other_province_gets_404_for_a_project_page(client, jiangsu_admin, draft):
    assert as_user(client, jiangsu_admin).get(f"/projects/{draft.pk}/").status_code == 404


def test_provincial_admin_sees_the_page_but_may_not_edit_or_decide(
    client, zhejiang_admin, in_review
):
    client = as_user(client, zhejiang_admin)
    assert client.get(f"/projects/{in_review.pk}/").status_code == 200
    assert client.get(f"/projects/{in_review.pk}/edit/").status_code == 403
    response = client.post(f"/projects/{in_review.pk}/decide/", {"decision": "approve"})
    assert response.status_code == 403
    assert client.post(f"/projects/{in_review.pk}/publish/").status_code == 403
    # A province reviews the projects of its own programmes only: not the ministry's.
    assert in_review.title not in client.get("/projects/review/").content.decode()


def test_teacher_may_not_open_the_application_pages(client, trainee, draft):
    client = as_user(client, trainee)
    assert client.get("/projects/").status_code == 403
    assert client.get(f"/projects/{draft.pk}/").status_code == 404
    assert client.get("/projects/new/").status_code == 403
    assert client.get("/projects/reviews/").status_code == 403


# --- the national admin ---------------------------------------------------------------------


def test_queue_lists_submitted_projects_but_not_drafts(
    client, national_admin, base_admin, submitted, programme
):
    make_project(base_admin, programme, title="还在填写的草稿")
    response = as_user(client, national_admin).get(f"/projects/review/?programme={programme.pk}")

    html = response.content.decode()
    assert submitted.title in html
    assert "还在填写的草稿" not in html


def test_only_eligible_experts_are_offered(client, national_admin, expert, base_expert, submitted):
    html = as_user(client, national_admin).get(f"/projects/{submitted.pk}/").content.decode()

    assert expert.person.name in html
    assert base_expert.person.name not in html


def test_assign_score_approve_and_publish_through_the_pages(
    client, national_admin, expert, submitted
):
    admin = as_user(client, national_admin)
    admin.post(f"/projects/{submitted.pk}/experts/", {"experts": [expert.user.pk]})
    review = Review.objects.get(project=submitted)

    expert_client = Client()
    expert_client.force_login(expert.user)
    scores = {f"score_{k}": v for k, v in GOOD_SCORES.items()}
    response = expert_client.post(f"/projects/reviews/{review.pk}/", {**scores, "comment": "可行"})
    assert response.status_code == 302

    page = admin.get(f"/projects/{submitted.pk}/").content.decode()
    assert "85" in page and "可行" in page
    admin.post(f"/projects/{submitted.pk}/decide/", {"decision": "approve"})
    response = admin.post("/projects/review/publish/", {"selected": [submitted.pk]})

    assert response.status_code == 302
    assert Project.objects.get(pk=submitted.pk).status == Project.Status.PUBLISHED


def test_returning_without_a_reason_is_refused_on_the_page(client, national_admin, reviewed):
    response = as_user(client, national_admin).post(
        f"/projects/{reviewed.pk}/decide/", {"decision": "return", "reason": ""}
    )

    assert response.status_code == 200
    assert "请填写退回修改的理由。" in response.content.decode()
    assert Project.objects.get(pk=reviewed.pk).status == Project.Status.IN_REVIEW


def test_publishing_a_draft_by_a_forged_post_changes_nothing(client, national_admin, draft):
    response = as_user(client, national_admin).post(f"/projects/{draft.pk}/publish/", follow=True)

    assert "当前状态为“草稿”，不能执行此操作。" in response.content.decode()
    assert Project.objects.get(pk=draft.pk).status == Project.Status.DRAFT


# --- experts --------------------------------------------------------------------------------


def test_expert_sees_only_its_own_review_tasks(client, expert, in_review, tree):
    other = make_actor(Role.EXPERT_REVIEWER, tree["moe"], person_org=tree["nj_school"])
    review = in_review.reviews.get()

    assert in_review.title in as_user(client, expert).get("/projects/reviews/").content.decode()
    stranger = Client()
    stranger.force_login(other.user)
    assert in_review.title not in stranger.get("/projects/reviews/").content.decode()
    assert stranger.get(f"/projects/reviews/{review.pk}/").status_code == 404
    assert stranger.get(f"/projects/{in_review.pk}/").status_code == 404


def test_out_of_range_score_is_shown_beside_the_field(client, expert, in_review):
    review = in_review.reviews.get()
    scores = {f"score_{k}": v for k, v in GOOD_SCORES.items()}
    response = as_user(client, expert).post(
        f"/projects/reviews/{review.pk}/", {**scores, "score_fee": "25", "comment": "好"}
    )

    assert response.status_code == 200
    assert "得分不能超过 20 分。" in response.content.decode()
    assert Review.objects.get(pk=review.pk).submitted_at is None


# --- the catalogue --------------------------------------------------------------------------


def test_teacher_finds_a_published_project_by_filter_and_opens_it(
    client, trainee, published, base_admin, programme
):
    make_project(base_admin, programme, title="未发布的项目")
    client = as_user(client, trainee)

    listed = client.get("/catalogue/", {"region": "330000", "mode": "offline"}).content.decode()
    assert published.title in listed and "未发布的项目" not in listed
    elsewhere = client.get("/catalogue/", {"region": "320000"}).content.decode()
    assert published.title not in elsewhere

    page = client.get(f"/catalogue/{published.pk}/").content.decode()
    assert "杭州职业技术学院" in page and "2,800" in page and "第1期" in page


def test_catalogue_hides_unpublished_projects_by_id(client, trainee, draft):
    assert as_user(client, trainee).get(f"/catalogue/{draft.pk}/").status_code == 404


def test_catalogue_date_filter_keeps_projects_with_a_class_in_the_range(client, trainee, published):
    start = published.classes.get().starts_on
    client = as_user(client, trainee)
    hit = client.get("/catalogue/", {"starts_from": start.isoformat()}).content.decode()
    later = (start + datetime.timedelta(days=30)).isoformat()
    miss = client.get("/catalogue/", {"starts_from": later}).content.decode()

    assert published.title in hit
    assert published.title not in miss


@pytest.mark.parametrize("path", ["/catalogue/", "/projects/"])
def test_anonymous_users_are_sent_to_login(client, path):
    assert client.get(path).status_code == 302


def test_cancel_needs_a_reason_and_confirms(client, base_admin, submitted):
    client = as_user(client, base_admin)
    html = client.get(f"/projects/{submitted.pk}/").content.decode()
    assert "确定撤销该项目？" in html
    response = client.post(f"/projects/{submitted.pk}/cancel/", {"reason": ""})
    assert "请填写撤销理由。" in response.content.decode()
    client.post(f"/projects/{submitted.pk}/cancel/", {"reason": "方案调整"})
    assert Project.objects.get(pk=submitted.pk).status == Project.Status.CANCELLED


def test_service_and_page_agree_on_the_expert_list(national_admin, expert, submitted):
    services.project_assign_experts(
        actor=national_admin.user, project=submitted, experts=[expert.user]
    )
    assert Project.objects.get(pk=submitted.pk).status == Project.Status.IN_REVIEW


# --- the list's filters offer what the user's projects have ---------------------------------


def test_a_bases_own_list_filters_by_programme_and_status_but_not_by_province_or_base(
    client, base_admin, draft, programme
):
    make_programme(code="p-elsewhere")  # open, but the base has no project in it
    programme.policy["projects"]["application"] = {"closes": "2020-01-01"}
    programme.save()  # closed for new applications: its projects are still listed and filtered

    response = as_user(client, base_admin).get("/projects/")

    form = response.context["form"]
    assert list(form.fields) == ["programme", "status", "q"]
    assert [label for _pk, label in form.fields["programme"].choices] == ["全部", str(programme)]
    html = response.content.decode()
    assert "基地所在省份" not in html and "承训单位" not in html  # neither filter nor column
    assert draft.title in html


def test_a_national_list_offers_the_provinces_and_bases_its_projects_come_from(
    client, national_admin, base_admin, draft, programme, tree
):
    Designation.objects.create(
        organisation=tree["nj_school"],
        kind=Designation.Kind.DUAL_TEACHER_BASE,
        year_from=2023,
        year_to=2027,
    )
    nanjing = make_actor(Role.BASE_ADMIN, tree["nj_school"])
    theirs = make_project(nanjing, programme, title="江苏的研修项目")
    admin = as_user(client, national_admin)

    form = admin.get("/projects/").context["form"]
    filtered = admin.get("/projects/", {"region": "320000"}).content.decode()

    assert [str(r) for r in form.fields["region"].queryset] == ["江苏省", "浙江省"]
    assert "base" in form.fields
    assert theirs.title in filtered and draft.title not in filtered
    assert "承训单位" in filtered


def test_the_review_queue_offers_the_programmes_with_projects(
    client, national_admin, submitted, programme
):
    make_programme(code="p-empty")

    form = as_user(client, national_admin).get("/projects/review/").context["form"]

    assert [pk for pk, _label in form.fields["programme"].choices] == ["", programme.pk]


def test_catalogue_filters_by_the_programmes_of_its_projects_also_after_applications_close(
    client, trainee, published
):
    """Applications for projects close long before teachers look for training: the catalogue's
    programme filter lists the programmes of the projects it shows, not those still taking
    applications (the projects' own programme was missing there)."""
    programme = published.programme
    rules = programme.rules.model_dump(mode="json")
    rules["projects"]["application"] = {"closes": "2020-01-01"}
    Programme.objects.filter(pk=programme.pk).update(policy=rules)
    Programme.objects.create(code="other", title="尚无项目的计划", year=2026, policy=rules)
    client = as_user(client, trainee)

    form = client.get("/catalogue/").context["form"]

    assert [label for _pk, label in form.fields["programme"].choices] == ["全部", str(programme)]
    listed = client.get("/catalogue/", {"programme": programme.pk}).content.decode()
    assert published.title in listed


def test_a_length_unlike_the_notices_usual_one_is_shown_to_the_base_and_the_reviewers(
    client, base_admin, designated, programme
):
    usual = make_project(base_admin, programme)  # 7 days, as 002 says for 双师型 bases
    short = make_project(base_admin, programme, title="三天短训", days=3)
    assert usual.length_notes == {} and short.length_notes == {"days": "通知所定为 7 天左右"}
    page = as_user(client, base_admin).get(f"/projects/{short.pk}/").content.decode()
    assert "3 天" in page and "通知所定为 7 天左右" in page
    page = as_user(client, base_admin).get(f"/projects/{usual.pk}/").content.decode()
    assert "通知所定为" not in page


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("9999-01-01", "日期超出合理范围：请填写 2000 年至 2100 年之间的日期（现为 9999-01-01）。"),
        ("1900-01-01", "日期超出合理范围：请填写 2000 年至 2100 年之间的日期（现为 1900-01-01）。"),
        ("2026-13-45", "输入一个有效的日期。"),
        ("x" * 300, "输入一个有效的日期。"),
    ],
)
def test_a_catalogue_date_out_of_range_or_garbage_is_left_out_with_its_reason(
    client, trainee, published, typed, reason
):
    client = as_user(client, trainee)
    alone = client.get("/catalogue/", {"starts_from": typed})
    with_region = client.get("/catalogue/", {"starts_until": typed, "region": "320000"})

    assert (alone.status_code, with_region.status_code) == (200, 200)
    assert reason in alone.content.decode() and reason in with_region.content.decode()
    assert published.title in alone.content.decode()  # no date filter applied
    assert published.title not in with_region.content.decode()  # the region still applies
