"""People, tokens and /me over /api/v1/: scope, masking, the audited reveal, validation."""

import re
from typing import Any

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from shipei.accounts.models import Person, Role, RoleAssignment, TeacherProfile
from shipei.accounts.selectors import identifier_token
from shipei.accounts.tests.factories import PersonFactory, make_id_number
from shipei.audit.models import AuditEntry
from shipei.core.identifiers import id_check_digit
from shipei.core.tests.api_helpers import CHINESE, api_as, error
from shipei.orgs.models import Organisation

MASKED_ID = re.compile(r"^\d{6}\*{8}\d{3}[\dX]$")
MASKED_MOBILE = re.compile(r"^1\d{2}\*{4}\d{4}$")


def listed(response: Any) -> set[int]:
    assert response.status_code == 200
    return {row["id"] for row in response.json()["results"]}


@pytest.fixture
def hz_teacher(tree: dict[str, Organisation]) -> Person:
    return PersonFactory(org=tree["hz_school"], name="杭州教师", teacher={"title": "senior"})


@pytest.fixture
def hz_base_teacher(tree: dict[str, Organisation]) -> Person:
    return PersonFactory(org=tree["hz_base"], name="基地教师")


@pytest.fixture
def nj_teacher(tree: dict[str, Organisation]) -> Person:
    return PersonFactory(org=tree["nj_school"], name="南京教师")


@pytest.fixture
def new_person(tree: dict[str, Organisation]) -> dict[str, Any]:
    return {
        "name": "王建国",
        "id_number": make_id_number(birth="19850312"),
        "mobile": "13812345678",
        "org": tree["hz_school"].pk,
        "teacher": {"title": "intermediate", "teaching_major": "数控技术应用"},
    }


def reveal(api: APIClient, person: Person, field: str = "id_number") -> Any:
    return api.post(f"/api/v1/people/{person.pk}/reveal/", {"field": field}, format="json")


# Reading: scope


def test_zhejiang_admin_lists_zhejiang_people_only(
    zhejiang_admin: Any, hz_teacher: Person, hz_base_teacher: Person, nj_teacher: Person
) -> None:
    ids = listed(api_as(zhejiang_admin).get("/api/v1/people/", {"per_page": 100}))

    assert {hz_teacher.pk, hz_base_teacher.pk, zhejiang_admin.person.pk} <= ids
    assert nj_teacher.pk not in ids
    assert all(
        p.org.path.startswith(zhejiang_admin.org.path) for p in Person.objects.filter(pk__in=ids)
    )


def test_school_coordinator_lists_its_schools_people_only(
    school_coordinator: Any, hz_teacher: Person, hz_base_teacher: Person, nj_teacher: Person
) -> None:
    ids = listed(api_as(school_coordinator).get("/api/v1/people/", {"per_page": 100}))

    assert ids == set(
        Person.objects.filter(org=school_coordinator.org).values_list("pk", flat=True)
    )
    assert hz_teacher.pk in ids
    assert hz_base_teacher.pk not in ids and nj_teacher.pk not in ids


def test_school_coordinator_gets_404_for_another_schools_person(
    school_coordinator: Any, hz_base_teacher: Person
) -> None:
    response = api_as(school_coordinator).get(f"/api/v1/people/{hz_base_teacher.pk}/")

    error(response, 404, "not_found")
    assert "基地教师" not in response.content.decode()


def test_jiangsu_admin_gets_404_for_a_zhejiang_person(
    jiangsu_admin: Any, hz_teacher: Person
) -> None:
    api = api_as(jiangsu_admin)
    outside = api.get(f"/api/v1/people/{hz_teacher.pk}/")
    missing = api.get("/api/v1/people/999999/")

    error(outside, 404, "not_found")
    assert outside.json() == missing.json()
    assert "杭州教师" not in outside.content.decode()


def test_jiangsu_admin_gets_404_patching_a_zhejiang_person(
    jiangsu_admin: Any, hz_teacher: Person
) -> None:
    response = api_as(jiangsu_admin).patch(
        f"/api/v1/people/{hz_teacher.pk}/", {"name": "改名"}, format="json"
    )

    error(response, 404, "not_found")
    hz_teacher.refresh_from_db()
    assert hz_teacher.name == "杭州教师"
    assert not AuditEntry.objects.filter(action="person.updated").exists()


