"""A number registered outside one's reach is refused in the same words whoever holds it, counted
per person who types it, and audited without the number in full."""

import json
from typing import Any

import pytest

from shipei.accounts import services
from shipei.accounts.errors import NumberChecksPaused, NumberUnavailable, PersonDuplicate
from shipei.accounts.models import Person
from shipei.accounts.tests.factories import PersonFactory, make_id_number
from shipei.accounts.tests.test_imports import good_rows, run, xlsx
from shipei.audit.models import AuditEntry
from shipei.core.tests.api_helpers import api_as, error

HELD = "身份证号 %s 无法在此登记。请核对号码；如该教师已在其他单位登记（例如刚调入），"


@pytest.fixture
def nanjing(tree) -> Person:
    """A teacher registered in 江苏, out of reach of anyone in 浙江."""
    return PersonFactory(org=tree["nj_school"], name="钱浩", mobile="13911112222")


def form(client: Any, tree: dict, number: str, **changes: Any) -> str:
    data = {"name": "张三", "id_number": number, "org": tree["hz_school"].pk, **changes}
    return client.post("/people/new/", data).content.decode()


def refused_entries() -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action__startswith="person.number").order_by("pk"))


def test_the_form_refuses_a_number_held_elsewhere_naming_neither_the_person_nor_the_school(
    client, school_coordinator, tree, nanjing
):
    number = nanjing._id_number()
    client.force_login(school_coordinator.user)

    pages = [form(client, tree, number, name=name) for name in ("钱浩", "某某某")]

    masked = f"{number[:6]}********{number[-4:]}"
    assert all(HELD % masked in page for page in pages)
    assert "钱浩" not in pages[1]  # typed in the first, as it comes back in the form
    assert all("南京" not in page and page.count(number) == 1 for page in pages)  # as typed
    assert not Person.objects.filter(name="张三").exists()
    entry = refused_entries()[0]
    assert (entry.action, entry.actor, entry.org) == (
        "person.number_refused",
        school_coordinator.user,
        tree["hz_school"],
    )
    assert entry.data["numbers"] == [masked] and entry.data["holders"] == [nanjing.pk]
    assert number not in json.dumps(entry.data)
    assert len(refused_entries()) == 2  # each attempt


def test_a_number_held_within_reach_is_still_answered_as_already_registered(
    school_coordinator, tree
):
    mine = PersonFactory(org=tree["hz_school"], name="本校教师")

    with pytest.raises(PersonDuplicate, match="已经登记"):
        services.person_create(
            actor=school_coordinator.user,
            org=tree["hz_school"],
            name="本校教师",
            id_number=mine._id_number(),
        )
    assert refused_entries() == []


def test_the_api_refuses_a_mobile_held_elsewhere_with_a_stable_code(
    school_coordinator, tree, nanjing
):
    api = api_as(school_coordinator)
    data = {
        "name": "王建国",
        "id_number": make_id_number(),
        "mobile": "13911112222",
        "org": tree["hz_school"].pk,
    }

    body = error(api.post("/api/v1/people/", data, format="json"), 409, "number_unavailable")

    assert body["message"].startswith("手机号 139****2222 无法在此登记。")
    assert "钱浩" not in body["message"] and "南京" not in body["message"]
    assert not Person.objects.filter(name="王建国").exists()
    assert refused_entries()[0].data["numbers"] == ["139****2222"]


def test_changing_a_record_to_a_number_held_elsewhere_is_refused(school_coordinator, tree, nanjing):
    mine = PersonFactory(org=tree["hz_school"], name="本校教师")

    with pytest.raises(NumberUnavailable):
        services.person_update(
            actor=school_coordinator.user, person=mine, id_number=nanjing._id_number()
        )
    with pytest.raises(NumberUnavailable):
        services.person_update(actor=school_coordinator.user, person=mine, mobile="13911112222")
    # Their own numbers, typed again, are theirs.
    services.person_update(
        actor=school_coordinator.user, person=mine, id_number=mine._id_number(), name="本校教师"
    )
    assert len(refused_entries()) == 2


def test_past_the_limit_every_number_outside_ones_reach_is_refused_alike(
    client, school_coordinator, city_admin, tree, settings
):
    settings.REGISTERED_ELSEWHERE_LIMIT = 2
    held = [PersonFactory(org=tree["nj_school"])._id_number() for _ in range(3)]
    act = {"actor": school_coordinator.user, "org": tree["hz_school"], "name": "张三"}
    for number in held[:2]:
        with pytest.raises(NumberUnavailable):
            services.person_create(**act, id_number=number)

    with pytest.raises(NumberChecksPaused, match="24 小时内暂不能登记新的号码"):
        services.person_create(**act, id_number=held[2])
    with pytest.raises(NumberChecksPaused):  # a number nobody holds: the same answer
        services.person_create(**act, id_number=make_id_number())
    mine = PersonFactory(org=tree["hz_school"])
    with pytest.raises(PersonDuplicate):  # one's own people are still one's own
        services.person_create(**act, id_number=mine._id_number())

    assert not Person.objects.filter(name="张三").exists()
    assert [e.action for e in refused_entries()] == [
        "person.number_refused",
        "person.number_refused",
        "person.numbers_paused",
        "person.numbers_paused",
    ]
    someone_else = services.person_create(
        actor=city_admin.user, org=tree["hz_school"], name="张三", id_number=make_id_number()
    )
    assert someone_else.pk
    client.force_login(school_coordinator.user)
    assert "暂不能登记新的号码" in form(client, tree, make_id_number())


def test_the_teacher_import_refuses_numbers_held_elsewhere_row_by_row(city_admin, tree):
    ids = [make_id_number() for _ in range(3)]
    PersonFactory(org=tree["nj_school"], id_number=ids[0], name="钱浩", mobile="")
    PersonFactory(org=tree["nj_school"], mobile="13811110002")

    problems, _rows = run(city_admin.user, xlsx(good_rows(ids)))

    assert [(p.row, p.column) for p in problems] == [(2, "身份证号"), (3, "手机号")]
    assert "无法在此登记" in problems[0].message and "无法在此登记" in problems[1].message
    assert not any("钱浩" in p.message or "南京" in p.message for p in problems)
    assert refused_entries()[0].data["numbers"] == [
        f"{ids[0][:6]}********{ids[0][-4:]}",
        "138****0002",
    ]
