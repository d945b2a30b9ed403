import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from shipei.accounts.models import Person
from shipei.accounts.tests.factories import make_id_number
from shipei.staffing import services
from shipei.staffing.models import Assignment, CoreTeacher, StaffingRun

from .conftest import make_class, make_core_teacher, user_of

pytestmark = pytest.mark.django_db


def xlsx(rows: list[list[object]]) -> SimpleUploadedFile:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(
        ["姓名", "身份证号", "手机号", "所在单位", "专业大类", "培训级别", "承担任务", "状态"]
    )
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("骨干教师.xlsx", out.getvalue())


# ---- the pool -----------------------------------------------------------------------------


def test_the_pool_lists_its_province_teachers_with_filters_in_the_address(
    client, zhejiang_admin, programme, pool, tree
):
    info = make_core_teacher(tree["hz_school"], categories=("信息类",))
    client.force_login(zhejiang_admin.user)
    response = client.get(reverse("staffing:pool"), {"category": "信息类"})

    assert response.status_code == 200
    names = [t.person.name for t in response.context["table"].data]
    assert names == [info.person.name]  # not pool[7], Jiangsu's
    # Jiangsu's core teachers are not Zhejiang's to keep.
    all_names = {t.person.name for t in client.get(reverse("staffing:pool")).context["table"].data}
    assert pool[0].person.name not in all_names and pool[2].person.name in all_names


def test_a_base_admin_does_not_keep_the_pool(client, base_admin, programme):
    client.force_login(base_admin.user)
    assert client.get(reverse("staffing:pool")).status_code == 403


def test_another_provinces_core_teacher_is_not_found(client, jiangsu_admin, pool):
    client.force_login(jiangsu_admin.user)
    assert client.get(reverse("staffing:teacher_detail", args=[pool[2].pk])).status_code == 404
    assert client.get(reverse("staffing:teacher_detail", args=[pool[0].pk])).status_code == 200


def test_a_core_teacher_is_added_by_id_number_and_registered_at_the_home_school(
    client, zhejiang_admin, programme, tree
):
    client.force_login(zhejiang_admin.user)
    number = make_id_number()
    response = client.post(
        reverse("staffing:teacher_create"),
        {
            "name": "林海",
            "id_number": number,
            "home": tree["hz_school"].pk,
            "categories": ["机械类"],
            "levels": ["三级", "二级"],
            "teaches": "on",
            "is_active": "on",
        },
    )
    teacher = CoreTeacher.objects.get(person__name="林海")
    assert response.status_code == 302 and response["Location"] == teacher.get_absolute_url()
    assert teacher.home == tree["hz_school"] and not teacher.assesses
    assert teacher.qualifications.count() == 2


def test_a_form_naming_an_unknown_category_keeps_what_was_typed_and_says_why(
    client, zhejiang_admin, programme, tree
):
    client.force_login(zhejiang_admin.user)
    response = client.post(
        reverse("staffing:teacher_create"),
        {
            "name": "林海",
            "id_number": make_id_number(),
            "home": tree["hz_school"].pk,
            "levels": ["三级"],
        },
    )
    assert response.status_code == 200
    assert (
        "这个字段是必填项" in response.content.decode()
        or response.context["form"].errors["categories"]
    )
    assert not CoreTeacher.objects.exists()


def test_the_pool_import_is_all_or_nothing_with_the_row_and_column_of_each_problem(
    client, zhejiang_admin, programme, tree
):
    client.force_login(zhejiang_admin.user)
    good = [make_id_number(), make_id_number()]
    rows = [
        [
            "王一",
            good[0],
            "13900001111",
            "杭州市中策职业学校",
            "机械类、信息类",
            "三级、二级",
            "授课、考核",
            "",
        ],
        ["王二", good[1], "", "杭州市中策职业学校", "烹饪类", "三级", "授课", "在库"],
        [
            "王三",
            "330106198001011234",
            "",
            "南京市莫愁中等专业学校",
            "机械类",
            "四级",
            "讲课",
            "休息",
        ],
    ]
    response = client.post(reverse("staffing:pool_import"), {"file": xlsx(rows)})

    assert response.status_code == 200
    problems = {(p.row, p.column) for p in response.context["problems"]}
    assert (3, "专业大类") in problems
    assert {
        (4, "身份证号"),
        (4, "所在单位"),
        (4, "培训级别"),
        (4, "承担任务"),
        (4, "状态"),
    } <= problems
    assert not CoreTeacher.objects.exists() and not Person.objects.filter(name="王一").exists()


