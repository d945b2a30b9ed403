"""The pages: staff schedule sessions from the class's schedule; a trainee sees today's
sessions, their progress and hours; the schedule exports as .xlsx."""

import datetime
import io
from decimal import Decimal

from django.utils import timezone
from openpyxl import load_workbook

from shipei.accounts.models import TeacherProfile
from shipei.schedule.models import Progress, Resource, Session

from .conftest import at, day, offline


def form(**overrides):
    return {
        "kind": "offline",
        "title": "数字化教学设计",
        "day": day(0).isoformat(),
        "starts": "09:00",
        "ends": "12:00",
        "hours": "4",
        "room": "实训楼 301",
        **overrides,
    }


def test_staff_add_a_session_and_see_it_under_its_day(client, base_admin, cls, teacher):
    client.force_login(base_admin.user)
    page = client.get(f"/schedule/classes/{cls.pk}/add/")
    assert teacher.person.name in page.content.decode()  # the base's people may teach
    done = client.post(
        f"/schedule/classes/{cls.pk}/add/", form(staff=[teacher.person.pk]), follow=True
    )
    html = done.content.decode()
    assert "课次已安排。" in html
    assert day(0).isoformat() in html and "09:00–12:00" in html and "实训楼 301" in html
    assert Session.objects.get().staff.get() == teacher.person


def test_a_session_outside_the_class_dates_is_shown_beside_the_field(client, base_admin, cls):
    client.force_login(base_admin.user)
    outside = (cls.ends_on + datetime.timedelta(days=3)).isoformat()
    page = client.post(f"/schedule/classes/{cls.pk}/add/", form(day=outside))
    html = page.content.decode()
    assert page.status_code == 200
    assert "课次须安排在班次培训日期" in html
    assert not Session.objects.exists()


def test_a_trainee_may_read_the_schedule_but_not_add(client, trainee, enrolled, cls):
    client.force_login(trainee.user)
    assert client.get(f"/schedule/classes/{cls.pk}/").status_code == 200
    assert client.get(f"/schedule/classes/{cls.pk}/add/").status_code == 403
    assert client.post(f"/schedule/classes/{cls.pk}/add/", form()).status_code == 403
    assert not Session.objects.exists()


def test_others_do_not_see_the_schedule(client, teacher, cls):
    client.force_login(teacher.user)
    assert client.get(f"/schedule/classes/{cls.pk}/").status_code == 404


def test_a_trainee_sees_todays_sessions_progress_and_hours(client, trainee, enrolled, cls):
    now = timezone.localtime()
    cls.starts_on, cls.ends_on = now.date(), now.date() + datetime.timedelta(days=2)
    cls.save()
    start = now.replace(hour=9, minute=0, second=0, microsecond=0)
    Session.objects.create(
        training_class=cls,
        **offline(title="今日面授", starts_at=start, ends_at=start + datetime.timedelta(hours=3)),
    )
    video = Resource.objects.create(project=cls.project, title="课程思政", kind="video", minutes=90)
    Progress.objects.create(enrollment=enrolled, resource=video, watched_seconds=45 * 60)
    TeacherProfile.objects.create(person=trainee.person)
    client.force_login(trainee.user)
    home = client.get("/").content.decode()
    assert "今日课次与学时" in home and "今日面授" in home
    assert "已获 <strong>1</strong> / 40 学时" in home
    mine = client.get("/schedule/mine/").content.decode()
    assert "今日面授" in mine
    assert "45 / 90 分钟" in mine
    assert "线上自学每 45 分钟计 1 学时" in mine


def test_the_schedule_exports_as_xlsx_in_order(client, base_admin, cls, teacher):
    late = Session.objects.create(
        training_class=cls, **offline(title="说课", starts_at=at(1, 9), ends_at=at(1, 11))
    )
    early = Session.objects.create(training_class=cls, **offline())
    early.staff.add(teacher.person)
    client.force_login(base_admin.user)
    response = client.get(f"/schedule/classes/{cls.pk}/export/")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][:6] == ["日期", "开始时间", "结束时间", "课程名称", "课次类型", "学时"]
    assert rows[1][:7] == [
        day(0).isoformat(),
        "09:00",
        "12:00",
        "数字化教学设计",
        "线下面授",
        "4.0",
        teacher.person.name,
    ]
    assert rows[2][3] == late.title
    assert Decimal(rows[2][5]) == Decimal("4")


def test_staff_change_a_session_from_its_form(client, base_admin, cls):
    session = Session.objects.create(training_class=cls, **offline())
    client.force_login(base_admin.user)
    page = client.get(f"/schedule/sessions/{session.pk}/").content.decode()
    assert 'value="09:00"' in page and "删除课次" in page
    client.post(f"/schedule/sessions/{session.pk}/", form(starts="14:00", ends="17:00"))
    session.refresh_from_db()
    assert timezone.localtime(session.starts_at).strftime("%H:%M") == "14:00"


def test_the_base_adds_to_the_package_and_sees_the_video_share(client, base_admin, cls):
    client.force_login(base_admin.user)
    url = f"/schedule/projects/{cls.project.pk}/resources/"
    client.post(url, {"title": "微课", "kind": "video", "minutes": "20", "source": ""})
    refused = client.post(url, {"title": "长", "kind": "video", "minutes": "-4", "source": ""})
    assert (
        "时长须为 1 至" in refused.content.decode()
        or "确保该值大于或等于1" in refused.content.decode()
    )
    client.post(url, {"title": "讲义", "kind": "document", "minutes": "80", "source": ""})
    page = client.get(url).content.decode()
    assert "视频资源占比：<strong>20%</strong>" in page and "未达标" in page
    assert list(Resource.objects.values_list("title", flat=True)) == ["微课", "讲义"]


def test_the_add_form_starts_on_today_in_a_running_class_else_on_its_first_day(
    client, base_admin, cls
):
    client.force_login(base_admin.user)
    page = client.get(f"/schedule/classes/{cls.pk}/add/").content.decode()
    assert f'value="{cls.starts_on.isoformat()}"' in page  # the class starts in ten days
    today = timezone.localdate()
    cls.starts_on, cls.ends_on = today - datetime.timedelta(days=2), today + datetime.timedelta(2)
    cls.save()
    page = client.get(f"/schedule/classes/{cls.pk}/add/").content.decode()
    assert f'value="{today.isoformat()}"' in page
