"""Requests the database must not see, and database refusals users should not see as 500s.

Reject NUL characters in query strings and forms before they reach a query.

PostgreSQL text cannot hold NUL (0x00); a filter or form field carrying one would end as a
database error (500). No real input contains it, so the request is refused as bad input.
"""

from collections.abc import Callable

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from .errors import SystemBusy


class RejectNulMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _has_nul(request):
            message = _("提交的内容含有不允许的控制字符，请检查后重试。")
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"code": "invalid", "message": message, "fields": {}}, status=400
                )
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


def _has_nul(request: HttpRequest) -> bool:
    sources = [request.GET]
    if request.method == "POST" and request.content_type in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        sources.append(request.POST)
    return any(
        "\x00" in key or any("\x00" in v for v in values)
        for source in sources
        for key, values in source.lists()
    )


# PostgreSQL lock_not_available (lock_timeout) and query_canceled (statement_timeout).
_BUSY_SQLSTATES = {"55P03", "57014"}


def is_busy(exc: BaseException) -> bool:
    """Whether a database error means "try again shortly" rather than a bug."""
    if not isinstance(exc, OperationalError):
        return False
    cause = exc.__cause__
    if getattr(cause, "sqlstate", None) in _BUSY_SQLSTATES:
        return True
    return "database is locked" in str(exc)  # SQLite's busy timeout


class SystemBusyMiddleware:
    """A lock or statement timeout becomes "系统繁忙，请稍后再试" (503), never a 500."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if not is_busy(exc):
            return None
        busy = SystemBusy()
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"code": busy.code, "message": busy.message, "fields": {}},
                status=busy.status,
                headers={"Retry-After": "5"},
            )
        response = render(request, "503.html", {"message": busy.message}, status=busy.status)
        response["Retry-After"] = "5"
        return response
