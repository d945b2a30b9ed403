"""The core teacher's calendar page and ICS feed: subscribable, parseable, revocable."""

import datetime

import pytest
from django.urls import reverse
from icalendar import Calendar

from shipei.notifications.models import CalendarFeed
from shipei.staffing import services
from shipei.staffing.models import Assignment

from .conftest import user_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def invited(base_admin, klass, pool):
    """An invitation waiting for a core teacher's answer."""
    services.class_recommend(actor=base_admin.user, training_class=klass)
    rows = list(Assignment.objects.filter(training_class=klass, core_teacher__in=pool[:3])[:1])
    for a in rows:
        services.assignment_invite(actor=base_admin.user, assignment=a)
    return rows[0]


def test_the_feed_is_a_valid_calendar_with_one_stable_uid_per_assignment(client, invited, klass):
    user = user_of(invited.core_teacher)
    client.force_login(user)
    client.post(reverse("notifications:feed_reset"))
    feed = CalendarFeed.objects.get(user=user)
    client.logout()  # a calendar app does not log in

    first = client.get(reverse("feed", args=[feed.token]))

    assert first.status_code == 200 and first["Content-Type"].startswith("text/calendar")
    raw = first.content
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    [event] = Calendar.from_ical(raw).walk("VEVENT")
    assert str(event["UID"]) == f"core-assignment-{invited.pk}@shipei"
    assert event["DTSTART"].dt == klass.starts_on
    assert event["DTEND"].dt == klass.ends_on + datetime.timedelta(days=1)  # exclusive
    assert str(event["STATUS"]) == "TENTATIVE"
    assert str(klass) in str(event["SUMMARY"])

    services.assignment_accept(actor=user, assignment=invited)
    [again] = Calendar.from_ical(client.get(reverse("feed", args=[feed.token])).content).walk(
        "VEVENT"
    )
    assert str(again["UID"]) == str(event["UID"]) and str(again["STATUS"]) == "CONFIRMED"


def test_a_revoked_or_replaced_address_answers_404(client, invited):
    user = user_of(invited.core_teacher)
    client.force_login(user)
    client.post(reverse("notifications:feed_reset"))
    old = CalendarFeed.objects.get(user=user).token
    client.post(reverse("notifications:feed_reset"))
    new = CalendarFeed.objects.get(user=user).token
    assert new != old
    assert client.get(reverse("feed", args=[old])).status_code == 404
    assert client.get(reverse("feed", args=[new])).status_code == 200

    client.post(reverse("notifications:feed_revoke"))
    assert client.get(reverse("feed", args=[new])).status_code == 404
    assert client.get(reverse("feed", args=["not-a-token"])).status_code == 404


def test_the_calendar_page_lists_the_class_and_offers_the_subscription(client, invited, klass):
    client.force_login(user_of(invited.core_teacher))
    page = client.get(reverse("notifications:calendar")).content.decode()
    assert str(klass) in page and "待答复" in page and "开通日程订阅" in page
    client.post(reverse("notifications:feed_reset"))
    page = client.get(reverse("notifications:calendar")).content.decode()
    assert "webcal://" in page and "停用订阅" in page
