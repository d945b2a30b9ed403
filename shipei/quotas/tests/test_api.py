"""Quotas over the API: the same scope and services as the matrix page."""

from io import StringIO

import pytest
from django.core.management import call_command

from shipei.core.tests.api_helpers import api_as, error
from shipei.programmes.models import Programme
from shipei.quotas.models import Quota


@pytest.fixture
def programme(db) -> Programme:
    call_command("load_preset", "moe-2020-innovation-team-online", stdout=StringIO())
    return Programme.objects.get(code="moe-2020-innovation-team-online")


def test_list_is_scoped(programme, national_admin, zhejiang_admin, school_coordinator):
    rows = api_as(national_admin).get(f"/api/v1/quotas/?programme={programme.pk}&per_page=100")
    assert rows.json()["count"] == 224
    mine = api_as(zhejiang_admin).get(f"/api/v1/quotas/?programme={programme.pk}").json()
    assert {r["region_name"] for r in mine["results"]} == {"浙江省"}
    assert api_as(school_coordinator).get("/api/v1/quotas/").json()["count"] == 0


def test_split_and_refusals(programme, zhejiang_admin, jiangsu_admin):
    api = api_as(zhejiang_admin)
    body = {"programme": programme.pk, "item": "p1", "region": "330100", "seats": 40}
    created = api.post("/api/v1/quotas/set/", body, format="json")
    assert created.status_code == 200, created.content
    assert created.json()["region_name"] == "杭州市"
    zj = Quota.objects.get(programme=programme, item="p1", region_id="330000")
    assert zj.seats_split == 40
    too_many = api.post(
        "/api/v1/quotas/set/", {**body, "region": "330200", "seats": 10_000}, format="json"
    )
    assert "尚可分配" in error(too_many, 400, "quota_exceeds_parent")["message"]
    unknown = api.post("/api/v1/quotas/set/", {**body, "item": "nope"}, format="json")
    error(unknown, 400, "quota_unknown_item")
    both = api.post("/api/v1/quotas/set/", {**body, "org": 1}, format="json")
    error(both, 400, "invalid")
    other = api_as(jiangsu_admin).post("/api/v1/quotas/set/", body, format="json")
    error(other, 403)
    own = api.post("/api/v1/quotas/set/", {**body, "region": "330000", "seats": 1}, format="json")
    error(own, 403)
    zj.refresh_from_db()
    assert (zj.seats_split, Quota.objects.filter(region_id="330200").exists()) == (40, False)


def test_delete_gives_seats_back(programme, zhejiang_admin):
    api = api_as(zhejiang_admin)
    body = {"programme": programme.pk, "item": "p1", "region": "330100", "seats": 5}
    pk = api.post("/api/v1/quotas/set/", body, format="json").json()["id"]
    assert api.delete(f"/api/v1/quotas/{pk}/").status_code == 204
    assert Quota.objects.get(programme=programme, item="p1", region_id="330000").seats_split == 0


def test_apportion_preview(national_admin):
    api = api_as(national_admin)
    ok = api.post(
        "/api/v1/quotas/apportion/",
        {"seats": 10, "weights": [53, 24, 23], "method": "sainte_lague"},
        format="json",
    )
    assert ok.json() == {"seats": [6, 2, 2]}
    zero = api.post("/api/v1/quotas/apportion/", {"seats": 3, "weights": [0, 0]}, format="json")
    assert "权重之和为 0" in error(zero, 400)["message"]
