"""The API: ledger lines, claims (multipart with the proof) and transcripts, scoped like the
pages."""

import pytest
from rest_framework.test import APIClient

from shipei.credits.models import Claim, Entry
from shipei.credits.tests.conftest import claim_fields, issue, proof
from shipei.projects.tests.conftest import make_actor

pytestmark = pytest.mark.django_db


def _as(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_a_teacher_files_a_claim_and_the_school_approves_it_over_the_api(teacher, coordinator):
    filed = _as(teacher.user).post("/api/v1/credit-claims/", claim_fields(), format="multipart")
    assert filed.status_code == 201, filed.content
    pk = filed.json()["id"]
    assert filed.json()["status"] == "submitted"

    approved = _as(coordinator.user).post(f"/api/v1/credit-claims/{pk}/approve/")
    assert approved.status_code == 200 and approved.json()["status_label"] == "已通过"

    lines = _as(teacher.user).get("/api/v1/credits/").json()["results"]
    assert [(r["source"], r["hours"]) for r in lines] == [("external", "24.0")]


def test_bad_claims_over_the_api_answer_400_with_the_field_and_409_for_a_duplicate(teacher):
    api = _as(teacher.user)
    bad = api.post(
        "/api/v1/credit-claims/",
        claim_fields(hours="-1", proof=proof("a.gif", b"GIF89a")),
        format="multipart",
    )
    assert bad.status_code == 400
    assert "学时须大于 0" in str(bad.json()) and "只能是 PDF、JPG 或 PNG" in str(bad.json())
    assert api.post("/api/v1/credit-claims/", claim_fields(), format="multipart").status_code == 201
    again = api.post("/api/v1/credit-claims/", claim_fields(), format="multipart")
    assert again.status_code == 409 and "请勿重复申报" in str(again.json())
    assert Claim.objects.count() == 1


def test_another_schools_coordinator_gets_404_and_a_return_needs_a_reason(
    tree, teacher, coordinator
):
    pk = (
        _as(teacher.user)
        .post("/api/v1/credit-claims/", claim_fields(), format="multipart")
        .json()["id"]
    )
    elsewhere = make_actor("school_coordinator", tree["nj_school"])
    assert _as(elsewhere.user).post(f"/api/v1/credit-claims/{pk}/approve/").status_code == 404
    assert _as(elsewhere.user).get("/api/v1/credit-claims/").json() == []
    no_reason = _as(coordinator.user).post(f"/api/v1/credit-claims/{pk}/return/", {"reason": ""})
    assert no_reason.status_code == 400 and "须写明原因" in str(no_reason.json())
    assert not Entry.objects.exists()


def test_ledger_and_transcripts_are_scoped(c004, issuer, city_admin, jiangsu_admin):
    issued = issue(issuer, c004.enrollments[0])
    person = c004.enrollments[0].person

    lines = _as(city_admin.user).get("/api/v1/credits/", {"person": person.pk}).json()["results"]
    assert [r["number"] for r in lines] == [issued.number]
    assert _as(jiangsu_admin.user).get("/api/v1/credits/").json()["results"] == []

    mine = _as(city_admin.user).get(f"/api/v1/transcripts/people/{person.pk}/").json()
    line = mine["lines"][0]
    assert line["certificate_number"] == issued.number and line["scores"]["过程性考核"] == "88"
    assert (
        _as(jiangsu_admin.user).get(f"/api/v1/transcripts/people/{person.pk}/").status_code == 404
    )

    klass = _as(issuer.user).get(f"/api/v1/transcripts/classes/{c004.klass.pk}/").json()
    assert len(klass["lines"]) == 2
    url = f"/api/v1/transcripts/classes/{c004.klass.pk}/"
    assert _as(jiangsu_admin.user).get(url).status_code == 404
