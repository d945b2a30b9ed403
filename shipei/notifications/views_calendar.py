"""我的日程: a person's events from every app, and their ICS feed's secret address."""

from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from shipei.core.errors import NotFound

from . import services
from .calendar import events_for, ics
from .models import CalendarFeed


@require_GET
@login_required
def calendar_view(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    events = [e for e in events_for(request.user) if _last_day(e) >= today]
    months = [
        {"month": month, "events": list(rows)}
        for month, rows in groupby(events, key=lambda e: (_first_day(e).year, _first_day(e).month))
    ]
    feed = CalendarFeed.objects.filter(user=request.user).first()
    url = request.build_absolute_uri(reverse("feed", args=[feed.token])) if feed else ""
    return render(
        request,
        "notifications/calendar.html",
        {
            "months": months,
            "feed": feed,
            "feed_url": url,
            "webcal_url": "webcal://" + url.split("://", 1)[1] if url else "",
            "breadcrumbs": [(_("我的日程"), None)],
        },
    )


def _first_day(event):
    start = event.start
    return timezone.localtime(start).date() if hasattr(start, "hour") else start


def _last_day(event):
    end = event.end
    return timezone.localtime(end).date() if hasattr(end, "hour") else end


@require_POST
@login_required
def feed_reset(request: HttpRequest) -> HttpResponse:
    services.calendar_feed_reset(user=request.user)
    messages.success(request, _("已生成新的订阅地址；旧地址（如有）已失效。"))
    return redirect("notifications:calendar")


@require_POST
@login_required
def feed_revoke(request: HttpRequest) -> HttpResponse:
    services.calendar_feed_revoke(user=request.user)
    messages.success(request, _("已停用日程订阅，原订阅地址不再可用。"))
    return redirect("notifications:calendar")


@never_cache
@require_GET
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The feed itself: no login (a calendar app cannot log in); the token is the key."""
    found = CalendarFeed.objects.select_related("user").filter(token=token).first()
    if found is None or not found.user.is_active:
        raise NotFound()
    body = ics(
        events_for(found.user), name=_("师培日程 · %(name)s") % {"name": found.user.display_name}
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="shipei.ics"'
    return response
