import io

import pytest
from django.conf import settings
from django.test import Client
from openpyxl import load_workbook

from shipei.accounts import services
from shipei.accounts.models import Person, TeacherProfile
from shipei.accounts.tests.factories import PersonFactory, make_id_number
from shipei.audit.models import AuditEntry


def login(client, username, password="Secret123"):
    return client.post("/login/", {"username": username, "password": password})


@pytest.fixture
def argon_trainee(trainee, settings):
    """The trainee with a real Argon2 hash, as production stores it."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    trainee.user.set_password("Secret123")
    trainee.user.save()
    return trainee


def test_password_is_stored_with_argon2(argon_trainee):
    assert argon_trainee.user.password.startswith("argon2")


def test_login_by_mobile_and_by_id_number_with_lower_case_x(client, argon_trainee):
    mobile = argon_trainee.person._mobile()
    assert login(client, f" {mobile} ").url == "/"
    client.post("/logout/")
    number = argon_trainee.person._id_number()
    assert login(client, number.lower()).url == "/"
    assert AuditEntry.objects.filter(action="auth.login").count() == 2


def test_wrong_password_says_so_in_chinese(client, argon_trainee):
    response = login(client, argon_trainee.person._mobile(), "wrong")
    assert response.status_code == 200
    assert "身份证号/手机号或密码不正确" in response.content.decode()
    assert AuditEntry.objects.filter(action="auth.login_failed").exists()
    assert argon_trainee.person._mobile() not in str(
        AuditEntry.objects.get(action="auth.login_failed").data
    )


def test_five_failures_lock_the_account_whatever_identifier_is_typed(client, argon_trainee):
    mobile, number = argon_trainee.person._mobile(), argon_trainee.person._id_number()
    for i in range(settings.AXES_FAILURE_LIMIT):
        login(client, mobile if i % 2 else number, "wrong")
    response = login(Client(), number, "Secret123")
    assert response.status_code == 429
    assert "已被锁定至" in response.content.decode()


def test_inactive_account_is_told_to_contact_its_administrator(client, argon_trainee):
    argon_trainee.user.is_active = False
    argon_trainee.user.save()
    response = login(client, argon_trainee.person._mobile())
    assert "已停用" in response.content.decode()


def test_one_time_password_forces_a_change_before_anything_else(client, school_coordinator, tree):
    person = PersonFactory(org=tree["hz_school"])
    _user, password = services.account_open(actor=school_coordinator.user, person=person)
    response = login(client, person._mobile(), password)
    assert response.url == "/password/"
    assert client.get("/orgs/").url == "/password/"
    assert client.get("/api/v1/me/").status_code == 403
    response = client.post(
        "/password/", {"old_password": password, "new_password1": "short", "new_password2": "short"}
    )
    assert "至少需要8个字符" in response.content.decode()
    client.post(
        "/password/",
        {"old_password": password, "new_password1": "Mine2026ok", "new_password2": "Mine2026ok"},
    )
    assert client.get("/").status_code == 200


def test_sessions_end_after_inactivity():
    assert settings.SESSION_SAVE_EVERY_REQUEST and settings.SESSION_COOKIE_AGE == 30 * 60


def test_post_without_csrf_token_is_refused_with_a_chinese_page(trainee):
    client = Client(enforce_csrf_checks=True)
    client.force_login(trainee.user)
    response = client.post(
        "/password/",
        {"old_password": "Secret123", "new_password1": "Abcdef123", "new_password2": "Abcdef123"},
    )
    assert response.status_code == 403
    assert "页面已过期" in response.content.decode()
    trainee.user.refresh_from_db()
    assert trainee.user.check_password("Secret123")


def test_dashboard_shows_the_role_and_scope(client, zhejiang_admin):
    client.force_login(zhejiang_admin.user)
    page = client.get("/").content.decode()
    assert "省级管理员：浙江省教育厅" in page
    assert "机构管理" in page and "人员管理" in page


def test_trainee_menu_has_no_management_pages(client, trainee):
    client.force_login(trainee.user)
    page = client.get("/").content.decode()
    assert "机构管理" not in page
    assert client.get("/orgs/").status_code == 403
    assert client.get("/people/").status_code == 403


def test_person_list_masks_and_filters_by_full_id_number(client, school_coordinator, tree):
    number = make_id_number()
    PersonFactory(org=tree["hz_school"], id_number=number, name="查找对象")
    PersonFactory(org=tree["hz_school"], name="其他人")
    client.force_login(school_coordinator.user)
    response = client.post("/people/", {"q": number.lower()})
    assert response.status_code == 302 and number not in response.url.upper()
    page = client.get(response.url).content.decode()
    table = page[page.index("<tbody") : page.index("</tbody>")]
    assert "查找对象" in table and "其他人" not in table
    assert number not in page and number[:6] + "********" + number[-4:] in table
    assert "已按完整身份证号或手机号查询" in page
    # A number typed into the address bar is swapped for its token at once.
    assert number not in client.get("/people/", {"q": number}).url


def test_a_schools_person_list_filters_only_by_what_its_people_have(
    client, school_coordinator, trainee
):
    client.force_login(school_coordinator.user)

    form = client.get("/people/").context["form"]

    assert "org" not in form.fields  # one school: no organisation to choose
    assert [label for _v, label in form.fields["role"].choices] == [
        "全部",
        "学校联系人",
        "参训教师",
    ]


def test_the_person_list_shows_teaching_details_in_one_column(client, school_coordinator, tree):
    teacher = PersonFactory(org=tree["hz_school"], name="许老师")
    TeacherProfile.objects.create(person=teacher, title="intermediate", teaching_major="电子商务")
    client.force_login(school_coordinator.user)

    response = client.get("/people/")

    headers = [str(c.header) for c in response.context["table"].columns]
    assert (
        headers[-3:] == ["任教专业 · 专业类 · 职称", "账号", "更新时间"] and "职称" not in headers
    )
    assert "电子商务 · 中级" in response.content.decode()


def test_a_province_chooses_among_its_organisations_and_the_roles_they_hold(
    client, zhejiang_admin, city_admin, school_coordinator
):
    client.force_login(zhejiang_admin.user)

    form = client.get("/people/").context["form"]

    assert "杭州市中策职业学校" in [str(o) for o in form.fields["org"].queryset]
    assert [v for v, _label in form.fields["role"].choices] == [
        "",
        "provincial_admin",
        "city_admin",
        "school_coordinator",
    ]


def test_a_name_search_keeps_its_words_in_the_url(client, school_coordinator, tree):
    PersonFactory(org=tree["hz_school"], name="查找对象")
    client.force_login(school_coordinator.user)
    response = client.post("/people/", {"q": "查找", "account": "no"})
    assert "q=%E6%9F%A5%E6%89%BE" in response.url and "account=no" in response.url
    assert "查找对象" in client.get(response.url).content.decode()


def test_person_form_shows_errors_beside_fields_and_keeps_input(client, school_coordinator, tree):
    client.force_login(school_coordinator.user)
    response = client.post(
        "/people/new/",
        {
            "name": "张三",
            "id_number": "330106199001011230",
            "mobile": "12345",
            "org": tree["hz_school"].pk,
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "校验位不正确" in page and "手机号应为" in page and 'value="张三"' in page
    assert not Person.objects.filter(name="张三").exists()
    assert response.context["form"].errors.keys() == {"id_number", "mobile"}  # not gender


def test_forged_form_with_an_org_outside_scope_changes_nothing(client, school_coordinator, tree):
    client.force_login(school_coordinator.user)
    response = client.post(
        "/people/new/", {"name": "张三", "id_number": make_id_number(), "org": tree["nj_school"].pk}
    )
    assert response.status_code == 200
    assert "选择一个有效的选项" in response.content.decode()
    assert not Person.objects.filter(name="张三").exists()


def test_export_is_masked_unless_a_full_export_is_asked_for_and_audited(
    client, zhejiang_admin, tree
):
    number = make_id_number()
    PersonFactory(org=tree["hz_school"], id_number=number, name="导出对象")
    client.force_login(zhejiang_admin.user)
    masked = load_workbook(io.BytesIO(client.get("/people/export/").content)).active
    rows = {r[0]: r for r in masked.iter_rows(min_row=2, values_only=True)}
    assert rows["导出对象"][2] == number[:6] + "********" + number[-4:]
    assert not AuditEntry.objects.filter(action="person.exported_full").exists()
    full = load_workbook(io.BytesIO(client.get("/people/export/", {"full": "1"}).content)).active
    rows = {r[0]: r for r in full.iter_rows(min_row=2, values_only=True)}
    assert rows["导出对象"][2] == number
    assert AuditEntry.objects.get(action="person.exported_full").actor == zhejiang_admin.user


def test_base_admin_full_export_stays_masked(client, base_admin, tree):
    number = make_id_number()
    PersonFactory(org=tree["hz_base"], id_number=number, name="基地教师")
    client.force_login(base_admin.user)
    sheet = load_workbook(io.BytesIO(client.get("/people/export/", {"full": "1"}).content)).active
    assert number not in [c for r in sheet.iter_rows(values_only=True) for c in r]


def test_register_a_teacher_through_the_form_with_full_width_digits(
    client, school_coordinator, tree
):
    number = make_id_number()
    typed = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in number)
    client.force_login(school_coordinator.user)
    response = client.post(
        "/people/new/",
        {
            "name": "新教师",
            "id_number": typed,
            "mobile": "139 0000 1111",
            "org": tree["hz_school"].pk,
            "is_teacher": "on",
            "title": "intermediate",
            "teaching_major": "数控技术",
            "years_teaching": "6",
        },
        follow=True,
    )
    person = Person.objects.get(name="新教师")
    assert person._id_number() == number and person.teacher_profile.teaching_major == "数控技术"
    assert "已登记“新教师”" in response.content.decode()


def test_editing_with_masked_values_keeps_the_stored_numbers(client, school_coordinator, tree):
    number = make_id_number()
    person = PersonFactory(org=tree["hz_school"], id_number=number, mobile="13900002222")
    client.force_login(school_coordinator.user)
    form = client.get(f"/people/{person.pk}/edit/").content.decode()
    assert number not in form and person.id_number_masked in form
    client.post(
        f"/people/{person.pk}/edit/",
        {
            "name": "改过的名字",
            "id_number": person.id_number_masked,
            "mobile": person.mobile_masked,
            "org": tree["hz_school"].pk,
        },
    )
    person.refresh_from_db()
    assert person.name == "改过的名字"
    assert person._id_number() == number and person._mobile() == "13900002222"


def test_dashboard_shows_my_training_to_teachers_not_to_officials(client, zhejiang_admin, tree):
    teacher = PersonFactory(org=tree["hz_school"], teacher={"title": "junior"})
    user = services.account_open(actor=zhejiang_admin.user, person=teacher)[0]
    user.must_change_password = False
    user.save()
    client.force_login(zhejiang_admin.user)
    assert "我的培训" not in client.get("/").content.decode()
    client.force_login(user)
    assert "我的培训" in client.get("/").content.decode()


def test_role_select_offers_only_roles_the_user_may_hand_out(client, city_admin, tree):
    person = PersonFactory(org=tree["hz_school"])
    services.account_open(actor=city_admin.user, person=person)
    client.force_login(city_admin.user)
    form = client.get(f"/people/{person.pk}/").context["assign_form"]
    roles = [c for c, _ in form.fields["role"].choices]
    assert roles == ["", "city_admin", "school_coordinator", "trainee"]  # never 省级/部级管理员
    assert set(form.fields["org"].queryset) == {tree["hz"], tree["hz_school"], tree["hz_base"]}


# --- the teacher's 专业类 -------------------------------------------------------------------------


def test_a_teacher_chooses_their_own_major_class_from_the_grouped_list(client, trainee):
    TeacherProfile.objects.create(person=trainee.person, teaching_major="数控加工")
    client.force_login(trainee.user)
    page = client.get(trainee.person.get_absolute_url()).content.decode()
    assert '<optgroup label="装备制造大类">' in page and "data-search" in page
    url = f"/people/{trainee.person.pk}/major-class/"

    client.post(url, {"major_class": "机械设计制造类"})

    trainee.person.teacher_profile.refresh_from_db()
    assert trainee.person.teacher_profile.major_class == "机械设计制造类"
    shown = client.get(trainee.person.get_absolute_url()).content.decode()
    assert "机械设计制造类" in shown
    assert AuditEntry.objects.filter(action="person.updated", data__fields=["major_class"]).exists()


def test_a_major_class_not_in_the_catalogue_is_refused_and_nothing_changes(client, trainee):
    TeacherProfile.objects.create(person=trainee.person, major_class="计算机类")
    client.force_login(trainee.user)

    response = client.post(
        f"/people/{trainee.person.pk}/major-class/", {"major_class": "数控类"}, follow=True
    )

    assert "请从列表中选择专业类" in response.content.decode()
    trainee.person.teacher_profile.refresh_from_db()
    assert trainee.person.teacher_profile.major_class == "计算机类"


def test_a_teacher_cannot_set_another_teachers_major_class(client, trainee, tree):
    other = PersonFactory(org=tree["hz_school"])
    TeacherProfile.objects.create(person=other)
    client.force_login(trainee.user)

    response = client.post(f"/people/{other.pk}/major-class/", {"major_class": "计算机类"})

    assert response.status_code == 404
    other.teacher_profile.refresh_from_db()
    assert other.teacher_profile.major_class == ""


def test_an_administrator_sets_the_major_class_on_the_person_form(client, city_admin, tree):
    person = PersonFactory(org=tree["hz_school"])
    TeacherProfile.objects.create(person=person, teaching_major="旅游服务")
    client.force_login(city_admin.user)
    form = client.get(f"/people/{person.pk}/edit/").content.decode()
    assert '<optgroup label="旅游大类">' in form

    client.post(
        f"/people/{person.pk}/edit/",
        {
            "name": person.name,
            "id_number": person.id_number_masked,
            "mobile": person.mobile_masked,
            "org": person.org_id,
            "is_teacher": "on",
            "title": "intermediate",
            "teaching_major": "旅游服务",
            "major_class": "旅游类",
        },
    )

    person.teacher_profile.refresh_from_db()
    assert person.teacher_profile.major_class == "旅游类"
