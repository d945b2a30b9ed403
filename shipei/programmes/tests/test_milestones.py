"""Milestones before classes: where each stands on the programme's page, and a reminder to the
programme's office the day before one falls due."""

import datetime

from django.utils import timezone

from shipei.notifications.models import Notification
from shipei.programmes import services
from shipei.programmes.milestones import remind_milestones
from shipei.programmes.tests.test_editor import POLICY


def programme_with(zhejiang_admin, due: datetime.date):
    policy = {
        **POLICY,
        "milestones": [{"code": "plan", "label": "报送实施方案", "due": due.isoformat()}],
    }
    return services.programme_create(
        actor=zhejiang_admin.user,
        owner=zhejiang_admin.org,
        code="zj-milestones",
        title="2026年浙江省职业院校教师培训",
        year=2026,
        policy=policy,
    )


def test_the_office_is_reminded_once_the_day_before_a_milestone(
    zhejiang_admin, jiangsu_admin, city_admin
):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    programme_with(zhejiang_admin, tomorrow)
    assert remind_milestones() == 1
    assert remind_milestones() == 0  # once
    note = Notification.objects.get()
    assert note.user == zhejiang_admin.user
    assert "报送实施方案" in note.title and tomorrow.isoformat() in note.body


def test_a_milestone_far_ahead_reminds_nobody(zhejiang_admin):
    programme_with(zhejiang_admin, timezone.localdate() + datetime.timedelta(days=10))
    assert remind_milestones() == 0


def test_the_programme_page_says_how_each_milestone_stands(client, zhejiang_admin):
    programme = programme_with(zhejiang_admin, timezone.localdate() + datetime.timedelta(days=3))
    client.force_login(zhejiang_admin.user)
    page = client.get(programme.get_absolute_url()).content.decode()
    assert "报送实施方案" in page and "还有 3 天" in page