def test_search_by_full_id_number_or_mobile_is_posted_and_finds_only_people_in_scope(
    zhejiang_admin: Any, hz_teacher: Person, nj_teacher: Person
) -> None:
    api = api_as(zhejiang_admin)

    def search(q: str) -> set[int]:
        return listed(api.post("/api/v1/people/search/", {"q": q}, format="json"))

    assert search(hz_teacher._id_number()) == {hz_teacher.pk}
    assert search(hz_teacher._id_number().lower()) == {hz_teacher.pk}
    assert search(hz_teacher._mobile()) == {hz_teacher.pk}
    assert search(nj_teacher._id_number()) == set()
    assert search(nj_teacher._mobile()) == set()
    assert search("杭州") == {hz_teacher.pk}


@pytest.mark.parametrize("which", ["id_number", "mobile"])
def test_a_full_number_in_the_list_url_is_refused_and_points_to_the_posted_search(
    zhejiang_admin: Any, hz_teacher: Person, which: str
) -> None:
    number = hz_teacher._id_number() if which == "id_number" else hz_teacher._mobile()

    response = api_as(zhejiang_admin).get("/api/v1/people/", {"q": number})

    body = error(response, 400, "identifier_in_url")
    assert "POST /api/v1/people/search/" in body["message"]
    assert "杭州教师" not in response.content.decode()


def test_a_search_url_may_carry_the_numbers_keyed_hash_as_the_page_search_does(
    zhejiang_admin: Any, hz_teacher: Person
) -> None:
    token = identifier_token(hz_teacher._id_number())

    response = api_as(zhejiang_admin).get("/api/v1/people/", {"q": token})

    assert listed(response) == {hz_teacher.pk}


def test_the_posted_search_needs_a_term_and_is_in_the_schema(zhejiang_admin: Any) -> None:
    api = api_as(zhejiang_admin)

    refused = api.post("/api/v1/people/search/", {}, format="json")
    spec = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()

    assert "q" in error(refused, 400, "invalid")["fields"]
    assert "post" in spec["paths"]["/api/v1/people/search/"]
    (q,) = [p for p in spec["paths"]["/api/v1/people/"]["get"]["parameters"] if p["name"] == "q"]
    assert "POST /api/v1/people/search/" in q["description"]


# Reading: masking


def test_list_and_detail_show_id_numbers_and_mobiles_masked(
    zhejiang_admin: Any, hz_teacher: Person
) -> None:
    api = api_as(zhejiang_admin)
    number, mobile = hz_teacher._id_number(), hz_teacher._mobile()

    rows = api.get("/api/v1/people/", {"per_page": 100})
    detail = api.get(f"/api/v1/people/{hz_teacher.pk}/")

    row = next(r for r in rows.json()["results"] if r["id"] == hz_teacher.pk)
    for shown in (row, detail.json()):
        assert MASKED_ID.match(shown["id_number"])
        assert shown["id_number"] == f"{number[:6]}********{number[-4:]}"
        assert MASKED_MOBILE.match(shown["mobile"])
        assert shown["mobile"] == f"{mobile[:3]}****{mobile[-4:]}"
    for response in (rows, detail):
        assert number not in response.content.decode()
        assert mobile not in response.content.decode()


def test_detail_shows_the_teacher_profile_and_organisation(
    zhejiang_admin: Any, hz_teacher: Person
) -> None:
    body = api_as(zhejiang_admin).get(f"/api/v1/people/{hz_teacher.pk}/").json()

    assert body["name"] == "杭州教师"
    assert body["org_name"] == "杭州市中策职业学校"
    assert body["teacher"]["title"] == "senior"
    assert body["has_account"] is False


# Reveal


def test_admin_reveals_the_full_id_number_and_the_view_is_audited(
    zhejiang_admin: Any, hz_teacher: Person
) -> None:
    response = reveal(api_as(zhejiang_admin), hz_teacher)

    assert response.status_code == 200
    assert response.json() == {"field": "id_number", "value": hz_teacher._id_number()}
    entry = AuditEntry.objects.get(action="person.revealed")
    assert entry.actor == zhejiang_admin.user
    assert entry.target_id == str(hz_teacher.pk)
    assert entry.data == {"field": "id_number"}
    assert hz_teacher._id_number() not in str(entry.data)


