"""Requests the database must not see, and database failures users should not see as 500s.

Reject NUL characters in query strings and forms before they reach a query.

PostgreSQL text cannot hold NUL (0x00); a filter or form field carrying one would end as a
database error (500). No real input contains it, so the request is refused as bad input.
"""

import functools
import json
import sqlite3
import threading
from collections.abc import Callable

import redis
from django.db import InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.template.loader import render_to_string
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


# Seconds a busy client is asked to wait before it tries again.
RETRY_AFTER = 5

# "Try again shortly", by SQLSTATE: lock_not_available (lock_timeout), a connection's failure
# (class 08), too few resources (53: too many connections...), an operator's intervention (57:
# query_canceled by statement_timeout, the server shutting down or starting up), a deadlock or
# serialization failure (40).
_BUSY_SQLSTATES = {"55P03"}
_BUSY_CLASSES = {"08", "40", "53", "57"}
# Of those, the server ended the session: shut down (57P01), crashed (57P02), not up (57P03).
_GONE_SQLSTATES = {"57P01", "57P02", "57P03"}


# The shared cache (Redis: sessions, rate limits, flags) unreachable or not answering in time.
_CACHE_DOWN = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)


def is_busy(exc: BaseException | None) -> bool:
    """Whether an error means "try again shortly" rather than a bug: a lock or statement
    timeout, the database restarting or unreachable, no pooled connection in time, a connection
    that went away (InterfaceError), SQLite's busy timeout; Redis unreachable or too slow.

    A connection the server dropped has the process's pools checked too (check_pools)."""
    if isinstance(exc, _CACHE_DOWN):
        return True
    if isinstance(exc, InterfaceError):
        check_pools()
        return True
    if not isinstance(exc, OperationalError):
        return False
    cause = exc.__cause__
    if isinstance(cause, sqlite3.Error):
        return "database is locked" in str(exc)  # SQLite's others are bugs (no such table...)
    state = getattr(cause, "sqlstate", None)
    if state is None or state[:2] == "08" or state in _GONE_SQLSTATES:
        # libpq's own (refused, closed; and the pool's PoolTimeout), or the server's
        check_pools()
        return True
    return state in _BUSY_SQLSTATES or state[:2] in _BUSY_CLASSES


_checking = threading.Lock()


def check_pools() -> None:
    """Check the idle connections of the process's pools, in the background, once at a time.

    A server that restarted (or failed over) dropped every connection opened before: without a
    check each idle one would cost one more request its 503 when it is next handed out, and the
    first request after the restart would fail. psycopg_pool's check() discards the dead ones
    and opens new ones. In the background, because a connection to a server that vanished
    without closing it can take a while to fail."""
    pools = [
        pool
        for conn in connections.all(initialized_only=True)
        if (pool := getattr(conn, "pool", None)) is not None
    ]
    if not pools or not _checking.acquire(blocking=False):
        return

    def check() -> None:
        try:
            for pool in pools:
                pool.check()
        finally:
            _checking.release()

    threading.Thread(target=check, name="check-pools", daemon=True).start()


def busy_response(request: HttpRequest) -> HttpResponse:
    """503 "系统繁忙，请稍后再试" with Retry-After: the API's error shape under /api/ (or to a client
    that takes JSON but not HTML), else the busy page. Nothing of the request is read beyond its
    path and Accept header (no session, user or database): it is also the answer when those are
    what is failing, or when the process is too busy to look. Its body is made once a process:
    in a rush most answers are this one."""
    if request.path.startswith("/api/") or not request.accepts("text/html"):
        content, content_type = _busy_json(), "application/json"
    else:
        content, content_type = _busy_page(), "text/html; charset=utf-8"
    response = HttpResponse(content, content_type=content_type, status=SystemBusy.status)
    response["Retry-After"] = str(RETRY_AFTER)
    return response


@functools.cache
def _busy_json() -> bytes:
    busy = SystemBusy()
    return json.dumps({"code": busy.code, "message": busy.message, "fields": {}}).encode()


@functools.cache
def _busy_page() -> str:
    # Without the request: the context processors would read the user and the database.
    return render_to_string("503.html", {"message": SystemBusy().message})


class SystemBusyMiddleware:
    """An error that means "try again shortly" (is_busy: the database, Redis) becomes "系统繁忙，请稍后再试"
    (503 with Retry-After), never a 500. This catches what a view raises; what a middleware
    below raises reaches the 500 handler (core.views.error_500), which answers the same."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if not is_busy(exc):
            return None
        return busy_response(request)
