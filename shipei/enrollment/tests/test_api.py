"""Enrollments over the API: the same rules as the services, masked people, one error shape."""

import datetime
from typing import Any

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from shipei.accounts.models import Person, TeacherProfile
from shipei.accounts.tests.factories import PersonFactory, make_id_number
from shipei.audit.models import AuditEntry
from shipei.classes.models import TrainingClass
from shipei.core.tests.api_helpers import api_as, error
from shipei.enrollment.models import Enrollment
from shipei.orgs.models import Region
from shipei.programmes.models import Programme
from shipei.projects.models import Project
from shipei.quotas.models import Quota

URL = "/api/v1/enrollments/"


def policy() -> dict[str, Any]:
    return {
        "items": [
            {
                "code": "k1",
                "label": "骨干教师培训",
                "kind": "training_kind",
                "registration": {"opens": "2020-01-01", "closes": "2099-12-31"},
                "eligibility": {"min_years_teaching": 5, "titles": ["intermediate", "senior"]},
            },
            {"code": "k2", "label": "青年教师研修", "kind": "training_kind"},
            {
                "code": "k3",
                "label": "已截止的项目",
                "kind": "training_kind",
                "registration": {"opens": "2020-01-01", "closes": "2020-01-31"},
            },
        ],
        "enrollment": {
            "channels": ["nomination", "self_registration"],
            "approval_chain": [
                {"role": "city_admin", "label": "设区市教育局审核"},
                {"role": "provincial_admin", "label": "省教育厅确认"},
            ],
        },
        "quota": {"scope": "city"},
    }


@pytest.fixture
def programme(tree) -> Programme:
    return Programme.objects.create(code="api", title="接口测试计划", year=2026, policy=policy())


@pytest.fixture
def quota(programme) -> Quota:
    return Quota.objects.create(
        programme=programme, item="k1", seats=3, region=Region.objects.get(code="330100")
    )


def teacher(org, *, years: int = 8, title: str = "intermediate") -> Person:
    person = PersonFactory(org=org)
    TeacherProfile.objects.create(
        person=person, years_teaching=years, title=title, teaching_major="机电技术应用"
    )
    return person


def submit(api: APIClient, programme: Programme, person: Person, **body: Any) -> Any:
    headers = body.pop("headers", {})
    payload = {"programme": programme.pk, "item": "k1", "person": person.pk, **body}
    return api.post(URL, payload, format="json", headers=headers)


def enrolled(api: APIClient, programme: Programme, person: Person) -> dict[str, Any]:
    response = submit(api, programme, person)
    assert response.status_code == 201, response.content.decode()
    return response.json()


def test_nominator_submits_and_the_answer_shows_the_step_and_a_masked_person(
    programme, quota, tree, school_coordinator
):
    person = teacher(tree["hz_school"])
    api = api_as(school_coordinator)

    body = enrolled(api, programme, person)

    assert body["status"] == "submitted" and body["channel"] == "nomination"
    assert body["item_label"] == "骨干教师培训" and body["holds_seat"] is True
    assert body["next_step"] == {"label": "设区市教育局审核", "role": "市级管理员"}
    assert [h["action"] for h in body["history"]] == ["submitted"]
    assert "*" in body["person"]["id_number"] and "*" in body["person"]["mobile"]
    assert body["person"]["id_number"] != person._id_number()
    quota.refresh_from_db()
    assert quota.seats_held == 1


def test_nominator_enrolls_by_id_number_registering_a_new_teacher_at_its_school(
    programme, quota, tree, school_coordinator
):
    number = make_id_number()
    api = api_as(school_coordinator)
    payload = {
        "programme": programme.pk,
        "item": "k1",
        "id_number": number,
        "name": "王 小明",
        "mobile": "13900001111",
        "teacher": {"title": "senior", "years_teaching": 10, "teaching_major": "数控技术"},
    }

    response = api.post(URL, payload, format="json")

    assert response.status_code == 201, response.content.decode()
    person = Person.objects.get(pk=response.json()["person"]["id"])
    assert (person.org, person.name, person._id_number()) == (tree["hz_school"], "王小明", number)
    # The same number again finds the same teacher: enrolled once per item.
    error(api.post(URL, payload, format="json"), 409, "already_enrolled")
    assert Person.objects.filter(name="王小明").count() == 1
    payload.update(item="k2", name="王大明")
    body = error(api.post(URL, payload, format="json"), 400, "invalid")
    assert "姓名" in str(body["fields"]["name"])


def test_a_person_id_and_an_id_number_are_one_or_the_other(programme, tree, school_coordinator):
    api = api_as(school_coordinator)
    body = error(api.post(URL, {"programme": programme.pk, "item": "k1"}), 400, "invalid")
    assert "person" in body["fields"]
    bad = {"programme": programme.pk, "item": "k1", "id_number": "123", "name": "张三"}
    assert "id_number" in error(api.post(URL, bad), 400, "invalid")["fields"]


