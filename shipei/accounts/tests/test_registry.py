"""People named by ID number: found in the register through the blind index, or registered."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shipei.accounts import registry
from shipei.accounts.errors import PersonDuplicate
from shipei.accounts.models import Person, TeacherProfile, User
from shipei.accounts.tests.factories import PersonFactory, make_id_number
from shipei.audit.models import AuditEntry
from shipei.core.errors import NotPermitted

NOMINATE = "enrollment.nominate"


def find(actor, number, name, **extra):
    return registry.person_by_id_number(
        actor=actor.user, action=NOMINATE, id_number=number, name=name, **extra
    )


def fields(exc: pytest.ExceptionInfo) -> dict[str, list[str]]:
    return exc.value.message_dict


def test_a_registered_person_is_found_whatever_the_spelling_of_the_number(school_coordinator, tree):
    number = make_id_number()
    while not number.endswith("X"):
        number = make_id_number()
    person = PersonFactory(org=tree["hz_school"], name="王小明", id_number=number)
    typed = " ".join(number[:6]) + "　" + number[6:].replace("X", "x")

    assert find(school_coordinator, typed, "王 小明") == person
    assert Person.objects.filter(name="王小明").count() == 1


def test_a_number_with_a_wrong_check_digit_is_refused_on_its_field(school_coordinator, tree):
    number = make_id_number()
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    with pytest.raises(ValidationError) as exc:
        find(school_coordinator, wrong, "王小明", org=tree["hz_school"])
    assert "校验位不正确" in str(fields(exc)["id_number"])
    assert not Person.objects.filter(name="王小明").exists()


def test_a_new_person_is_registered_at_the_coordinators_school_and_audited(
    school_coordinator, tree
):
    number = make_id_number()
    person = find(
        school_coordinator,
        number,
        "李 华",
        mobile="13900001111",
        teacher={"title": "senior", "years_teaching": 10, "teaching_major": "数控技术"},
    )

    assert (person.org, person.name, person._id_number()) == (tree["hz_school"], "李华", number)
    assert person.teacher_profile.years_teaching == 10
    assert not User.objects.filter(person=person).exists()  # no account
    entry = AuditEntry.objects.get(action="person.created", target_id=str(person.pk))
    assert entry.actor == school_coordinator.user


def test_someone_coordinating_no_school_names_where_a_new_person_works(city_admin, tree):
    with pytest.raises(ValidationError) as exc:
        find(city_admin, make_id_number(), "李华")
    assert "请填写其所在学校" in str(fields(exc)["org"])
    person = find(city_admin, make_id_number(), "李华", org=tree["hz_school"])
    assert person.org == tree["hz_school"]


def test_registering_outside_ones_scope_is_not_permitted(school_coordinator, tree):
    with pytest.raises(NotPermitted):
        find(school_coordinator, make_id_number(), "李华", org=tree["nj_school"])
    assert not Person.objects.filter(name="李华").exists()


def test_outside_ones_scope_the_answer_is_the_same_whatever_the_name(school_coordinator, tree):
    number = make_id_number()
    PersonFactory(org=tree["nj_school"], name="钱浩", id_number=number)
    answers = []
    for name in ("钱浩", "某某某"):
        with pytest.raises(ValidationError) as exc:
            find(school_coordinator, number, name)
        answers.append(fields(exc))
    assert answers[0] == answers[1]
    assert "无法在此登记" in str(answers[0]["id_number"])
    assert "钱浩" not in str(answers) and "南京" not in str(answers)


def test_a_registered_person_must_carry_the_name_given(school_coordinator, tree):
    number = make_id_number()
    PersonFactory(org=tree["hz_school"], name="周六", id_number=number)
    with pytest.raises(ValidationError) as exc:
        find(school_coordinator, number, "周七")
    assert fields(exc) == {"name": ["该身份证号已登记为“周六”，与所填姓名不符，请核对。"]}


def test_a_registration_a_moment_ago_by_another_request_is_found_not_refused(
    school_coordinator, tree, monkeypatch
):
    """Two requests name the same new teacher at once: the second's registration fails on the
    unique index, and the second finds the first's."""
    number = make_id_number()
    first = PersonFactory(org=tree["hz_school"], name="李华", id_number=number)
    looked_up = []
    real = registry._registered

    def not_yet(found_number):
        looked_up.append(found_number)
        return None if len(looked_up) == 1 else real(found_number)

    monkeypatch.setattr(registry, "_registered", not_yet)
    assert find(school_coordinator, number, "李华") == first
    assert Person.objects.filter(name="李华").count() == 1


# ---- a list of people -------------------------------------------------------------------------


def named(org, number=None, name="张一", **extra):
    return registry.Named(id_number=number or make_id_number(), name=name, org=org, **extra)


