"""消息中心: the user's own messages, unread first; mark one or all read."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from shipei.core.errors import NotFound
from shipei.core.views_util import per_page

from . import selectors, services
from .models import Notification


def _own(request: HttpRequest, pk: int) -> Notification:
    """Someone else's message looks missing (404), like anything out of scope."""
    notification = Notification.objects.filter(pk=pk, user_id=request.user.pk).first()
    if notification is None:
        raise NotFound()
    return notification


def _back(request: HttpRequest) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("notifications:list")


@require_GET
@login_required
def notification_list_view(request: HttpRequest) -> HttpResponse:
    unread_only = request.GET.get("status") == "unread"
    page = Paginator(
        selectors.notification_list(user=request.user, unread_only=unread_only),
        per_page(request),
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/list.html",
        {
            "page": page,
            "status": "unread" if unread_only else "",
            "unread_total": selectors.unread_count(user=request.user),
            "page_sizes": (10, 20, 50, 100),
            "breadcrumbs": [(_("消息中心"), None)],
        },
    )


@require_POST
@login_required
def notification_read_view(request: HttpRequest, pk: int) -> HttpResponse:
    notification = services.notification_mark_read(
        user=request.user, notification=_own(request, pk)
    )
    if request.htmx:
        return render(
            request,
            "notifications/_item.html",
            {
                "n": notification,
                "oob": True,
                "unread_total": selectors.unread_count(user=request.user),
            },
        )
    return redirect(_back(request))


@require_POST
@login_required
def notification_open_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Follow a message's link, marking it read on the way."""
    notification = services.notification_mark_read(
        user=request.user, notification=_own(request, pk)
    )
    if notification.url and url_has_allowed_host_and_scheme(
        notification.url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(notification.url)
    return redirect(_back(request))


@require_POST
@login_required
def notification_read_all_view(request: HttpRequest) -> HttpResponse:
    count = services.notification_mark_all_read(user=request.user)
    if count:
        messages.success(request, _("已将 %(n)s 条消息标为已读。") % {"n": count})
    return redirect(_back(request))
