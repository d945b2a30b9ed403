"""The application form (notice 004 附件1) on the pages, in the API and in Excel: the teacher
fills it on the class's page, the base reviews it on the enrollment's page, the class's teaching
core teachers read it, and it exports one application per sheet; personal data masked."""

import datetime
import io
from typing import Any

import pytest
from openpyxl import load_workbook
from rest_framework.test import APIClient

from shipei.accounts.models import Role
from shipei.accounts.tests.factories import PersonFactory
from shipei.classes.models import TrainingClass
from shipei.core.tests.api_helpers import error
from shipei.enrollment.models import Application, Enrollment
from shipei.enrollment.tests.class_enrollment import World, answers, enrolling_class
from shipei.enrollment.tests.conftest import holder
from shipei.staffing.models import Assignment, CoreTeacher, StaffRole

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(tree: dict[str, Any]) -> World:
    return World(tree)


def posted(values: dict[str, Any]) -> dict[str, Any]:
    """The answers as the class page posts them: a rating's rows as code__index."""
    out: dict[str, Any] = {"key": "k-1"}
    for code, value in values.items():
        if isinstance(value, dict):
            out.update({f"{code}__{n}": v for n, v in enumerate(value.values())})
        elif value is True:
            out[code] = "on"
        else:
            out[code] = value
    return out


def core_teacher(world: World, training_class: TrainingClass, role: str, status: str) -> Any:
    person = PersonFactory(org=world.base.parent)
    user = holder(Role.CORE_TEACHER, world.base.parent)
    user.person = person
    user.save(update_fields=["person"])
    teacher = CoreTeacher.objects.create(person=person, home=world.base.parent)
    Assignment.objects.create(
        training_class=training_class,
        core_teacher=teacher,
        role=role,
        status=status,
        source=Assignment.Source.RECOMMENDATION,
        busy_from=training_class.starts_on - datetime.timedelta(days=1),
        busy_until=training_class.ends_on,
    )
    return user


def test_the_apply_page_offers_the_open_classes_with_seats_left_only(world, client):
    full = enrolling_class(world.programme, world.base_admin, world.base, capacity=1)
    TrainingClass.objects.filter(pk=full.pk).update(seats_taken=1)
    enrolling_class(
        world.programme, world.base_admin, world.base, status=TrainingClass.Status.RECORDED
    )
    client.force_login(world.user)
    page = client.get("/enrollment/apply/").content.decode()
    assert page.count("/enrollment/apply/class/") == 1  # the full class and the unopened: not
    assert f"/enrollment/apply/class/{world.training_class.pk}/" in page
    assert page.count("暂无招生中的班次") == 1  # the other 23 items: said once, folded


def test_a_teacher_applies_on_the_class_page_and_missing_answers_are_marked(world, client):
    client.force_login(world.user)
    page = client.get(f"/enrollment/apply/class/{world.training_class.pk}/").content.decode()
    assert "工学一体化教师培训参训申请表（附件1）" in page
    assert world.teacher.id_number_masked in page  # from the record, masked
    assert "（二级）" in page and "（一级）" not in page
    assert "请写明教授专业、教授课程、教授学生所在阶段等" in page  # a question's help
    refused = client.post(
        f"/enrollment/apply/class/{world.training_class.pk}/",
        posted(answers(needs="", declaration=False)),
    )
    assert refused.status_code == 400
    text = refused.content.decode()
    assert "请填写“20.请写明您对本次培训在教学和保障方面的需求”" in text
    assert "请阅读并勾选申请人声明" in text
    assert "汉族" in text  # what was typed stays
    assert not Enrollment.objects.exists()
    done = client.post(f"/enrollment/apply/class/{world.training_class.pk}/", posted(answers()))
    enrollment = Enrollment.objects.get()
    assert done.status_code == 302 and done["Location"] == f"/enrollment/{enrollment.pk}/"
    assert enrollment.training_class == world.training_class
    rows = enrollment.application.answers["self_assessment_l2"]
    assert set(rows.values()) == {"较好"} and len(rows) == 6


def test_the_base_reviews_the_form_on_the_enrollment_page_with_personal_data_masked(world, client):
    enrollment = world.apply()
    client.force_login(world.base_admin)
    page = client.get(f"/enrollment/{enrollment.pk}/").content.decode()
    assert "工学一体化教师培训参训申请表（附件1）" in page
    assert "希望多安排学习任务设计的实操练习" in page
    assert "学习任务工作页设计与编写：<strong>较好</strong>" in page
    assert world.teacher.id_number_masked in page
    assert world.teacher._id_number() not in page and world.teacher._mobile() not in page


