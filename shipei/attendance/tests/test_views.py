"""The attendance pages: the class page with who is near the limit, the phone grid, the room's
screen, the trainee's check-in, the exports (masked) and the import; scope (404) and role (403)."""

import datetime
import io

from django.utils import timezone
from openpyxl import load_workbook

from shipei.attendance import qr, services
from shipei.attendance.models import AttendanceRecord
from shipei.attendance.tests.conftest import add_session

S = AttendanceRecord.Status


def test_the_grid_lists_the_roster_present_by_default_and_saves_the_class_in_one_post(
    client, base_admin, trainees, sessions
):
    client.force_login(base_admin.user)
    url = f"/attendance/sessions/{sessions['design'].pk}/grid/"
    page = client.get(url).content.decode()
    for t in trainees:
        assert f'name="e_{t.enrollment.pk}" value="present"' in page

    marks = {f"e_{t.enrollment.pk}": "present" for t in trainees}
    marks[f"e_{trainees[2].enrollment.pk}"] = "leave"
    response = client.post(url, marks, follow=True)

    assert "已保存 3 名学员的考勤（新记录 3 条，修改 0 条）。" in response.content.decode()
    assert AttendanceRecord.objects.get(enrollment=trainees[2].enrollment).status == S.LEAVE


def test_the_grid_shows_a_refusal_and_keeps_the_taps(client, base_admin, trainees, sessions):
    client.force_login(base_admin.user)
    url = f"/attendance/sessions/{sessions['tomorrow'].pk}/grid/"
    response = client.post(url, {f"e_{trainees[0].enrollment.pk}": "leave"})
    page = response.content.decode()
    assert response.status_code == 200 and "尚未开始" in page
    assert f'name="e_{trainees[0].enrollment.pk}" value="leave"' in page
    assert not AttendanceRecord.objects.exists()


def test_another_province_gets_404_and_a_province_that_only_sees_gets_403(
    client, jiangsu_admin, zhejiang_admin, trainees, sessions
):
    session = sessions["design"]
    client.force_login(jiangsu_admin.user)
    for url in (
        f"/attendance/classes/{session.training_class_id}/",
        f"/attendance/sessions/{session.pk}/grid/",
        f"/attendance/sessions/{session.pk}/screen/",
        f"/attendance/classes/{session.training_class_id}/export/sheet/",
    ):
        assert client.get(url).status_code == 404, url
    client.force_login(zhejiang_admin.user)
    assert client.get(f"/attendance/classes/{session.training_class_id}/").status_code == 200
    assert client.get(f"/attendance/sessions/{session.pk}/grid/").status_code == 403
    assert client.get(f"/attendance/sessions/{session.pk}/screen/").status_code == 403
    assert client.get(f"/attendance/classes/{session.training_class_id}/import/").status_code == 403


def test_a_trainee_cannot_open_the_grid_or_the_screen(client, trainees, sessions):
    client.force_login(trainees[0].user)
    assert client.get(f"/attendance/sessions/{sessions['now'].pk}/grid/").status_code == 404
    assert client.get(f"/attendance/sessions/{sessions['now'].pk}/screen/").status_code == 404


def test_the_class_page_and_the_class_panel_name_who_is_near_the_limit(
    client, base_admin, trainees, sessions
):
    services.attendance_mark(
        actor=base_admin.user,
        session=sessions["design"],
        marks={trainees[0].enrollment.pk: "absent", trainees[1].enrollment.pk: "present"},
    )
    services.attendance_mark(
        actor=base_admin.user,
        session=sessions["analysis"],
        marks={trainees[2].enrollment.pk: "absent"},
    )
    services.attendance_mark(
        actor=base_admin.user,
        session=sessions["design"],
        marks={trainees[2].enrollment.pk: "leave"},
    )
    client.force_login(base_admin.user)
    cls = sessions["design"].training_class
    for url in (f"/attendance/classes/{cls.pk}/", f"/classes/{cls.pk}/"):
        page = client.get(url).content.decode()
        assert "临近上限，还可缺 2 学时" in page, url  # 王芳: 2 hours missed, tomorrow is 4
        assert "超过上限，不能参加考核" in page, url  # 张敏: 6 hours
        assert trainees[0].person.name in page and trainees[2].person.name in page


