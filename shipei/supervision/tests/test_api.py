"""Spot checks over the API: the same rules and scope as the pages."""

from rest_framework.test import APIClient

from shipei.supervision.models import Inspection, SpotCheck

from .conftest import draw, hz_inspection, photo, through

CHECKS = "/api/v1/spot-checks/"
INSPECTIONS = "/api/v1/inspections/"


def _api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_draw_over_the_api_records_seed_inputs_and_sample(world, national_admin):
    api = _api(national_admin.user)
    body = {
        "programme": world.programme.pk,
        "target": "project",
        "size_kind": "percent",
        "size_value": "30",
        "stratify": "base_kind",
        "seed": "9",
    }

    made = api.post(CHECKS, body, format="json")

    assert made.status_code == 201
    data = made.json()
    assert data["seed"] == "9" and data["population_size"] == 10 and data["sample_size"] == 3
    assert sum(s["size"] for s in data["strata"]) == 3 == len(data["sample"])
    again = api.get(f"{CHECKS}{data['id']}/reproduce/").json()
    assert again["matches"] is True and again["sample"] == data["sample"]


def test_bad_input_over_the_api_is_a_chinese_400_and_saves_nothing(world, national_admin):
    api = _api(national_admin.user)
    body = {"programme": world.programme.pk, "target": "class", "size_kind": "count"}

    too_many = api.post(CHECKS, {**body, "size_value": "11"}, format="json")

    assert too_many.status_code == 400 and too_many.json()["code"] == "bad_sample_count"
    assert "抽取数量应在 1 到 10 之间" in too_many.json()["message"]
    assert not SpotCheck.objects.exists()


def test_a_draw_outside_scope_over_the_api_is_403(world, zhejiang_admin, tree):
    api = _api(zhejiang_admin.user)
    body = {
        "programme": world.programme.pk,
        "target": "class",
        "size_kind": "count",
        "size_value": "1",
        "area": tree["js"].pk,
    }

    refused = api.post(CHECKS, body, format="json")

    assert refused.status_code == 403 and refused.json()["code"] == "outside_area"
    assert not SpotCheck.objects.exists()


def test_the_lists_are_scoped_like_the_pages(world, zhejiang_admin, jiangsu_admin, base_admin):
    spot_check = draw(zhejiang_admin, world, size_kind="percent", size_value=100)

    assert [c["id"] for c in _api(zhejiang_admin.user).get(CHECKS).json()["results"]] == [
        spot_check.pk
    ]
    assert _api(jiangsu_admin.user).get(CHECKS).json()["results"] == []
    assert _api(jiangsu_admin.user).get(f"{CHECKS}{spot_check.pk}/").status_code == 404
    # Not yet inspected: the base sees nothing of it.
    assert _api(base_admin.user).get(INSPECTIONS).json()["results"] == []


def test_an_inspection_goes_through_its_steps_over_the_api(
    world, zhejiang_admin, city_admin, base_admin, nj_base_admin
):
    inspection = hz_inspection(draw(zhejiang_admin, world, size_kind="percent", size_value=100))
    url = f"{INSPECTIONS}{inspection.pk}/"

    assigned = _api(zhejiang_admin.user).post(
        f"{url}assign/", {"inspector": city_admin.user.pk}, format="json"
    )
    assert assigned.status_code == 200 and assigned.json()["status"] == "assigned"
    bad = _api(city_admin.user).post(f"{url}record/", {"findings": "好", "rating": "6"})
    assert bad.status_code == 400 and bad.json()["code"] == "bad_rating"
    recorded = _api(city_admin.user).post(
        f"{url}record/",
        {"findings": "师资到位", "rating": "pass", "files": [photo()]},
        format="multipart",
    )
    assert recorded.status_code == 200 and recorded.json()["score"] == 70
    assert len(recorded.json()["files"]) == 1
    assert _api(nj_base_admin.user).post(f"{url}respond/", {"response": "x"}).status_code == 404
    early = _api(zhejiang_admin.user).post(f"{url}close/", {}, format="json")
    assert early.status_code == 409 and "当前状态为" in early.json()["message"]
    responded = _api(base_admin.user).post(f"{url}respond/", {"response": "已整改"})
    assert responded.json()["status"] == "responded"
    closed = _api(zhejiang_admin.user).post(f"{url}close/", {"note": "好"}, format="json")
    assert closed.json()["status"] == "closed"


def test_a_base_may_not_close_over_the_api(world, zhejiang_admin, city_admin, base_admin):
    inspection = hz_inspection(draw(zhejiang_admin, world, size_kind="percent", size_value=100))
    through(inspection, zhejiang_admin, city_admin, base_admin, "responded")

    refused = _api(base_admin.user).post(f"{INSPECTIONS}{inspection.pk}/close/", {}, format="json")

    assert refused.status_code == 403
    assert Inspection.objects.get(pk=inspection.pk).status == "responded"
