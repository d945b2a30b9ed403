"""The class endpoints: the same services as the pages, the same scope, one error shape."""

import base64

import pytest

from shipei.accounts.models import Role
from shipei.classes.models import ClassAmendment, HalfYearPlan, TrainingClass
from shipei.classes.tests.conftest import PLAN, day, half_of, line
from shipei.classes.tests.test_amendments import PDF
from shipei.core.tests.api_helpers import api_as, error
from shipei.projects.tests.conftest import make_actor


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def iso(row: dict) -> dict:
    return {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in row.items()}


def test_a_plan_and_its_class_go_through_every_step_over_the_api(
    base_admin, zhejiang_admin, national_admin, p004
):
    api = api_as(base_admin)
    year, half = half_of(day(60))
    made = api.post(
        "/api/v1/class-plans/", {"programme": p004.pk, "year": year, "half": half}, format="json"
    )
    assert made.status_code == 201, made.content.decode()
    plan = made.json()["id"]
    body = error(
        api.put(
            f"/api/v1/class-plans/{plan}/lines/",
            {"lines": [iso(line(60)), iso(line(60, capacity=31))]},
            format="json",
        ),
        400,
        "invalid",
    )
    assert body["fields"]["lines"] == ["第2行：每班不超过 30 人（政策规定的班额上限）。"]
    ok = api.put(f"/api/v1/class-plans/{plan}/lines/", {"lines": [iso(line(60))]}, format="json")
    assert ok.json()["lines"][0]["item_label"] == "二级·机械类"
    assert api.post(f"/api/v1/class-plans/{plan}/submit/").json()["status"] == "submitted"

    province = api_as(zhejiang_admin)
    decided = province.post(
        f"/api/v1/class-plans/{plan}/decide/", {"approve": True}, format="json"
    ).json()
    cls = decided["lines"][0]["training_class"]
    listed = api.get("/api/v1/classes/").json()["results"]
    assert [c["id"] for c in listed] == [cls]
    assert listed[0]["next_milestone"] == {
        "code": "class_application",
        "label": "开班申请",
        "due": day(20).isoformat(),
        "days_left": 20,
        "excepted": False,
    }
    assert api.post(f"/api/v1/classes/{cls}/move/", {"to": "applied"}).json()["status"] == "applied"
    TrainingClass.objects.filter(pk=cls).update(status=TrainingClass.Status.STAFFED)
    filed = api.post(f"/api/v1/classes/{cls}/file-plan/", PLAN, format="json")
    assert filed.json()["status"] == "plan_filed"
    error(
        province.post(f"/api/v1/classes/{cls}/review/", {"approve": False}), 400, "reason_required"
    )
    province.post(f"/api/v1/classes/{cls}/review/", {"approve": True}, format="json")
    error(province.post(f"/api/v1/classes/{cls}/record/"), 403, "not_permitted")
    recorded = api_as(national_admin).post(f"/api/v1/classes/{cls}/record/")
    assert recorded.json()["status"] == "recorded"
    opened = api.post(f"/api/v1/classes/{cls}/move/", {"to": "enrolling"})
    assert opened.json()["status_label"] == "招生中"


def test_out_of_scope_is_404_a_role_without_the_action_403_and_a_late_step_409(
    tree, base_admin, zhejiang_admin, jiangsu_admin, planned_class
):
    other = make_actor(Role.BASE_ADMIN, tree["nj_school"])
    url = f"/api/v1/classes/{planned_class.pk}/"
    error(api_as(other).get(url), 404, "not_found")
    error(api_as(jiangsu_admin).post(f"{url}move/", {"to": "applied"}), 404, "not_found")
    error(api_as(zhejiang_admin).post(f"{url}move/", {"to": "applied"}), 403, "not_permitted")
    TrainingClass.objects.filter(pk=planned_class.pk).update(starts_on=day(35), ends_on=day(43))
    body = error(api_as(base_admin).post(f"{url}move/", {"to": "applied"}), 409, "milestone_passed")
    assert "现已过 5 天" in body["message"]
    error(api_as(base_admin).post(f"{url}move/", {"to": "running"}), 409, "invalid_transition")
    excepted = api_as(zhejiang_admin).post(
        f"{url}exceptions/", {"milestone": "class_application", "reason": "延期报送"}
    )
    assert excepted.status_code == 200
    assert api_as(base_admin).post(f"{url}move/", {"to": "applied"}).status_code == 200


def test_an_unplanned_class_and_the_provinces_consent_with_a_base64_scan(
    base_admin, zhejiang_admin, p004
):
    api = api_as(base_admin)
    made = api.post(
        "/api/v1/classes/",
        {
            "programme": p004.pk,
            "item": "l1-c3",
            "starts_on": day(60).isoformat(),
            "ends_on": day(67).isoformat(),
            "capacity": 20,
            "reason": "承接省级项目",
        },
        format="json",
    )
    assert made.status_code == 201, made.content.decode()
    assert made.json()["unplanned"] and made.json()["status"] == "applied"
    addition = ClassAmendment.objects.get()
    province = api_as(zhejiang_admin)
    url = f"/api/v1/class-amendments/{addition.pk}/decide/"
    error(province.post(url, {"approve": True}, format="json"), 400, "scan_required")
    decided = province.post(
        url,
        {
            "approve": True,
            "scan_base64": base64.b64encode(PDF).decode(),
            "scan_name": "同意增补.pdf",
        },
        format="json",
    )
    assert decided.json()["status"] == "approved" and decided.json()["has_scan"]


def test_a_change_is_asked_for_over_the_api(base_admin, applied_class):
    made = api_as(base_admin).post(
        f"/api/v1/classes/{applied_class.pk}/amend/",
        {"reason": "分组教学", "staff_counts": {"授课骨干教师": 3}},
        format="json",
    )
    assert made.status_code == 201
    assert made.json()["changes"] == {"staff_counts": [{}, {"授课骨干教师": 3}]}


def test_the_execution_rate_over_the_api(zhejiang_admin, plan_approved, p004):
    TrainingClass.objects.filter(plan_line__plan=plan_approved).update(
        status=TrainingClass.Status.CLOSED
    )
    body = (
        api_as(zhejiang_admin)
        .get(f"/api/v1/class-plans/execution/?programme={p004.pk}&year={plan_approved.year}")
        .json()
    )
    assert body["total"] == {"name": "合计", "planned": 1, "ran": 1, "rate": "100.0"}
    assert HalfYearPlan.objects.count() == 1