def test_school_coordinator_reveals_a_mobile_of_its_school(
    school_coordinator: Any, hz_teacher: Person
) -> None:
    response = reveal(api_as(school_coordinator), hz_teacher, "mobile")

    assert response.status_code == 200
    assert response.json()["value"] == hz_teacher._mobile()
    assert (
        AuditEntry.objects.filter(action="person.revealed", actor=school_coordinator.user).count()
        == 1
    )


def test_base_admin_may_see_but_not_reveal_its_people(
    base_admin: Any, hz_base_teacher: Person
) -> None:
    api = api_as(base_admin)
    assert api.get(f"/api/v1/people/{hz_base_teacher.pk}/").status_code == 200

    response = reveal(api, hz_base_teacher)

    error(response, 403, "not_permitted")
    assert hz_base_teacher._id_number() not in response.content.decode()
    assert not AuditEntry.objects.filter(action="person.revealed").exists()


def test_jiangsu_admin_gets_404_revealing_a_zhejiang_person(
    jiangsu_admin: Any, hz_teacher: Person
) -> None:
    response = reveal(api_as(jiangsu_admin), hz_teacher)

    error(response, 404, "not_found")
    assert not AuditEntry.objects.filter(action="person.revealed").exists()


def test_trainee_reveals_their_own_id_number(trainee: Any) -> None:
    response = reveal(api_as(trainee), trainee.person)

    assert response.status_code == 200
    assert response.json()["value"] == trainee.person._id_number()
    entry = AuditEntry.objects.get(action="person.revealed")
    assert (entry.actor, entry.target_id) == (trainee.user, str(trainee.person.pk))


def test_trainee_cannot_see_or_reveal_a_colleague(trainee: Any, hz_teacher: Person) -> None:
    api = api_as(trainee)

    assert listed(api.get("/api/v1/people/")) == {trainee.person.pk}
    error(api.get(f"/api/v1/people/{hz_teacher.pk}/"), 404, "not_found")
    error(reveal(api, hz_teacher), 404, "not_found")
    assert not AuditEntry.objects.filter(action="person.revealed").exists()


def test_reveal_of_another_field_is_refused(zhejiang_admin: Any, hz_teacher: Person) -> None:
    response = reveal(api_as(zhejiang_admin), hz_teacher, "email")

    body = error(response, 400, "invalid")
    assert "field" in body["fields"]
    assert not AuditEntry.objects.filter(action="person.revealed").exists()


# Creating and changing


def test_school_coordinator_registers_a_teacher_at_its_school(
    school_coordinator: Any, new_person: dict
) -> None:
    response = api_as(school_coordinator).post("/api/v1/people/", new_person, format="json")

    assert response.status_code == 201, response.content.decode()
    body = response.json()
    person = Person.objects.get(pk=body["id"])
    assert (person.name, person.org_id) == ("王建国", school_coordinator.org.pk)
    assert person._id_number() == new_person["id_number"]
    assert person.gender == ("M" if int(new_person["id_number"][16]) % 2 else "F")
    assert body["id_number"] == person.id_number_masked
    assert new_person["id_number"] not in response.content.decode()
    assert TeacherProfile.objects.get(person=person).teaching_major == "数控技术应用"
    assert AuditEntry.objects.get(action="person.created", target_id=str(person.pk)).actor == (
        school_coordinator.user
    )


def test_registering_at_an_organisation_out_of_scope_is_refused_without_leaking(
    zhejiang_admin: Any, tree: dict, new_person: dict
) -> None:
    count = Person.objects.count()
    new_person["org"] = tree["nj_school"].pk

    response = api_as(zhejiang_admin).post("/api/v1/people/", new_person, format="json")

    body = error(response, 400, "invalid")
    assert body["fields"]["org"] == ["未找到该单位，或它不在您的管理范围内。"]
    assert "南京" not in response.content.decode()
    assert Person.objects.count() == count


@pytest.mark.parametrize("role", ["base_admin", "trainee"])
def test_roles_that_register_no_one_get_403(
    request: pytest.FixtureRequest, role: str, tree: dict, new_person: dict
) -> None:
    actor = request.getfixturevalue(role)
    new_person["org"] = actor.org.pk
    count = Person.objects.count()

    response = api_as(actor).post("/api/v1/people/", new_person, format="json")

    error(response, 403, "not_permitted")
    assert Person.objects.count() == count