def test_a_teaching_core_teacher_reads_the_applications_of_their_class_only(world, client):
    enrollment = world.apply()
    teaching = core_teacher(world, world.training_class, StaffRole.TEACHING, "accepted")
    assessing = core_teacher(world, world.training_class, StaffRole.ASSESSING, "accepted")
    invited = core_teacher(world, world.training_class, StaffRole.TEACHING, "invited")
    client.force_login(teaching)
    listing = client.get(f"/enrollment/class/{world.training_class.pk}/applications/")
    assert world.teacher.name in listing.content.decode()
    page = client.get(f"/enrollment/{enrollment.pk}/application/").content.decode()
    assert "数控车削加工课程" in page and world.teacher.id_number_masked in page
    assert client.get(f"/enrollment/{enrollment.pk}/").status_code == 404  # not its approver
    other = enrolling_class(world.programme, world.base_admin, world.base)
    client.force_login(teaching)
    assert client.get(f"/enrollment/class/{other.pk}/applications/").status_code == 404
    for user in (assessing, invited):
        client.force_login(user)
        assert client.get(f"/enrollment/{enrollment.pk}/application/").status_code == 404


def test_the_class_export_has_one_sheet_per_application_in_the_notices_layout(world, client, tree):
    first = world.apply()
    second_person = PersonFactory(org=world.school)
    from shipei.accounts.models import TeacherProfile, User

    TeacherProfile.objects.create(person=second_person, major_class="机械设计制造类")
    second_user = User.objects.create_user("t2", "Secret123", person=second_person)
    world.apply(person=second_person, actor=second_user, answers=answers(needs="无"))
    client.force_login(world.base_admin)
    response = client.get(f"/enrollment/class/{world.training_class.pk}/applications.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert len(book.sheetnames) == 2 and world.teacher.name in book.sheetnames
    ws = book[world.teacher.name]
    cells = [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]
    assert cells[0] == "工学一体化教师培训参训申请表（附件1）"
    assert f"申请人姓名：{world.teacher.name}" in cells
    assert "申请专业大类：机械类" in cells and "申请培训级别：二级" in cells
    assert world.teacher.id_number_masked in cells and world.teacher._id_number() not in cells
    assert "工学一体化学习任务教学资源开发·学习任务信息页设计与编写" in cells and "较好" in cells
    assert "申请人声明" in cells
    assert any(c.startswith(world.teacher.name + "（平台确认") for c in cells)
    one = client.get(f"/enrollment/{first.pk}/application.xlsx")
    assert load_workbook(io.BytesIO(one.content)).sheetnames == [world.teacher.name]


def test_the_api_enrolls_into_a_class_with_answers_and_returns_the_form(world):
    api = APIClient()
    api.force_login(world.user)
    body = {
        "programme": world.programme.pk,
        "item": "l2-c1",
        "person": world.teacher.pk,
        "training_class": world.training_class.pk,
        "answers": answers(),
    }
    created = api.post("/api/v1/enrollments/", body, format="json")
    assert created.status_code == 201, created.content.decode()
    pk = created.json()["id"]
    form = api.get(f"/api/v1/enrollments/{pk}/application/").json()
    assert form["form"] == "工学一体化教师培训参训申请表（附件1）" and form["signed_at"]
    by_code = {a["code"]: a for a in form["answers"]}
    assert by_code["id_number"]["text"] == world.teacher.id_number_masked
    assert (
        by_code["self_assessment_l2"]["rows"]["工学一体化学习任务分析与策划·学习任务分析"] == "较好"
    )
    assert by_code["needs"]["text"].startswith("希望多安排")


def test_the_api_refuses_missing_answers_a_full_class_and_no_class_changing_nothing(world):
    api = APIClient()
    api.force_login(world.user)
    body = {"programme": world.programme.pk, "item": "l2-c1", "person": world.teacher.pk}
    refused = error(
        api.post(
            "/api/v1/enrollments/",
            {**body, "training_class": world.training_class.pk, "answers": {"needs": "x"}},
            format="json",
        ),
        400,
        "application_incomplete",
    )
    assert "请填写“3.民族”" in refused["message"]
    refused = error(
        api.post("/api/v1/enrollments/", {**body, "answers": answers()}, format="json"), 400
    )
    assert "请选择要报名的项目班次" in refused["message"]
    TrainingClass.objects.filter(pk=world.training_class.pk).update(capacity=1, seats_taken=1)
    refused = error(
        api.post(
            "/api/v1/enrollments/",
            {**body, "training_class": world.training_class.pk, "answers": answers()},
            format="json",
        ),
        409,
        "class_full",
    )
    assert "已满（1 人）" in refused["message"]
    assert not Enrollment.objects.exists() and not Application.objects.exists()
