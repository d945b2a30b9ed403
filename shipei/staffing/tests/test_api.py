import datetime

import pytest

from shipei.accounts.tests.factories import make_id_number
from shipei.core.tests.api_helpers import api_as, error
from shipei.staffing import services
from shipei.staffing.models import Assignment, CoreTeacher

from .conftest import make_class, user_of

pytestmark = pytest.mark.django_db


class Who:
    def __init__(self, user):
        self.user = user


def test_the_pool_over_the_api_is_scoped_like_the_pages(
    zhejiang_admin, jiangsu_admin, pool, programme
):
    zj = api_as(zhejiang_admin).get("/api/v1/core-teachers/", {"category": "机械类"}).json()
    ids = {row["id"] for row in zj["results"]}
    assert pool[2].pk in ids and pool[0].pk not in ids
    assert api_as(jiangsu_admin).get(f"/api/v1/core-teachers/{pool[2].pk}/").status_code == 404


def test_a_core_teacher_is_added_and_changed_over_the_api(zhejiang_admin, programme, tree):
    api = api_as(zhejiang_admin)
    body = {
        "name": "林海",
        "id_number": make_id_number(),
        "home": tree["hz_school"].pk,
        "teaches": True,
        "assesses": False,
        "categories": ["机械类"],
        "levels": ["三级"],
    }
    created = api.post("/api/v1/core-teachers/", body, format="json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]

    bad = api.put(
        f"/api/v1/core-teachers/{pk}/",
        {**body, "categories": ["烹饪类"]},
        format="json",
    )
    assert "categories" in error(bad, 400)["fields"]
    changed = api.put(f"/api/v1/core-teachers/{pk}/", {**body, "is_active": False}, format="json")
    assert changed.json()["is_active"] is False


def test_a_base_admin_cannot_list_the_pool(base_admin, programme):
    error(api_as(base_admin).get("/api/v1/core-teachers/"), 403, "not_permitted")


def test_recommend_invite_accept_and_decline_over_the_api(base_admin, klass, pool):
    api = api_as(base_admin)
    staffing = api.post(f"/api/v1/staffing-classes/{klass.pk}/recommend/").json()
    assert [r["places"] for r in staffing["roles"]] == [2, 3]
    assert staffing["open_reasons"] == []
    ids = [a["id"] for r in staffing["roles"] for a in r["rows"]]
    mine = Assignment.objects.filter(pk__in=ids, core_teacher__in=pool[:3])[:2]
    first, second = list(mine)
    assert api.post(f"/api/v1/core-assignments/{first.pk}/invite/").json()["status"] == "invited"
    api.post(f"/api/v1/core-assignments/{second.pk}/invite/")

    teacher_api = api_as(Who(user_of(first.core_teacher)))
    listed = teacher_api.get("/api/v1/core-assignments/").json()["results"]
    assert [a["id"] for a in listed] == [first.pk]  # only their own, never the proposals
    assert (
        teacher_api.post(f"/api/v1/core-assignments/{first.pk}/accept/").json()["status"]
        == "accepted"
    )
    error(teacher_api.post(f"/api/v1/core-assignments/{second.pk}/accept/"), 404)

    declined = api_as(Who(user_of(second.core_teacher))).post(
        f"/api/v1/core-assignments/{second.pk}/decline/", {"reason": "出差"}, format="json"
    )
    assert declined.json()["assignment"]["status"] == "declined"


def test_inviting_a_teacher_held_elsewhere_is_a_409_with_the_reason(
    base_admin, programme, klass, pool, tree
):
    services.class_recommend(actor=base_admin.user, training_class=klass)
    held = Assignment.objects.filter(training_class=klass).first()
    services.assignment_invite(actor=base_admin.user, assignment=held)
    other = make_class(programme, tree["hz_base"], start=klass.ends_on)
    clash = Assignment.objects.create(
        training_class=other,
        core_teacher=held.core_teacher,
        role=held.role,
        source=Assignment.Source.RECOMMENDATION,
        busy_from=other.starts_on - datetime.timedelta(days=1),
        busy_until=other.ends_on,
    )
    body = error(
        api_as(base_admin).post(f"/api/v1/core-assignments/{clash.pk}/invite/"),
        409,
        "core_teacher_busy",
    )
    assert held.core_teacher.person.name in body["message"]


def test_a_half_year_is_staffed_over_the_api(national_admin, zhejiang_admin, programme, pool, tree):
    make_class(programme, tree["hz_base"], start=datetime.date(2026, 3, 2))
    body = {"programme": programme.pk, "year": 2026, "half": 1}
    run = api_as(national_admin).post("/api/v1/staffing-runs/", body, format="json")
    assert run.status_code == 202 and run.json()["state"] == "done"
    assert (run.json()["staffed"], run.json()["classes"], run.json()["open_classes"]) == (1, 1, [])
    refused = api_as(zhejiang_admin).post("/api/v1/staffing-runs/", body, format="json")
    assert "programme" in error(refused, 400)["fields"]


def test_preferences_over_the_api_name_unknown_teachers(base_admin, klass, pool):
    api = api_as(base_admin)
    body = error(
        api.post(
            f"/api/v1/staffing-classes/{klass.pk}/preferences/",
            {"core_teachers": [999999]},
            format="json",
        ),
        400,
    )
    assert "core_teachers" in body["fields"]
    ok = api.post(
        f"/api/v1/staffing-classes/{klass.pk}/preferences/",
        {"core_teachers": [pool[3].pk]},
        format="json",
    )
    assert ok.json()["preferred"] == [pool[3].pk]
    assert CoreTeacher.objects.count() == 8


def test_a_home_outside_the_callers_area_is_refused(jiangsu_admin, programme, tree):
    body = {
        "name": "林海",
        "id_number": make_id_number(),
        "home": tree["hz_school"].pk,
        "teaches": True,
        "assesses": True,
        "categories": ["机械类"],
    }
    refused = api_as(jiangsu_admin).post("/api/v1/core-teachers/", body, format="json")
    assert "home" in error(refused, 400)["fields"]
    assert not CoreTeacher.objects.exists()