def test_the_screen_shows_a_code_that_checks_in_to_this_session(
    client, base_admin, trainees, sessions
):
    session = sessions["now"]
    client.force_login(base_admin.user)
    page = client.get(f"/attendance/sessions/{session.pk}/screen/").content.decode()
    code = qr.code_for(session.pk, timezone.now())
    assert "<svg" in page and "已签到 0 / 3 人" in page
    fragment = client.get(
        f"/attendance/sessions/{session.pk}/screen/", headers={"HX-Request": "true"}
    )
    assert fragment.content.decode().startswith('<div id="sp-att-code"')

    client.force_login(trainees[0].user)
    url = f"/attendance/c/{session.pk}/{code.slot}/{code.sig}/"
    assert "确认签到" in client.get(url).content.decode()
    done = client.post(url).content.decode()
    assert "签到成功" in done and "迟到" in done
    assert "本班已计入 2 学时" in done


def test_an_old_photo_of_the_code_says_so_when_opened(client, trainees, sessions):
    session = sessions["now"]
    old = qr.code_for(session.pk, timezone.now() - datetime.timedelta(minutes=2))
    client.force_login(trainees[0].user)
    page = client.get(f"/attendance/c/{session.pk}/{old.slot}/{old.sig}/").content.decode()
    assert "签到码已过期" in page and "确认签到" not in page
    client.post(f"/attendance/c/{session.pk}/{old.slot}/{old.sig}/")
    assert not AttendanceRecord.objects.exists()


def test_the_check_in_url_asks_for_a_login_first(client, sessions):
    code = qr.code_for(sessions["now"].pk, timezone.now())
    response = client.get(f"/attendance/c/{sessions['now'].pk}/{code.slot}/{code.sig}/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_the_exports_mask_id_numbers_and_mobiles(client, base_admin, trainees, sessions):
    services.attendance_mark(
        actor=base_admin.user,
        session=sessions["analysis"],
        marks={t.enrollment.pk: "present" for t in trainees},
    )
    client.force_login(base_admin.user)
    cls = sessions["analysis"].training_class
    sheet = load_workbook(
        io.BytesIO(client.get(f"/attendance/classes/{cls.pk}/export/sheet/").content)
    ).active
    values = [[c.value for c in row] for row in sheet.iter_rows(min_row=4)]
    numbers = {row[4] for row in values}
    assert all("********" in n for n in numbers)
    assert not {t.person._id_number() for t in trainees} & numbers
    assert {row[5] for row in values} == {"出勤"}

    hours = load_workbook(
        io.BytesIO(client.get(f"/attendance/classes/{cls.pk}/export/hours/").content)
    ).active
    rows = [[c.value for c in row] for row in hours.iter_rows(min_row=4)]
    assert all("****" in r[4] for r in rows if r[4])
    assert {r[10] for r in rows} == {4}  # hours credited
    assert {r[13] for r in rows} == {"可参加考核"}
    assert client.get(f"/attendance/classes/{cls.pk}/export/other/").status_code == 404


def test_the_import_page_takes_the_filled_sheet(client, base_admin, trainees, sessions):
    from shipei.attendance.tests.test_imports import fill_two_sessions, sheet_with

    cls = sessions["analysis"].training_class
    client.force_login(base_admin.user)
    upload = sheet_with(cls, fill_two_sessions(sessions))
    response = client.post(f"/attendance/classes/{cls.pk}/import/", {"file": upload}, follow=True)
    assert "考勤已导入：新记录 5 条，修改 0 条，未变 0 条。" in response.content.decode()


def test_the_menu_offers_attendance_to_the_base_and_to_a_sessions_teacher(
    client, base_admin, trainees, sessions, city_admin
):
    client.force_login(base_admin.user)
    page = client.get("/attendance/").content.decode()
    assert "考勤管理" in page and str(sessions["now"].training_class) in page
    client.force_login(city_admin.user)
    assert 'href="/attendance/"' not in client.get("/").content.decode()


def test_a_self_paced_session_takes_no_attendance(client, base_admin, trainees, running_class):
    from shipei.schedule.models import Resource

    resource = Resource.objects.create(
        project=running_class.project, title="微课", kind="video", minutes=30
    )
    session = add_session(
        running_class,
        "线上自学",
        -datetime.timedelta(hours=30),
        "1",
        kind="self_paced",
        resource=resource,
        room="",
    )
    client.force_login(base_admin.user)
    page = client.post(
        f"/attendance/sessions/{session.pk}/grid/", {f"e_{trainees[0].enrollment.pk}": "present"}
    ).content.decode()
    assert "线上自学课次，按学习进度计学时" in page
    assert "线上自学" not in client.get(f"/attendance/classes/{running_class.pk}/").content.decode()
