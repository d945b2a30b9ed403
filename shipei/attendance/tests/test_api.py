"""/api/v1/attendance/: the grid in one call, the check-in with the room's code, the records
and standings in scope; refusals in the API's error shape."""

import datetime

from django.utils import timezone
from rest_framework.test import APIClient

from shipei.attendance import qr
from shipei.attendance.models import AttendanceRecord


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_grid_marks_a_session_and_the_list_shows_it(base_admin, trainees, sessions):
    client = api(base_admin.user)
    body = {
        "session": sessions["analysis"].pk,
        "marks": [{"enrollment": t.enrollment.pk, "status": "present"} for t in trainees],
    }
    response = client.post("/api/v1/attendance/grid/", body, format="json")
    assert response.status_code == 200 and response.json() == {
        "created": 3,
        "changed": 0,
        "unchanged": 0,
    }
    listed = client.get(
        "/api/v1/attendance/", {"session": sessions["analysis"].pk, "status": "present"}
    ).json()
    assert listed["count"] == 3 and {r["hours"] for r in listed["results"]} == {"4.0"}


def test_the_grid_refuses_someone_not_on_the_roster_and_a_future_session(
    base_admin, trainees, sessions
):
    client = api(base_admin.user)
    stranger = {
        "session": sessions["analysis"].pk,
        "marks": [{"enrollment": 999999, "status": "present"}],
    }
    response = client.post("/api/v1/attendance/grid/", stranger, format="json")
    assert response.status_code == 400 and response.json()["code"] == "not_on_roster"
    future = {
        "session": sessions["tomorrow"].pk,
        "marks": [{"enrollment": trainees[0].enrollment.pk, "status": "leave"}],
    }
    response = client.post("/api/v1/attendance/grid/", future, format="json")
    assert response.status_code == 409 and "尚未开始" in response.json()["message"]
    assert not AttendanceRecord.objects.exists()


def test_out_of_scope_is_404_and_a_role_that_only_sees_is_403(
    jiangsu_admin, zhejiang_admin, trainees, sessions
):
    body = {
        "session": sessions["analysis"].pk,
        "marks": [{"enrollment": trainees[0].enrollment.pk, "status": "present"}],
    }
    assert (
        api(jiangsu_admin.user).post("/api/v1/attendance/grid/", body, format="json").status_code
        == 404
    )
    assert (
        api(zhejiang_admin.user).post("/api/v1/attendance/grid/", body, format="json").status_code
        == 403
    )
    cls = sessions["analysis"].training_class_id
    assert (
        api(jiangsu_admin.user)
        .get(f"/api/v1/attendance/standings/?training_class={cls}")
        .status_code
        == 404
    )


def test_a_trainee_checks_in_with_the_code_and_sees_only_their_record(trainees, sessions):
    session = sessions["now"]
    code = qr.code_for(session.pk, timezone.now())
    client = api(trainees[0].user)
    body = {"session": session.pk, "slot": code.slot, "sig": code.sig}
    first = client.post("/api/v1/attendance/check-in/", body, format="json")
    again = client.post("/api/v1/attendance/check-in/", body, format="json")
    assert first.status_code == 200 and first.json()["created"] is True
    assert first.json()["record"]["status"] == "late"
    assert again.json()["created"] is False
    assert client.get("/api/v1/attendance/").json()["count"] == 1
    assert api(trainees[1].user).get("/api/v1/attendance/").json()["count"] == 0


def test_forged_expired_and_other_session_codes_are_refused(trainees, sessions):
    now = timezone.now()
    client = api(trainees[0].user)
    session = sessions["now"]
    old = qr.code_for(session.pk, now - datetime.timedelta(seconds=90))
    other = qr.code_for(sessions["design"].pk, now)
    cases = [
        ({"slot": qr.slot_at(now), "sig": "0" * 20}, "check_in_code_invalid"),
        ({"slot": old.slot, "sig": old.sig}, "check_in_code_expired"),
        ({"slot": other.slot, "sig": other.sig}, "check_in_code_invalid"),
    ]
    for body, code in cases:
        response = client.post(
            "/api/v1/attendance/check-in/", {"session": session.pk, **body}, format="json"
        )
        assert response.status_code == 400 and response.json()["code"] == code, body
    assert not AttendanceRecord.objects.exists()


def test_the_standings_say_who_may_be_assessed(base_admin, trainees, sessions):
    client = api(base_admin.user)
    client.post(
        "/api/v1/attendance/grid/",
        {
            "session": sessions["analysis"].pk,
            "marks": [{"enrollment": trainees[0].enrollment.pk, "status": "absent"}],
        },
        format="json",
    )
    client.post(
        "/api/v1/attendance/grid/",
        {
            "session": sessions["design"].pk,
            "marks": [{"enrollment": trainees[0].enrollment.pk, "status": "absent"}],
        },
        format="json",
    )
    found = client.get(
        f"/api/v1/attendance/standings/?training_class={sessions['design'].training_class_id}"
    ).json()
    barred = {row["trainee"]: row["barred"] for row in found}
    assert barred[trainees[0].person.name] is True and barred[trainees[1].person.name] is False
