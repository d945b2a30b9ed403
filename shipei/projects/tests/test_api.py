"""Projects, reviews and the catalogue over /api/v1/: the same rules as the pages, one error shape."""

from typing import Any

import pytest

from shipei.core.tests.api_helpers import api_as, error
from shipei.projects.models import Project, Review

from .conftest import GOOD_SCORES, a_class, make_actor, make_project, project_fields


def _json(fields: dict[str, Any]) -> dict[str, Any]:
    return {k: str(v) if not isinstance(v, int | str) else v for k, v in fields.items()}


def _class_json(start_in_days: int = 40, **overrides: Any) -> dict[str, Any]:
    row = a_class(start_in_days, **overrides)
    return {**row, "starts_on": row["starts_on"].isoformat(), "ends_on": row["ends_on"].isoformat()}


def test_base_admin_creates_and_submits_a_project(base_admin, programme, designated):
    api = api_as(base_admin)
    created = api.post(
        "/api/v1/projects/",
        {"programme": programme.pk, **_json(project_fields()), "classes": [_class_json()]},
        format="json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "draft" and body["status_label"] == "草稿"
    assert body["base"] == designated.pk and len(body["classes"]) == 1

    submitted = api.post(f"/api/v1/projects/{body['id']}/submit/")
    assert submitted.status_code == 200
    assert submitted.json()["status"] == "submitted"


def test_patch_changes_a_draft_and_its_classes(base_admin, draft):
    first = draft.classes.get()
    response = api_as(base_admin).patch(
        f"/api/v1/projects/{draft.pk}/",
        {"title": "新名称", "classes": [{"id": first.pk, "capacity": 30}, _class_json(60)]},
        format="json",
    )

    assert response.status_code == 200, response.content
    assert response.json()["title"] == "新名称"
    assert [c["capacity"] for c in response.json()["classes"]] == [30, 50]


def test_submit_with_missing_fields_lists_them(base_admin, programme, designated):
    api = api_as(base_admin)
    created = api.post(
        "/api/v1/projects/",
        {"programme": programme.pk, "item": "dual_teacher_base", "title": "草稿"},
        format="json",
    ).json()

    body = error(api.post(f"/api/v1/projects/{created['id']}/submit/"), 400, "invalid")
    assert body["fields"]["classes"] == ["请至少添加一个班次。"]
    assert body["fields"]["outline"] == ["请填写内容大纲。"]


def test_jiangsu_admin_gets_404_for_a_zhejiang_project(jiangsu_admin, draft):
    error(api_as(jiangsu_admin).get(f"/api/v1/projects/{draft.pk}/"), 404, "not_found")
    listed = api_as(jiangsu_admin).get("/api/v1/projects/").json()
    assert listed["count"] == 0


def test_provincial_admin_lists_but_may_not_assign_or_publish(zhejiang_admin, expert, submitted):
    api = api_as(zhejiang_admin)
    assert api.get("/api/v1/projects/").json()["count"] == 1
    error(
        api.post(
            f"/api/v1/projects/{submitted.pk}/assign-experts/",
            {"experts": [expert.user.pk]},
            format="json",
        ),
        403,
        "not_permitted",
    )
    error(api.post("/api/v1/projects/", {"programme": 1}, format="json"), 403, "not_permitted")


def test_the_whole_review_over_the_api(national_admin, expert, submitted):
    admin = api_as(national_admin)
    assigned = admin.post(
        f"/api/v1/projects/{submitted.pk}/assign-experts/",
        {"experts": [expert.user.pk]},
        format="json",
    )
    assert assigned.json()["status"] == "in_review"

    reviewer = api_as(expert)
    tasks = reviewer.get("/api/v1/reviews/").json()
    assert tasks["count"] == 1
    review_id = tasks["results"][0]["id"]
    bad = reviewer.post(
        f"/api/v1/reviews/{review_id}/submit/",
        {"scores": {**GOOD_SCORES, "fee": 30}, "comment": "好"},
        format="json",
    )
    assert error(bad, 400, "invalid")["fields"]["score_fee"] == [
        "“收费标准”的得分应为 0～20 之间的整数。"
    ]
    done = reviewer.post(
        f"/api/v1/reviews/{review_id}/submit/",
        {"scores": GOOD_SCORES, "comment": "方案可行"},
        format="json",
    )
    assert done.status_code == 200 and done.json()["total"] == 85

    assert (
        admin.post(
            f"/api/v1/projects/{submitted.pk}/decide/", {"decision": "approve"}, format="json"
        ).json()["status"]
        == "approved"
    )
    published = admin.post(f"/api/v1/projects/{submitted.pk}/publish/")
    assert published.json()["status"] == "published"


def test_an_expert_from_the_base_is_refused_with_the_reason(national_admin, base_expert, submitted):
    body = error(
        api_as(national_admin).post(
            f"/api/v1/projects/{submitted.pk}/assign-experts/",
            {"experts": [base_expert.user.pk]},
            format="json",
        ),
        400,
        "expert_not_eligible",
    )
    assert "须回避" in body["message"]
    assert not Review.objects.exists()


def test_publishing_a_draft_is_409_and_changes_nothing(national_admin, draft):
    error(
        api_as(national_admin).post(f"/api/v1/projects/{draft.pk}/publish/"),
        409,
        "invalid_transition",
    )
    assert Project.objects.get(pk=draft.pk).status == Project.Status.DRAFT


def test_another_expert_cannot_see_or_score_the_review(tree, in_review):
    stranger = make_actor("expert_reviewer", tree["moe"], person_org=tree["nj_school"])
    review = in_review.reviews.get()
    api = api_as(stranger)
    assert api.get("/api/v1/reviews/").json()["count"] == 0
    error(
        api.post(
            f"/api/v1/reviews/{review.pk}/submit/",
            {"scores": GOOD_SCORES, "comment": "x"},
            format="json",
        ),
        404,
    )


def test_catalogue_lists_published_projects_for_teachers_with_filters(
    trainee, base_admin, programme, published
):
    draft = make_project(base_admin, programme, title="未发布")
    api = api_as(trainee)
    listed = api.get("/api/v1/catalogue/", {"region": "330000"}).json()
    assert [p["id"] for p in listed["results"]] == [published.pk]
    assert api.get("/api/v1/catalogue/", {"region": "320000"}).json()["count"] == 0
    error(api.get(f"/api/v1/catalogue/{draft.pk}/"), 404)
    error(api.get("/api/v1/catalogue/", {"starts_from": "not-a-date"}), 400, "invalid")
    detail = api.get(f"/api/v1/catalogue/{published.pk}/").json()
    assert detail["base_name"] == "杭州职业技术学院"
    assert "status_reason" not in detail


def test_a_class_date_far_outside_any_programme_is_refused(base_admin, draft):
    row = {**_class_json(), "starts_on": "9999-01-01", "ends_on": "9999-01-05"}

    response = api_as(base_admin).patch(
        f"/api/v1/projects/{draft.pk}/", {"classes": [row]}, format="json"
    )

    body = error(response, 400, "invalid")
    assert "2000 年至 2100 年" in str(body["fields"]["classes"])
    assert draft.classes.count() == 1


@pytest.mark.parametrize("typed", ["9999-01-01", "0001-01-01"])
def test_a_catalogue_date_filter_out_of_range_is_refused_with_the_range(trainee, typed):
    response = api_as(trainee).get("/api/v1/catalogue/", {"starts_until": typed})

    assert response.status_code == 400
    assert response.json()["fields"]["starts_until"] == [
        f"日期超出合理范围：请填写 2000 年至 2100 年之间的日期（现为 {typed}）。"
    ]
