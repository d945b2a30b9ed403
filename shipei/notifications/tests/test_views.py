"""消息中心: the user's own messages, unread first; marking read; the top bar's unread count."""

import datetime

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from shipei.notifications.context_processors import unread_count
from shipei.notifications.models import Notification

pytestmark = pytest.mark.django_db


def message(user, title, *, read=False, url="", minutes_ago=0):
    n = Notification.objects.create(user=user, title=title, url=url, body="正文")
    Notification.objects.filter(pk=n.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=minutes_ago),
        read_at=timezone.now() if read else None,
    )
    return n


def test_the_list_shows_unread_first_then_newest(client, school_coordinator):
    user = school_coordinator.user
    message(user, "已读的新消息", read=True, minutes_ago=1)
    message(user, "未读的旧消息", minutes_ago=60)
    message(user, "未读的新消息", minutes_ago=5)
    client.force_login(user)

    response = client.get(reverse("notifications:list"))

    assert response.status_code == 200
    titles = [n.title for n in response.context["page"]]
    assert titles == ["未读的新消息", "未读的旧消息", "已读的新消息"]
    assert "消息中心" in response.text and "未读 2 条" in response.text
    assert "共 3 条" in response.text


def test_the_unread_filter_and_paging_live_in_the_url(client, school_coordinator):
    user = school_coordinator.user
    for i in range(12):
        message(user, f"消息{i}", minutes_ago=i)
    message(user, "已读", read=True)
    client.force_login(user)

    page = client.get(reverse("notifications:list"), {"status": "unread", "per_page": 10})
    second = client.get(
        reverse("notifications:list"), {"status": "unread", "per_page": 10, "page": 2}
    )

    assert page.context["page"].paginator.count == 12
    assert len(page.context["page"]) == 10 and len(second.context["page"]) == 2
    assert "已读" not in [n.title for n in second.context["page"]]


def test_others_messages_are_not_listed(client, school_coordinator, city_admin):
    message(city_admin.user, "别人的消息")
    client.force_login(school_coordinator.user)

    response = client.get(reverse("notifications:list"))

    assert "别人的消息" not in response.text
    assert "暂无数据" in response.text


def test_mark_read_keeps_the_message_and_lowers_the_count(client, school_coordinator):
    n = message(school_coordinator.user, "待读")
    client.force_login(school_coordinator.user)

    response = client.post(reverse("notifications:read", args=[n.pk]))

    assert response.status_code == 302
    n.refresh_from_db()
    assert n.read_at is not None
    assert client.get(reverse("notifications:list")).context["unread_total"] == 0


def test_mark_read_by_htmx_returns_the_row_and_the_new_counts(client, school_coordinator):
    n = message(school_coordinator.user, "待读")
    message(school_coordinator.user, "另一条")
    client.force_login(school_coordinator.user)

    response = client.post(
        reverse("notifications:read", args=[n.pk]), headers={"HX-Request": "true"}
    )

    assert response.status_code == 200
    assert f'id="notification-{n.pk}"' in response.text and "已读" in response.text
    assert "未读 1 条" in response.text and 'hx-swap-oob="true"' in response.text


def test_someone_elses_message_cannot_be_marked_read(client, school_coordinator, city_admin):
    n = message(city_admin.user, "别人的消息")
    client.force_login(school_coordinator.user)

    assert client.post(reverse("notifications:read", args=[n.pk])).status_code == 404
    assert client.post(reverse("notifications:open", args=[n.pk])).status_code == 404
    n.refresh_from_db()
    assert n.read_at is None


def test_mark_all_read_only_touches_ones_own_messages(client, school_coordinator, city_admin):
    message(school_coordinator.user, "一")
    message(school_coordinator.user, "二")
    other = message(city_admin.user, "别人的消息")
    client.force_login(school_coordinator.user)

    response = client.post(reverse("notifications:read_all"), follow=True)

    assert "已将 2 条消息标为已读" in response.text
    assert not Notification.objects.filter(user=school_coordinator.user, read_at=None).exists()
    other.refresh_from_db()
    assert other.read_at is None


def test_open_marks_read_and_follows_the_link(client, school_coordinator):
    n = message(school_coordinator.user, "有链接", url="/programmes/")
    client.force_login(school_coordinator.user)

    response = client.post(reverse("notifications:open", args=[n.pk]))

    assert response.status_code == 302 and response.url == "/programmes/"
    n.refresh_from_db()
    assert n.read_at is not None


def test_open_does_not_follow_a_link_off_the_site(client, school_coordinator):
    n = message(school_coordinator.user, "外部链接", url="https://evil.example/")
    client.force_login(school_coordinator.user)

    response = client.post(reverse("notifications:open", args=[n.pk]))

    assert response.url == reverse("notifications:list")


def test_the_page_needs_a_login(client):
    response = client.get(reverse("notifications:list"))

    assert response.status_code == 302 and "/login/" in response.url


def test_unread_count_counts_only_the_users_unread_messages(school_coordinator, city_admin):
    message(school_coordinator.user, "一")
    message(school_coordinator.user, "二", read=True)
    message(city_admin.user, "别人的")
    request = RequestFactory().get("/")
    request.user = school_coordinator.user

    assert unread_count(request) == {"unread_notifications": 1}


def test_unread_count_is_empty_for_anonymous_visitors():
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/")
    request.user = AnonymousUser()

    assert unread_count(request) == {}