def test_a_list_is_looked_up_in_one_read_and_each_problem_names_its_field(zhejiang_admin, tree):
    elsewhere = PersonFactory(org=tree["nj_school"], name="钱浩")
    renamed = PersonFactory(org=tree["hz_school"], name="周六")
    moved = PersonFactory(org=tree["hz_base"], name="吴七", mobile="13711110002")
    known = PersonFactory(org=tree["hz_school"], name="郑八")
    people = [
        named(tree["hz_school"], elsewhere._id_number(), "钱浩"),
        named(tree["hz_school"], renamed._id_number(), "周七"),
        named(tree["hz_school"], moved._id_number(), "吴七"),
        named(tree["hz_school"], known._id_number(), "郑八"),
        named(tree["hz_school"], name="新人", mobile="13711110002"),
    ]

    with CaptureQueriesContext(connection) as queries:
        problems = registry.people_by_id_number(
            actor=zhejiang_admin.user, action=NOMINATE, named=people
        )

    # The people and the mobiles' owners, the scope, the audit entry of the number refused.
    assert len(queries.captured_queries) <= 3
    assert [(i, field) for i, field, _message in problems] == [
        (0, "id_number"),
        (1, "name"),
        (2, "org"),
        (4, "mobile"),
    ]
    assert "该教师登记的工作单位为“杭州职业技术学院”" in problems[2][2]
    assert people[3].person == known and people[4].person is None


def test_a_person_is_checked_as_the_list_will_leave_them_and_nothing_changes_meanwhile(tree):
    known = PersonFactory(org=tree["hz_school"], name="郑八")
    TeacherProfile.objects.create(person=known, years_teaching=9, teaching_major="")
    one = named(tree["hz_school"], known._id_number(), "郑八")
    one.person = Person.objects.select_related("teacher_profile").get(pk=known.pk)
    one.teacher = {"teaching_major": "数控技术", "department_post": ""}
    fresh = named(tree["hz_school"], teacher={"teaching_major": "会计"})

    as_known, as_new = registry.registered_as(one), registry.registered_as(fresh)

    assert (as_known.teacher_profile.years_teaching, as_known.teacher_profile.teaching_major) == (
        9,
        "数控技术",
    )
    assert one.person.teacher_profile.teaching_major == ""  # the registered one, untouched
    assert (as_new.pk, as_new.org, as_new.teacher_profile.teaching_major) == (
        None,
        tree["hz_school"],
        "会计",
    )
    assert TeacherProfile.objects.get(person=known).teaching_major == ""


def test_a_checked_list_registers_the_new_and_fills_only_the_blanks_of_the_known(
    school_coordinator, tree
):
    known = PersonFactory(org=tree["hz_school"], name="郑八", mobile="")
    TeacherProfile.objects.create(person=known, teaching_major="机电技术应用")
    people = [
        named(
            tree["hz_school"],
            known._id_number(),
            "郑八",
            mobile="13711110008",
            email="zheng@example.cn",
            teacher={"teaching_major": "数控技术", "department_post": "教研室主任"},
        ),
        named(
            tree["hz_school"], name="新人", mobile="13711110009", teacher={"teaching_major": "会计"}
        ),
    ]
    registry.people_by_id_number(actor=school_coordinator.user, action=NOMINATE, named=people)

    counts = registry.people_register(
        actor=school_coordinator.user, named=people, filename="名单.xlsx"
    )

    assert counts == {"created": 1, "updated": 1}
    known.refresh_from_db()
    assert (known._mobile(), known.email) == ("13711110008", "zheng@example.cn")
    profile = TeacherProfile.objects.get(person=known)
    assert (profile.teaching_major, profile.department_post) == ("机电技术应用", "教研室主任")
    newcomer = Person.objects.get(name="新人")
    assert people[1].person == newcomer and newcomer.teacher_profile.teaching_major == "会计"
    assert newcomer.gender in ("M", "F") and not User.objects.filter(person=newcomer).exists()
    entry = AuditEntry.objects.get(action="person.imported")
    assert entry.data == {"created": 1, "updated": 1, "filename": "名单.xlsx"}
    assert entry.actor == school_coordinator.user


def test_a_list_registers_no_one_outside_the_callers_scope(school_coordinator, tree):
    people = [named(tree["hz_school"]), named(tree["nj_school"], name="李二")]
    with pytest.raises(NotPermitted):
        registry.people_register(actor=school_coordinator.user, named=people)
    assert not Person.objects.filter(name__in=["张一", "李二"]).exists()


def test_someone_registered_meanwhile_refuses_the_whole_list(school_coordinator, tree):
    number = make_id_number()
    people = [named(tree["hz_school"], name="张一"), named(tree["hz_school"], number, "李二")]
    PersonFactory(org=tree["hz_school"], name="李二", id_number=number)  # after the check
    with pytest.raises(PersonDuplicate, match="本批次中的某人"):
        registry.people_register(actor=school_coordinator.user, named=people)
    assert not Person.objects.filter(name="张一").exists()


def test_an_unchanged_list_writes_no_audit_entry(school_coordinator, tree):
    known = PersonFactory(org=tree["hz_school"], name="郑八")
    one = named(tree["hz_school"], known._id_number(), "郑八", mobile=known._mobile())
    registry.people_by_id_number(actor=school_coordinator.user, action=NOMINATE, named=[one])
    assert registry.people_register(actor=school_coordinator.user, named=[one]) == {
        "created": 0,
        "updated": 0,
    }
    assert not AuditEntry.objects.filter(action="person.imported").exists()


def test_a_coordinators_own_school_is_the_one_it_coordinates(school_coordinator, city_admin, tree):
    assert registry.own_school(school_coordinator.user) == tree["hz_school"]
    assert registry.own_school(city_admin.user) is None
