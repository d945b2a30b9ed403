import re
from datetime import timedelta
from importlib import import_module

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from shipei.accounts import services
from shipei.accounts.errors import (
    AccountExists,
    ActivationCodeInvalid,
    ActivationThrottled,
    MobileTaken,
    PersonDuplicate,
    RoleNotGrantable,
)
from shipei.accounts.models import (
    ActivationCode,
    Person,
    Role,
    RoleAssignment,
    TeacherProfile,
    User,
)
from shipei.accounts.tests.factories import PersonFactory, make_id_number
from shipei.audit.models import AuditEntry
from shipei.core.errors import NotPermitted


def _create(actor, org, **extra):
    fields = {
        "name": "王小明",
        "id_number": make_id_number(),
        "mobile": "13912345678",
        "teacher": {"title": "intermediate", "teaching_major": "数控技术", "years_teaching": 6},
    }
    fields.update(extra)
    return services.person_create(actor=actor.user, org=org, **fields)


def test_person_is_stored_encrypted_with_masked_display(school_coordinator, tree):
    number = make_id_number()
    person = _create(school_coordinator, tree["hz_school"], id_number=number)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id_number_cipher, mobile_cipher FROM accounts_person WHERE id = %s", [person.pk]
        )
        stored = " ".join(cursor.fetchone())
    assert number not in stored and "13912345678" not in stored
    assert person.id_number_masked == number[:6] + "********" + number[-4:]
    assert person.mobile_masked == "139****5678"
    assert person.teacher_profile.years_teaching == 6
    assert person.gender in ("M", "F")


def test_same_id_number_cannot_be_registered_twice_whatever_its_spelling(school_coordinator, tree):
    first17 = "11010519491231002"
    from shipei.core.identifiers import id_check_digit

    number = first17 + id_check_digit(first17)
    _create(school_coordinator, tree["hz_school"], id_number=number)
    with pytest.raises(PersonDuplicate, match=r"110105\*{8}002X"):
        _create(school_coordinator, tree["hz_school"], id_number=number.lower(), mobile="")
    assert Person.objects.count() == 2  # the coordinator and the first registration


def test_mobile_of_another_person_is_refused(school_coordinator, tree):
    _create(school_coordinator, tree["hz_school"])
    with pytest.raises(MobileTaken, match=r"139\*{4}5678"):
        _create(school_coordinator, tree["hz_school"], name="李四")


def test_all_field_problems_are_reported_together(school_coordinator, tree):
    with pytest.raises(ValidationError) as exc:
        _create(
            school_coordinator, tree["hz_school"], id_number="330106199002300011", mobile="12345"
        )
    assert set(exc.value.message_dict) >= {"id_number", "mobile"}


def test_gender_that_contradicts_the_id_number_is_refused(school_coordinator, tree):
    number = make_id_number()
    wrong = "F" if int(number[16]) % 2 else "M"
    with pytest.raises(ValidationError, match="性别与身份证号不符"):
        _create(school_coordinator, tree["hz_school"], id_number=number, gender=wrong)


def test_coordinator_cannot_register_people_at_another_school(school_coordinator, tree):
    with pytest.raises(NotPermitted):
        _create(school_coordinator, tree["hz_base"])


def test_reveal_returns_full_value_and_is_audited(zhejiang_admin, tree):
    number = make_id_number()
    person = PersonFactory(org=tree["hz_school"], id_number=number)
    assert (
        services.person_reveal(actor=zhejiang_admin.user, person=person, field="id_number")
        == number
    )
    entry = AuditEntry.objects.get(action="person.revealed")
    assert entry.actor == zhejiang_admin.user and entry.data == {"field": "id_number"}
    assert number not in str(entry.data) + entry.target_repr


def test_base_admin_may_not_reveal(base_admin, tree):
    person = PersonFactory(org=tree["hz_base"])
    with pytest.raises(NotPermitted):
        services.person_reveal(actor=base_admin.user, person=person, field="id_number")
    assert not AuditEntry.objects.filter(action="person.revealed").exists()


def test_update_keeps_values_not_given_and_records_changed_fields(school_coordinator, tree):
    person = _create(school_coordinator, tree["hz_school"])
    services.person_update(
        actor=school_coordinator.user, person=person, name="王晓明", mobile="13912345678"
    )
    person.refresh_from_db()
    assert person.name == "王晓明" and person.mobile_masked == "139****5678"
    assert AuditEntry.objects.get(action="person.updated").data == {"fields": ["name"]}