def test_zhejiang_admin_changes_a_name_in_scope(zhejiang_admin: Any, hz_teacher: Person) -> None:
    response = api_as(zhejiang_admin).patch(
        f"/api/v1/people/{hz_teacher.pk}/", {"name": " 杭州 教师甲 "}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["name"] == "杭州教师甲"
    hz_teacher.refresh_from_db()
    assert hz_teacher.name == "杭州教师甲"
    assert AuditEntry.objects.get(action="person.updated").data == {"fields": ["name"]}


def test_moving_a_person_to_an_organisation_out_of_scope_changes_nothing(
    zhejiang_admin: Any, hz_teacher: Person, tree: dict
) -> None:
    response = api_as(zhejiang_admin).patch(
        f"/api/v1/people/{hz_teacher.pk}/",
        {"name": "改名", "org": tree["nj_school"].pk},
        format="json",
    )

    error(response, 400, "invalid")
    hz_teacher.refresh_from_db()
    assert (hz_teacher.name, hz_teacher.org_id) == ("杭州教师", tree["hz_school"].pk)


# Bad input: 400 (409 for a duplicate), Chinese messages, nothing written


def _post_refused(actor: Any, data: dict, status: int = 400) -> dict[str, Any]:
    api = api_as(actor)  # logging in is audited too: count after it
    count, audited = Person.objects.count(), AuditEntry.objects.count()
    body = error(api.post("/api/v1/people/", data, format="json"), status)
    assert (Person.objects.count(), AuditEntry.objects.count()) == (count, audited)
    return body


def test_an_id_number_with_a_wrong_check_digit_is_refused(
    school_coordinator: Any, new_person: dict
) -> None:
    number = new_person["id_number"]
    new_person["id_number"] = number[:17] + ("0" if number[17] != "0" else "1")

    body = _post_refused(school_coordinator, new_person)

    assert body["code"] == "invalid"
    assert body["fields"]["id_number"] == ["身份证号校验位不正确，请核对是否有输错的数字。"]


def test_an_id_number_with_an_impossible_birth_date_is_refused(
    school_coordinator: Any, new_person: dict
) -> None:
    first17 = "33010619900230123"
    new_person["id_number"] = first17 + id_check_digit(first17)

    body = _post_refused(school_coordinator, new_person)

    assert body["fields"]["id_number"] == ["身份证号中的出生日期 19900230 不存在。"]


def test_an_id_number_of_the_wrong_length_is_refused(
    school_coordinator: Any, new_person: dict
) -> None:
    new_person["id_number"] = "33010619900101123"

    body = _post_refused(school_coordinator, new_person)

    assert "18位" in body["fields"]["id_number"][0]


@pytest.mark.parametrize("number", ["330106198503120010", "33010619900230123X", "3301061990"])
def test_a_bad_id_number_is_the_only_error_not_also_the_gender_it_would_give(
    school_coordinator: Any, new_person: dict, number: str
) -> None:
    new_person["id_number"] = number

    body = _post_refused(school_coordinator, new_person)

    assert list(body["fields"]) == ["id_number"]
    assert "性别" not in body["message"] and "不能为空" not in body["message"]


@pytest.mark.parametrize("as_number", [330106198503120116, 3.301061985031201e17])
def test_an_id_number_sent_as_a_json_number_is_asked_for_as_text(
    school_coordinator: Any, new_person: dict, as_number: float
) -> None:
    new_person["id_number"] = as_number

    body = _post_refused(school_coordinator, new_person)

    assert body["fields"]["id_number"] == [
        '身份证号请以文本（字符串）提交，如 "33010619850312001X"：'
        "以数字提交可能已丢失末尾几位，也无法表示末位的 X。"
    ]


def test_a_nul_character_in_a_field_is_called_what_it_is(
    school_coordinator: Any, new_person: dict
) -> None:
    new_person["name"] = "王\x00建国"

    body = _post_refused(school_coordinator, new_person)

    assert body["fields"]["name"] == [
        "输入的内容含有不允许的控制字符（空字符 NUL），请删除后重试。"
    ]


def test_a_name_longer_than_50_characters_is_refused(
    school_coordinator: Any, new_person: dict
) -> None:
    new_person["name"] = "张" * 51

    body = _post_refused(school_coordinator, new_person)

    assert "50" in body["fields"]["name"][0]
    assert CHINESE.search(body["fields"]["name"][0])


def test_a_bad_mobile_is_refused(school_coordinator: Any, new_person: dict) -> None:
    new_person["mobile"] = "12345"

    body = _post_refused(school_coordinator, new_person)

    assert body["fields"]["mobile"] == ["手机号应为以13-19开头的11位数字。"]


def test_gender_contradicting_the_id_number_is_refused(
    school_coordinator: Any, new_person: dict
) -> None:
    implied = "M" if int(new_person["id_number"][16]) % 2 else "F"
    new_person["gender"] = "F" if implied == "M" else "M"

    body = _post_refused(school_coordinator, new_person)

    assert "性别" in body["fields"]["gender"][0]


def test_a_person_registered_twice_is_a_409_duplicate(
    school_coordinator: Any, hz_teacher: Person, new_person: dict
) -> None:
    new_person["id_number"] = hz_teacher._id_number().lower()  # case does not make it new

    body = _post_refused(school_coordinator, new_person, status=409)

    assert body["code"] == "person_duplicate"
    assert hz_teacher.id_number_masked in body["message"]
    assert hz_teacher._id_number() not in body["message"]


def test_a_bad_id_number_in_a_change_changes_nothing(
    zhejiang_admin: Any, hz_teacher: Person
) -> None:
    number = hz_teacher._id_number()

    response = api_as(zhejiang_admin).patch(
        f"/api/v1/people/{hz_teacher.pk}/",
        {"name": "改名", "id_number": number[:17] + ("0" if number[17] != "0" else "1")},
        format="json",
    )

    error(response, 400, "invalid")
    hz_teacher.refresh_from_db()
    assert (hz_teacher.name, hz_teacher._id_number()) == ("杭州教师", number)


# Authentication and /me


def test_token_by_mobile_and_password_then_me_lists_the_roles(zhejiang_admin: Any) -> None:
    RoleAssignment.objects.create(
        user=zhejiang_admin.user, role=Role.TRAINEE, org=zhejiang_admin.org
    )
    api = APIClient()

    response = api.post(
        "/api/v1/auth/token/",
        {"username": zhejiang_admin.person._mobile(), "password": "Secret123"},
        format="json",
    )

    assert response.status_code == 200
    token = response.json()["token"]
    assert Token.objects.get(key=token).user == zhejiang_admin.user
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = api.get("/api/v1/me/")
    assert me.status_code == 200
    body = me.json()
    assert body["name"] == zhejiang_admin.person.name
    assert body["person"] == zhejiang_admin.person.pk
    assert sorted(body["roles"], key=lambda r: r["role"]) == [
        {
            "role": "provincial_admin",
            "role_name": "省级管理员",
            "org": zhejiang_admin.org.pk,
            "org_name": "浙江省教育厅",
        },
        {
            "role": "trainee",
            "role_name": "参训教师",
            "org": zhejiang_admin.org.pk,
            "org_name": "浙江省教育厅",
        },
    ]


def test_a_wrong_password_gets_no_token_and_a_chinese_message(trainee: Any) -> None:
    response = APIClient().post(
        "/api/v1/auth/token/",
        {"username": trainee.person._mobile(), "password": "wrong"},
        format="json",
    )

    error(response, 400, "invalid")
    assert not Token.objects.exists()


def test_anonymous_reveal_is_refused_in_the_error_shape(db: Any, hz_teacher: Person) -> None:
    response = reveal(APIClient(), hz_teacher)

    assert response.status_code in (401, 403)
    error(response, response.status_code, "not_authenticated")
    assert hz_teacher._id_number() not in response.content.decode()
    assert not AuditEntry.objects.filter(action="person.revealed").exists()


def test_session_post_without_csrf_token_is_refused(
    school_coordinator: Any, new_person: dict, hz_teacher: Person
) -> None:
    api = APIClient(enforce_csrf_checks=True)
    api.force_login(school_coordinator.user)
    count = Person.objects.count()

    created = api.post("/api/v1/people/", new_person, format="json")
    revealed = reveal(api, hz_teacher)

    error(created, 403, "csrf_failed")
    error(revealed, 403, "csrf_failed")
    assert Person.objects.count() == count
    assert not AuditEntry.objects.filter(action="person.revealed").exists()
    assert api.get("/api/v1/people/").status_code == 200  # reading needs no token
