"""The API: sessions, resources and progress scoped like the pages; a trainee posts only their
own progress, idempotently by event id."""

import pytest
from rest_framework.test import APIClient

from shipei.schedule.models import ProgressEvent, Resource, Session

from .conftest import at, enroll, offline


@pytest.fixture
def api():
    return APIClient()


def as_(api, actor):
    api.force_authenticate(actor.user)
    return api


@pytest.fixture
def video(cls):
    return Resource.objects.create(project=cls.project, title="课程思政", kind="video", minutes=90)


def session_body(cls, **more):
    body = {**offline(**more), "training_class": cls.pk}
    return {k: v.isoformat() if hasattr(v, "isoformat") else str(v) for k, v in body.items()}


def test_staff_schedule_over_the_api_and_a_clash_is_409_in_chinese(api, base_admin, cls):
    as_(api, base_admin)
    made = api.post("/api/v1/sessions/", session_body(cls), format="json")
    assert made.status_code == 201, made.json()
    assert made.json()["kind_label"] == "线下面授"
    clash = api.post("/api/v1/sessions/", session_body(cls, starts_at=at(0, 10)), format="json")
    assert clash.status_code == 409
    assert clash.json()["code"] == "session_clash"
    assert "同一人不能同时参加两个课次" in clash.json()["message"]
    outside = api.post(
        "/api/v1/sessions/",
        session_body(cls, starts_at=at(9, 9), ends_at=at(9, 10)),
        format="json",
    )
    assert outside.status_code == 400
    assert "培训日期" in outside.json()["fields"]["starts_at"][0]
    assert Session.objects.count() == 1


def test_sessions_are_listed_to_the_class_trainees_and_not_to_others(
    api, base_admin, trainee, teacher, cls, other_cls
):
    Session.objects.create(training_class=cls, **{**offline(), "room": "301"})
    Session.objects.create(training_class=other_cls, **offline())
    enroll(trainee.person, cls)
    mine = as_(api, trainee).get("/api/v1/sessions/").json()
    assert [s["class_name"] for s in mine["results"]] == [str(cls)]
    assert as_(api, teacher).get("/api/v1/sessions/").json()["count"] == 0
    assert as_(api, base_admin).get("/api/v1/sessions/").json()["count"] == 2
    on_day = as_(api, base_admin).get(f"/api/v1/sessions/?training_class={cls.pk}")
    assert on_day.json()["count"] == 1


def test_a_trainee_cannot_schedule(api, trainee, cls):
    enroll(trainee.person, cls)
    refused = as_(api, trainee).post("/api/v1/sessions/", session_body(cls), format="json")
    assert refused.status_code == 404  # the class is not theirs to run: as if not there
    assert not Session.objects.exists()


def test_resources_are_added_by_the_base_and_seen_by_its_trainees(api, base_admin, trainee, cls):
    made = as_(api, base_admin).post(
        "/api/v1/resources/",
        {"project": cls.project.pk, "title": "微课", "kind": "video", "minutes": 20},
        format="json",
    )
    assert made.status_code == 201
    absurd = api.post(
        "/api/v1/resources/",
        {"project": cls.project.pk, "title": "x", "kind": "video", "minutes": -3},
        format="json",
    )
    assert absurd.status_code == 400 and "时长" in absurd.json()["fields"]["minutes"][0]
    assert as_(api, trainee).get("/api/v1/resources/").json()["count"] == 0
    enroll(trainee.person, cls)
    assert [r["title"] for r in api.get("/api/v1/resources/").json()["results"]] == ["微课"]


def event(enrollment, resource, event_id="ev-1", start="0", end="30"):
    return {
        "event_id": event_id,
        "enrollment": enrollment.pk,
        "resource": resource.pk,
        "from_minute": start,
        "to_minute": end,
    }


def test_progress_is_posted_once_per_event_and_becomes_hours(api, trainee, enrolled, video):
    as_(api, trainee)
    first = api.post("/api/v1/progress/", event(enrolled, video), format="json")
    assert first.status_code == 201
    assert first.json()["watched_minutes"] == "30.0"
    again = api.post("/api/v1/progress/", event(enrolled, video), format="json")
    assert again.status_code == 200 and again.json()["replayed"] is True
    assert again.json()["watched_minutes"] == "30.0"
    late = api.post("/api/v1/progress/", event(enrolled, video, "ev-0", "15", "60"), format="json")
    assert late.json()["watched_minutes"] == "60.0"
    assert late.json()["learning_hours"] == "1.3"  # 60 / 45
    listed = api.get("/api/v1/progress/").json()["results"]
    assert [(p["resource"], p["watched_minutes"]) for p in listed] == [(video.pk, "60.0")]


def test_progress_for_another_trainee_is_refused(api, trainee, teacher, cls, video):
    theirs = enroll(teacher.person, cls)
    refused = as_(api, trainee).post("/api/v1/progress/", event(theirs, video), format="json")
    assert refused.status_code == 403
    assert refused.json()["message"] == "只能提交本人的学习记录。"
    assert not ProgressEvent.objects.exists()
    assert as_(api, trainee).get("/api/v1/progress/").json()["count"] == 0


def test_absurd_progress_is_refused_by_field(api, trainee, enrolled, video):
    as_(api, trainee)
    negative = api.post("/api/v1/progress/", event(enrolled, video, start="-1"), format="json")
    assert negative.status_code == 400
    assert "负数" in negative.json()["fields"]["from_minute"][0]
    past_end = api.post("/api/v1/progress/", event(enrolled, video, end="9999"), format="json")
    assert "超出资源时长" in past_end.json()["fields"]["to_minute"][0]
    assert not ProgressEvent.objects.exists()