def test_a_clean_import_registers_and_adds_and_the_same_file_again_changes_nothing(
    client, zhejiang_admin, programme, tree
):
    client.force_login(zhejiang_admin.user)
    rows = [
        [
            "王一",
            make_id_number(),
            "13900001111",
            "杭州市中策职业学校",
            "机械类、信息类",
            "三级、二级",
            "授课、考核",
            "",
        ],
        ["王二", make_id_number(), "", "杭州职业技术学院", "机械类", "三级", "考核", "停用"],
    ]
    response = client.post(reverse("staffing:pool_import"), {"file": xlsx(rows)}, follow=True)
    assert "新增 2 人" in response.content.decode()
    first = CoreTeacher.objects.get(person__name="王一")
    assert first.qualifications.count() == 4 and first.teaches and first.assesses
    assert not CoreTeacher.objects.get(person__name="王二").is_active

    response = client.post(reverse("staffing:pool_import"), {"file": xlsx(rows)}, follow=True)
    assert "新增 0 人，更新 0 人，未变化 2 人" in response.content.decode()
    assert CoreTeacher.objects.count() == 2


def test_the_pool_export_is_masked(client, zhejiang_admin, programme, pool):
    client.force_login(zhejiang_admin.user)
    response = client.get(reverse("staffing:pool_export"))
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    rows = list(book.active.values)
    assert rows[0][:2] == ("姓名", "身份证号")
    assert all("********" in r[1] for r in rows[1:])
    assert (
        len(rows)
        == 1 + CoreTeacher.objects.filter(home__path__startswith=zhejiang_admin.org.path).count()
    )


# ---- a class ------------------------------------------------------------------------------


def test_the_institution_recommends_and_invites_from_its_class_page(
    client, base_admin, klass, pool
):
    client.force_login(base_admin.user)
    page = client.get(reverse("staffing:class", args=[klass.pk]))
    assert page.status_code == 200 and "授课骨干教师" in page.content.decode()

    client.post(reverse("staffing:class_recommend", args=[klass.pk]))
    proposal = Assignment.objects.filter(training_class=klass).first()
    response = client.post(reverse("staffing:invite", args=[proposal.pk]), follow=True)

    proposal.refresh_from_db()
    assert proposal.status == Assignment.Status.INVITED
    assert "已向" in response.content.decode()


def test_another_institution_neither_sees_nor_invites_for_the_class(client, tree, klass, pool):
    from shipei.staffing.tests.test_concurrency import _admin

    services.class_recommend(actor=_admin(tree["hz_base"]), training_class=klass)
    proposal = Assignment.objects.filter(training_class=klass).first()
    client.force_login(_admin(tree["nj_school"]))
    assert client.get(reverse("staffing:class", args=[klass.pk])).status_code == 404
    assert client.post(reverse("staffing:invite", args=[proposal.pk])).status_code == 404


def test_a_city_admin_sees_the_class_but_may_not_invite(
    client, city_admin, base_admin, klass, pool
):
    services.class_recommend(actor=base_admin.user, training_class=klass)
    proposal = Assignment.objects.filter(training_class=klass).first()
    client.force_login(city_admin.user)
    assert client.get(reverse("staffing:class", args=[klass.pk])).status_code == 200
    response = client.post(reverse("staffing:invite", args=[proposal.pk]))
    assert response.status_code == 403


def test_preferences_are_saved_from_the_class_page(client, base_admin, klass, pool):
    client.force_login(base_admin.user)
    client.post(
        reverse("staffing:class_preferences", args=[klass.pk]), {"core_teachers": [pool[3].pk]}
    )
    assert list(klass.core_preferences.values_list("core_teacher", flat=True)) == [pool[3].pk]


# ---- a half-year at once ------------------------------------------------------------------


def test_the_national_admin_staffs_a_half_year_and_reads_why_a_class_stays_open(
    client, national_admin, programme, pool, tree
):
    make_class(programme, tree["hz_base"], start=datetime.date(2026, 3, 2))
    b = make_class(programme, tree["nj_school"], start=datetime.date(2026, 3, 4), item="l1-c1")
    client.force_login(national_admin.user)
    query = {"programme": programme.pk, "year": 2026, "half": 1}
    page = client.get(reverse("staffing:plan"), query)
    assert len(page.context["rows"]) == 2

    response = client.post(reverse("staffing:plan"), query, follow=True)

    run = StaffingRun.objects.get()
    assert response.redirect_chain[-1][0] == run.get_absolute_url()
    text = response.content.decode()
    assert "配齐 1 个班次（共 2 个）" in text
    assert str(b) in text and "符合本班专业大类和培训级别的授课骨干教师只有 0 人" in text