def test_an_id_number_sent_as_a_json_number_is_asked_for_as_text(
    programme, tree, school_coordinator
):
    number = int(make_id_number(seq=1)[:17] + "0")  # digits only: a number a client might send
    payload = {"programme": programme.pk, "item": "k1", "id_number": number, "name": "张三"}

    body = error(api_as(school_coordinator).post(URL, payload, format="json"), 400, "invalid")

    assert "请以文本（字符串）提交" in body["fields"]["id_number"][0]
    assert not Person.objects.filter(name="张三").exists()


def test_teacher_self_registers_with_its_own_record_only(programme, quota, tree, trainee):
    TeacherProfile.objects.create(person=trainee.person, years_teaching=6, title="senior")
    api = api_as(trainee)

    body = enrolled(api, programme, trainee.person)

    assert body["channel"] == "self_registration"
    other = teacher(tree["hz_school"])
    error(submit(api, programme, other), 400, "invalid")  # not visible: an unknown id
    error(  # by ID number: only for nominators
        api.post(
            URL,
            {"programme": programme.pk, "item": "k2", "id_number": make_id_number(), "name": "李"},
        ),
        403,
        "not_permitted",
    )
    listed = api.get(URL).json()
    assert [e["id"] for e in listed["results"]] == [body["id"]]


def test_a_retry_with_the_same_idempotency_key_creates_nothing_new(
    programme, quota, tree, school_coordinator, city_admin
):
    person = teacher(tree["hz_school"])
    api = api_as(school_coordinator)
    headers = {"Idempotency-Key": "list-2026-0001"}

    first = submit(api, programme, person, headers=headers)
    again = submit(api, programme, person, headers=headers)

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert Enrollment.objects.count() == 1
    quota.refresh_from_db()
    assert quota.seats_held == 1
    # The same key for another teacher is a client error, not a silent replay.
    body = error(submit(api, programme, teacher(tree["hz_school"]), headers=headers), 400)
    assert "Idempotency-Key" in body["fields"]
    # Keys are per caller: another caller's identical key is a new request.
    other = teacher(tree["hz_school"])
    assert submit(api_as(city_admin), programme, other, headers=headers).status_code == 201