def test_account_open_gives_a_one_time_password_that_must_be_changed(school_coordinator, tree):
    person = _create(school_coordinator, tree["hz_school"])
    user, password = services.account_open(actor=school_coordinator.user, person=person)
    assert user.must_change_password and user.check_password(password)
    assert len(password) == 10 and re.search(r"\d", password) and re.search(r"[A-Za-z]", password)
    with pytest.raises(AccountExists):
        services.account_open(actor=school_coordinator.user, person=person)


def test_new_password_must_follow_the_rules_in_chinese(trainee):
    with pytest.raises(ValidationError, match="字母和数字"):
        services.account_set_password(
            user=trainee.user, old_password="Secret123", new_password="abcdefghij"
        )
    with pytest.raises(ValidationError, match="原密码不正确"):
        services.account_set_password(
            user=trainee.user, old_password="wrong", new_password="Better2026x"
        )
    services.account_set_password(
        user=trainee.user, old_password="Secret123", new_password="Better2026x"
    )
    assert trainee.user.check_password("Better2026x") and not trainee.user.must_change_password


def test_activation_by_sms_code_opens_an_account_with_the_trainee_role(
    tree, sms_outbox, django_capture_on_commit_callbacks
):
    number = make_id_number()
    person = PersonFactory(
        org=tree["hz_school"], id_number=number, mobile="13955550001", teacher={"title": "junior"}
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.activation_send(id_number=number.lower())
    mobile, message = sms_outbox[-1]
    assert mobile == "13955550001"
    code = re.search(r"\d{6}", message).group()
    user = services.activation_confirm(id_number=number, code=code, new_password="MyPass2026")
    assert user.person == person and user.check_password("MyPass2026")
    assert RoleAssignment.objects.filter(
        user=user, role=Role.TRAINEE, org=tree["hz_school"]
    ).exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.activation_send(id_number=number)  # an account exists now: nothing is sent
    assert len(sms_outbox) == 1


def test_wrong_codes_count_and_lock_the_code_after_five_tries(
    tree, sms_outbox, django_capture_on_commit_callbacks
):
    number = make_id_number()
    PersonFactory(org=tree["hz_school"], id_number=number)
    with django_capture_on_commit_callbacks(execute=True):
        services.activation_send(id_number=number)
    code = re.search(r"\d{6}", sms_outbox[-1][1]).group()
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        with pytest.raises(ActivationCodeInvalid):
            services.activation_confirm(id_number=number, code=wrong, new_password="MyPass2026")
    with pytest.raises(ActivationCodeInvalid):
        services.activation_confirm(id_number=number, code=code, new_password="MyPass2026")
    assert not User.objects.filter(person__isnull=False).exists()


def test_codes_are_not_resent_within_a_minute_nor_more_than_five_a_day(
    tree, sms_outbox, django_capture_on_commit_callbacks
):
    number = make_id_number()
    person = PersonFactory(org=tree["hz_school"], id_number=number)
    with django_capture_on_commit_callbacks(execute=True):
        services.activation_send(id_number=number)
        services.activation_send(id_number=number)
    assert len(sms_outbox) == 1
    for _ in range(6):
        ActivationCode.objects.filter(person=person).update(
            created_at=timezone.now() - timedelta(minutes=5)
        )
        with django_capture_on_commit_callbacks(execute=True):
            services.activation_send(id_number=number)
    assert len(sms_outbox) == 5


def test_the_answer_is_the_same_for_unknown_ids_and_ids_without_a_mobile(tree, sms_outbox):
    without_mobile = make_id_number()
    PersonFactory(org=tree["hz_school"], id_number=without_mobile, mobile="")
    assert services.activation_send(id_number=without_mobile) is None
    assert services.activation_send(id_number=make_id_number()) is None
    assert sms_outbox == []


def test_one_address_may_ask_for_codes_only_so_often(db):
    from django.core.cache import cache

    cache.clear()
    for _ in range(services.ACTIVATION_PER_IP_HOUR):
        services.activation_send(id_number=make_id_number(), ip="10.1.2.3")
    with pytest.raises(ActivationThrottled, match="请稍后再试"):
        services.activation_send(id_number=make_id_number(), ip="10.1.2.3")
    cache.clear()


def test_role_assignment_follows_the_grant_rules_and_is_audited(city_admin, tree):
    person = PersonFactory(org=tree["hz_school"])
    user, _ = services.account_open(actor=city_admin.user, person=person)
    services.role_assign(
        actor=city_admin.user, user=user, role=Role.SCHOOL_COORDINATOR, org=tree["hz_school"]
    )
    assert AuditEntry.objects.filter(action="role.assigned").count() == 1
    with pytest.raises(RoleNotGrantable, match="省级管理员"):
        services.role_assign(
            actor=city_admin.user, user=user, role=Role.PROVINCIAL_ADMIN, org=tree["hz_school"]
        )
    with pytest.raises(NotPermitted):
        services.role_assign(
            actor=city_admin.user, user=user, role=Role.TRAINEE, org=tree["nj_school"]
        )
    assignment = RoleAssignment.objects.get(user=user)
    services.role_revoke(actor=city_admin.user, assignment=assignment)
    assignment.refresh_from_db()
    assert not assignment.is_active
    assert AuditEntry.objects.filter(action="role.revoked").count() == 1


def test_ten_wrong_codes_a_day_lock_activation_until_tomorrow(
    tree, sms_outbox, django_capture_on_commit_callbacks
):
    number = make_id_number()
    person = PersonFactory(org=tree["hz_school"], id_number=number)
    for _ in range(3):
        ActivationCode.objects.filter(person=person).update(
            created_at=timezone.now() - timedelta(minutes=5)
        )
        with django_capture_on_commit_callbacks(execute=True):
            services.activation_send(id_number=number)
        code = re.search(r"\d{6}", sms_outbox[-1][1]).group()
        wrong = "000000" if code != "000000" else "111111"
        for _ in range(services.ACTIVATION_MAX_TRIES):
            with pytest.raises(ActivationCodeInvalid):
                services.activation_confirm(id_number=number, code=wrong, new_password="MyPass2026")
    with pytest.raises(ActivationCodeInvalid):
        services.activation_confirm(id_number=number, code=code, new_password="MyPass2026")
    assert (
        sum(ActivationCode.objects.filter(person=person).values_list("attempts", flat=True)) == 10
    )


# --- the 专业类 ----------------------------------------------------------------------------------


def test_registered_teachers_get_the_major_class_their_teaching_major_names_once(tree):
    mapping = import_module("shipei.accounts.migrations.0003_map_major_class")
    texts = ["计算机应用", "计算机类", "电子商务类专业", "数控加工", "", "会计事务"]
    people = [PersonFactory(org=tree["hz_school"]) for _text in texts]
    for person, text in zip(people, texts, strict=True):
        TeacherProfile.objects.create(person=person, teaching_major=text)
    chosen = PersonFactory(org=tree["hz_school"])
    TeacherProfile.objects.create(person=chosen, teaching_major="计算机应用", major_class="通信类")

    mapping.forwards(apps, None)

    found = [TeacherProfile.objects.get(person=p).major_class for p in people]
    assert found == ["计算机类", "计算机类", "电子商务类", "", "", "财务会计类"]
    assert TeacherProfile.objects.get(person=chosen).major_class == "通信类"  # kept


def test_a_person_saved_with_a_teaching_major_gets_its_class_unless_one_is_chosen(tree):
    typed = PersonFactory(org=tree["hz_school"], teacher={"teaching_major": "软件技术"})
    chosen = PersonFactory(
        org=tree["hz_school"], teacher={"teaching_major": "软件技术", "major_class": "通信类"}
    )
    assert typed.teacher_profile.major_class == "计算机类"
    assert chosen.teacher_profile.major_class == "通信类"


def test_a_major_class_outside_the_catalogue_is_refused(tree, city_admin):
    person = PersonFactory(org=tree["hz_school"], teacher={"teaching_major": "软件技术"})
    with pytest.raises(ValidationError) as refused:
        services.person_update(
            actor=city_admin.user, person=person, teacher={"major_class": "软件类"}
        )
    assert "不是职业教育专业目录中的专业类" in str(refused.value)
    person.teacher_profile.refresh_from_db()
    assert person.teacher_profile.major_class == "计算机类"
