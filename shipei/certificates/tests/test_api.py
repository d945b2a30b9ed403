"""The API: the same services and scope as the pages, and the bad input each is refused."""

import json

import pytest
from rest_framework.test import APIClient

from shipei.certificates.models import Certificate
from shipei.certificates.signing import b64url, unb64url
from shipei.core.tests.api_helpers import api_as, error
from shipei.enrollment.models import Enrollment

pytestmark = pytest.mark.django_db


def test_the_base_issues_revokes_and_reissues_over_the_api(c004, issuer):
    api = api_as(issuer)
    made = api.post("/api/v1/certificates/", {"enrollment": c004.enrollments[0].pk}, format="json")
    assert made.status_code == 201 and made.json()["issuer"] == "杭州职业技术学院"
    pk = made.json()["id"]
    body = error(
        api.post("/api/v1/certificates/", {"enrollment": c004.enrollments[0].pk}, format="json"),
        409,
        "certificate_already_issued",
    )
    assert made.json()["number"] in body["message"]
    error(api.post(f"/api/v1/certificates/{pk}/revoke/", {"reason": "x"}, format="json"), 400)
    revoked = api.post(f"/api/v1/certificates/{pk}/revoke/", {"reason": "error"}, format="json")
    assert revoked.json()["status"] == "revoked"
    error(
        api.post(f"/api/v1/certificates/{pk}/revoke/", {"reason": "error"}, format="json"),
        409,
        "invalid_transition",
    )
    again = api.post(f"/api/v1/certificates/{pk}/reissue/", {}, format="json")
    assert again.status_code == 201 and again.json()["replaces"] == pk
    listed = api.get("/api/v1/certificates/", {"programme": c004.programme.pk}).json()
    assert listed["count"] == 2


def test_issuing_for_a_trainee_who_is_not_eligible_is_refused_in_chinese(c004, issuer):
    Enrollment.objects.filter(pk=c004.enrollments[0].pk).update(status=Enrollment.Status.FAILED)
    body = error(
        api_as(issuer).post(
            "/api/v1/certificates/", {"enrollment": c004.enrollments[0].pk}, format="json"
        ),
        409,
        "certificate_not_eligible",
    )
    assert "未通过结业考核" in body["message"]
    assert not Certificate.objects.exists()


def test_out_of_scope_sees_nothing_and_a_trainee_cannot_issue(c004, issuer, jiangsu_admin, trainee):
    api_as(issuer).post("/api/v1/certificates/", {"enrollment": c004.enrollments[0].pk})
    assert api_as(jiangsu_admin).get("/api/v1/certificates/").json()["count"] == 0
    error(
        api_as(jiangsu_admin).post(
            "/api/v1/certificates/", {"enrollment": c004.enrollments[1].pk}, format="json"
        ),
        404,
    )
    Enrollment.objects.filter(pk=c004.enrollments[1].pk).update(person=trainee.person)
    error(
        api_as(trainee).post(
            "/api/v1/certificates/", {"enrollment": c004.enrollments[1].pk}, format="json"
        ),
        403,
    )
    assert Certificate.objects.count() == 1


def test_public_verification_takes_a_number_a_payload_or_the_credential(c004, issuer):
    made = api_as(issuer).post(
        "/api/v1/certificates/", {"enrollment": c004.enrollments[0].pk}, format="json"
    )
    c = Certificate.objects.get(pk=made.json()["id"])
    anyone = APIClient()
    for body in ({"number": c.number}, {"payload": c.qr_payload}, {"credential": c.credential}):
        answer = anyone.post("/api/v1/certificates/verify/", body, format="json").json()
        assert answer["state"] == "valid" and answer["holder"] == c.masked_name
    head, claims, sig = c.credential.split(".")
    data = json.loads(unb64url(claims))
    data["credentialSubject"]["creditsEarned"] = 99
    altered = f"{head}.{b64url(json.dumps(data).encode())}.{sig}"
    answer = anyone.post("/api/v1/certificates/verify/", {"credential": altered}, format="json")
    assert answer.json() == {"state": "invalid", "number": ""}
    assert (
        anyone.post("/api/v1/certificates/verify/", {"number": "无此编号"}, format="json").json()[
            "state"
        ]
        == "not_found"
    )


def test_a_batch_over_the_api_reports_its_progress(
    c004, issuer, django_capture_on_commit_callbacks
):
    api = api_as(issuer)
    with django_capture_on_commit_callbacks(execute=True):
        started = api.post(
            "/api/v1/certificate-batches/",
            {"programme": c004.programme.pk, "training_class": c004.klass.pk},
            format="json",
        )
    assert started.status_code == 202
    progress = api.get(f"/api/v1/certificate-batches/{started.json()['id']}/").json()["progress"]
    assert (progress["issued"], progress["total"], progress["finished"]) == (3, 3, True)