def test_the_201_answer_is_the_stored_enrollment_without_reading_it_back(
    programme, quota, tree, school_coordinator
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    person = teacher(tree["hz_school"])
    api = api_as(school_coordinator)

    with CaptureQueriesContext(connection) as queries:
        created = submit(api, programme, person, headers={"Idempotency-Key": "cheap-1"})

    assert created.status_code == 201, created.content.decode()
    sql = [q["sql"] for q in queries.captured_queries]
    reads = [s for s in sql if s.startswith("SELECT")]
    # The key is not looked up but stored with the row; no history or enrollment read back, no
    # quota joins, no programme read (the cache had it) beyond the first time.
    assert not [s for s in reads if "submission_key" in s]
    assert [s for s in sql if s.startswith('INSERT INTO "enrollment_enrollment"')]
    assert not [s for s in reads if 'FROM "enrollment_enrollment' in s]
    assert not [s for s in reads if 'FROM "quotas_quota"' in s and "JOIN" in s]
    shown = api.get(f"{URL}{created.json()['id']}/").json()
    assert created.json() == shown


def test_refusals_carry_status_code_and_chinese_message(programme, quota, tree, school_coordinator):
    api = api_as(school_coordinator)
    person = teacher(tree["hz_school"])
    enrolled(api, programme, person)

    error(submit(api, programme, person), 409, "already_enrolled")
    error(submit(api, programme, teacher(tree["hz_school"]), item="k3"), 400, "enrollment_closed")
    novice = teacher(tree["hz_school"], years=2)
    assert "教龄" in error(submit(api, programme, novice), 400, "not_eligible")["message"]
    error(submit(api, programme, person, channel="signup_table"), 400, "channel_not_open")
    enrolled(api, programme, teacher(tree["hz_school"]))
    enrolled(api, programme, teacher(tree["hz_school"]))
    body = error(submit(api, programme, teacher(tree["hz_school"])), 409, "quota_exhausted")
    assert "名额已用完" in body["message"]
    assert Enrollment.objects.count() == 3
    quota.refresh_from_db()
    assert quota.seats_held == 3


def test_a_full_class_refuses_with_409(programme, tree, school_coordinator):
    project = Project.objects.create(
        programme=programme,
        item="k1",
        base=tree["hz_base"],
        title="骨干教师培训班",
        status=Project.Status.PUBLISHED,
    )
    day = datetime.date(2026, 7, 1)
    klass = TrainingClass.objects.create(
        project=project, seq=1, starts_on=day, ends_on=day, capacity=1
    )
    api = api_as(school_coordinator)

    body = enrolled(api, programme, teacher(tree["hz_school"]))
    assert body["class_label"] == "" and body["training_class"] is None
    first = submit(api, programme, teacher(tree["hz_school"]), training_class=klass.pk)
    assert first.status_code == 201 and first.json()["class_label"] == "骨干教师培训班 第1期"
    error(
        submit(api, programme, teacher(tree["hz_school"]), training_class=klass.pk),
        409,
        "class_full",
    )
    klass.refresh_from_db()
    assert klass.seats_taken == 1


def test_the_chain_is_taken_step_by_step_by_the_right_roles(
    programme, quota, tree, school_coordinator, city_admin, zhejiang_admin, jiangsu_admin
):
    e = enrolled(api_as(school_coordinator), programme, teacher(tree["hz_school"]))
    url = f"{URL}{e['id']}/"

    error(api_as(jiangsu_admin).post(url + "approve/"), 404, "not_found")
    body = error(api_as(zhejiang_admin).post(url + "approve/"), 403, "not_your_step")
    assert "设区市教育局审核" in body["message"]
    error(api_as(school_coordinator).post(url + "approve/"), 403, "not_your_step")
    assert api_as(city_admin).get(url).json()["may_decide"] is True

    after = api_as(city_admin).post(url + "approve/", {"reason": "材料齐全"}).json()
    assert (after["step"], after["step_label"]) == (1, "省教育厅确认")
    final = api_as(zhejiang_admin).post(url + "approve/").json()

    assert final["status"] == "admitted" and final["next_step"] is None
    assert [h["action"] for h in final["history"]] == ["submitted", "approved", "approved"]
    assert final["history"][1]["reason"] == "材料齐全"
    error(api_as(zhejiang_admin).post(url + "approve/"), 409, "invalid_transition")


def test_rejection_needs_a_reason_and_frees_the_seat(
    programme, quota, tree, school_coordinator, city_admin
):
    e = enrolled(api_as(school_coordinator), programme, teacher(tree["hz_school"]))
    url = f"{URL}{e['id']}/reject/"

    error(api_as(city_admin).post(url, {}), 400, "reason_required")
    body = api_as(city_admin).post(url, {"reason": "不符合条件"}).json()

    assert (body["status"], body["holds_seat"], body["reason"]) == ("rejected", False, "不符合条件")
    quota.refresh_from_db()
    assert quota.seats_held == 0


def test_returned_enrollment_is_resubmitted_by_its_nominator(
    programme, quota, tree, school_coordinator, city_admin, jiangsu_admin
):
    e = enrolled(api_as(school_coordinator), programme, teacher(tree["hz_school"]))
    url = f"{URL}{e['id']}/"

    returned = api_as(city_admin).post(url + "return/", {"reason": "请补充职务"}).json()
    assert returned["status"] == "returned"
    assert returned["next_step"] == {"label": "退回修改", "role": "报名人"}
    error(api_as(jiangsu_admin).post(url + "resubmit/"), 404, "not_found")
    again = api_as(school_coordinator).post(url + "resubmit/").json()

    assert (again["status"], again["step"]) == ("submitted", 0)
    error(api_as(school_coordinator).post(url + "resubmit/"), 409, "invalid_transition")


def test_withdrawal_frees_the_seat_for_the_next_teacher(
    programme, quota, tree, school_coordinator, trainee
):
    api = api_as(school_coordinator)
    people = [teacher(tree["hz_school"]) for _ in range(3)]
    first, *_ = [enrolled(api, programme, p) for p in people]
    error(submit(api, programme, teacher(tree["hz_school"])), 409, "quota_exhausted")
    error(api_as(trainee).post(f"{URL}{first['id']}/withdraw/"), 404)  # someone else's

    body = api.post(f"{URL}{first['id']}/withdraw/", {"reason": "工作冲突"}).json()

    assert (body["status"], body["holds_seat"]) == ("withdrawn", False)
    enrolled(api, programme, teacher(tree["hz_school"]))


def test_batch_decision_is_all_or_nothing(programme, quota, tree, school_coordinator, city_admin):
    api = api_as(school_coordinator)
    a, b, c = (enrolled(api, programme, teacher(tree["hz_school"])) for _ in range(3))
    admin = api_as(city_admin)
    admin.post(f"{URL}{b['id']}/approve/")  # b now waits at the province's step

    error(admin.post(URL + "decide/", {"ids": [a["id"], b["id"]], "decision": "approve"}), 403)
    assert Enrollment.objects.get(pk=a["id"]).step == 0
    error(admin.post(URL + "decide/", {"ids": [a["id"], 999999], "decision": "approve"}), 404)
    error(admin.post(URL + "decide/", {"ids": [], "decision": "approve"}), 400, "invalid")

    body = admin.post(
        URL + "decide/", {"ids": [c["id"], a["id"]], "decision": "approve"}, format="json"
    ).json()

    assert body["count"] == 2
    assert [(e["id"], e["step"]) for e in body["results"]] == sorted([(a["id"], 1), (c["id"], 1)])


def test_list_is_scoped_and_filtered(
    programme, quota, tree, school_coordinator, city_admin, jiangsu_admin, base_admin
):
    api = api_as(school_coordinator)
    e1 = enrolled(api, programme, teacher(tree["hz_school"]))
    e2 = api.post(
        URL, {"programme": programme.pk, "item": "k2", "person": teacher(tree["hz_school"]).pk}
    ).json()
    api_as(city_admin).post(f"{URL}{e1['id']}/approve/")

    def ids(actor: Any, query: str = "") -> list[int]:
        response = api_as(actor).get(URL + query)
        assert response.status_code == 200, response.content.decode()
        return [e["id"] for e in response.json()["results"]]

    assert ids(city_admin) == [e2["id"], e1["id"]]
    assert ids(city_admin, "?item=k1") == [e1["id"]]
    assert ids(city_admin, "?status=submitted&item=k2") == [e2["id"]]
    assert ids(city_admin, f"?programme={programme.pk}&org={tree['hz'].pk}") == [e2["id"], e1["id"]]
    assert ids(city_admin, f"?org={tree['nj_school'].pk}") == []
    assert ids(jiangsu_admin) == [] and ids(base_admin) == []
    error(api_as(jiangsu_admin).get(f"{URL}{e1['id']}/"), 404, "not_found")
    error(api_as(city_admin).get(URL + "?status=nonsense"), 400, "invalid")
    error(api_as(city_admin).get(URL + "?programme=abc"), 400, "invalid")


def test_token_callers_use_the_same_endpoints_and_anonymous_calls_get_401(
    programme, quota, tree, school_coordinator
):
    token = Token.objects.create(user=school_coordinator.user)
    api = APIClient()
    error(submit(api, programme, teacher(tree["hz_school"])), 401)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert submit(api, programme, teacher(tree["hz_school"])).status_code == 201


def test_an_id_number_outside_ones_scope_answers_the_same_whatever_the_name(
    programme, quota, tree, school_coordinator
):
    number = make_id_number()
    other = PersonFactory(org=tree["nj_school"], name="钱浩", id_number=number)
    api = api_as(school_coordinator)
    answers = []
    for name in ("钱浩", "某某某"):
        payload = {"programme": programme.pk, "item": "k1", "id_number": number, "name": name}
        answers.append(error(api.post(URL, payload, format="json"), 400, "invalid")["fields"])
    assert answers[0] == answers[1]  # the name is never compared outside scope
    assert "无法在此登记" in str(answers[0]) and "南京" not in str(answers[0])
    assert not Enrollment.objects.filter(person=other).exists()
    # Each attempt stays in the log, though the submission was refused.
    refused = AuditEntry.objects.filter(action="person.number_refused")
    assert [e.actor for e in refused] == [school_coordinator.user] * 2


def test_a_form_post_with_the_teachers_details_is_read_whole(
    programme, quota, tree, school_coordinator
):
    """Form input names nested fields "teacher.title" and so on: they must not be dropped."""
    payload = {
        "programme": programme.pk,
        "item": "k1",
        "id_number": make_id_number(),
        "name": "林晓",
        "teacher.title": "senior",
        "teacher.years_teaching": "10",
        "teacher.teaching_major": "数控技术",
    }

    response = api_as(school_coordinator).post(URL, payload, format="multipart")

    assert response.status_code == 201, response.content.decode()
    profile = Person.objects.get(name="林晓").teacher_profile
    assert (profile.title, profile.years_teaching) == ("senior", 10)


def test_the_submission_is_documented_as_safe_to_retry_when_busy(client, national_admin):
    client.force_login(national_admin.user)  # the schema needs a login
    spec = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    create = spec["paths"]["/api/v1/enrollments/"]["post"]

    busy = create["responses"]["503"]
    assert busy["headers"]["Retry-After"]["schema"]["type"] == "integer"
    assert busy["content"]["application/json"]["schema"]["$ref"].endswith("/SystemBusyError")
    assert "Idempotency-Key" in busy["description"]
    (key,) = [p for p in create["parameters"] if p["name"] == "Idempotency-Key"]
    assert "重试" in key["description"] and "不会重复报名" in key["description"]