def test_a_province_cannot_staff_the_ministrys_programme(client, zhejiang_admin, programme):
    client.force_login(zhejiang_admin.user)
    assert client.get(reverse("staffing:plan")).status_code == 403


# ---- the core teacher ---------------------------------------------------------------------


def test_the_core_teacher_accepts_and_declines_on_their_own_page(client, base_admin, klass, pool):
    services.class_recommend(actor=base_admin.user, training_class=klass)
    mine = list(Assignment.objects.filter(training_class=klass, core_teacher__in=pool[:3])[:2])
    for a in mine:
        services.assignment_invite(actor=base_admin.user, assignment=a)
    client.force_login(user_of(mine[0].core_teacher))
    page = client.get(reverse("staffing:mine"))
    assert page.status_code == 200 and "接受邀请" in page.content.decode()

    client.post(reverse("staffing:accept", args=[mine[0].pk]))
    mine[0].refresh_from_db()
    assert mine[0].status == Assignment.Status.ACCEPTED

    # Someone else's invitation is not found.
    assert client.post(reverse("staffing:decline", args=[mine[1].pk])).status_code == 404
    client.force_login(user_of(mine[1].core_teacher))
    client.post(reverse("staffing:decline", args=[mine[1].pk]), {"reason": "时间冲突"})
    mine[1].refresh_from_db()
    assert (mine[1].status, mine[1].reason) == (Assignment.Status.DECLINED, "时间冲突")


def test_the_menu_offers_each_role_its_staffing_pages(
    client, national_admin, base_admin, programme, pool
):
    client.force_login(national_admin.user)
    labels = [i["label"] for i in client.get(reverse("dashboard")).context["nav_items"]]
    assert "骨干教师库" in labels and "骨干教师配备" in labels
    client.force_login(base_admin.user)
    labels = [i["label"] for i in client.get(reverse("dashboard")).context["nav_items"]]
    assert "班次骨干教师" in labels and "骨干教师库" not in labels
    client.force_login(user_of(pool[0]))
    labels = [i["label"] for i in client.get(reverse("dashboard")).context["nav_items"]]
    assert "我的骨干教师任务" in labels and "我的日程" in labels


def test_an_import_names_a_repeated_person_a_bad_mobile_and_a_name_the_register_disagrees_with(
    client, zhejiang_admin, programme, pool, tree
):
    client.force_login(zhejiang_admin.user)
    number = make_id_number()
    registered = pool[2].person  # at 杭州市中策职业学校, in Zhejiang
    rows = [
        ["王一", number, "12345", "杭州市中策职业学校", "机械类", "三级", "授课", ""],
        ["王一", number, "", "杭州市中策职业学校", "机械类", "三级", "授课", ""],
        ["别名", registered._id_number(), "", "杭州市中策职业学校", "机械类", "三级", "考核", ""],
    ]
    response = client.post(reverse("staffing:pool_import"), {"file": xlsx(rows)})

    problems = {(p.row, p.column): p.message for p in response.context["problems"]}
    assert (2, "手机号") in problems
    assert "同一人" in problems[(3, "身份证号")]
    assert "已登记为" in problems[(4, "姓名")]


def test_the_import_template_offers_the_programmes_categories_and_levels(
    client, zhejiang_admin, programme
):
    client.force_login(zhejiang_admin.user)
    response = client.get(reverse("staffing:pool_import_template"))
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    notes = " ".join(str(r[0]) for r in book["填写说明"].values)
    assert "机械类" in notes and "文化艺术与综合类" in notes and "一级" in notes


def test_a_core_teachers_page_shows_the_classes_to_come(
    client, zhejiang_admin, base_admin, klass, pool
):
    services.class_recommend(actor=base_admin.user, training_class=klass)
    a = (
        Assignment.objects.filter(training_class=klass, core_teacher=pool[2]).first()
        or Assignment.objects.filter(
            training_class=klass, core_teacher__home__path__startswith=zhejiang_admin.org.path
        ).first()
    )
    services.assignment_invite(actor=base_admin.user, assignment=a)
    client.force_login(zhejiang_admin.user)
    page = client.get(reverse("staffing:teacher_detail", args=[a.core_teacher.pk])).content.decode()
    assert str(klass) in page and "已邀请" in page
