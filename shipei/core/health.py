"""Health probes for the proxy, the load balancer and monitoring.

- ``/health/live``: the process answers. Touches nothing (no database, session or Redis), so a
  database outage does not make every app server look dead and get restarted.
- ``/health/ready``: this app server can serve: the database answers a trivial query and the
  cache (Redis in production) answers. 503 with Retry-After and the failing part otherwise.

Answered by a middleware placed first, before the host check, the HTTPS redirect, sessions and
any admission gate: a probe comes straight to an app server's port with that server's address
as its Host, over plain HTTP, and must be answered during a rush too.
"""

import logging
from collections.abc import Callable

from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _cache() -> None:
    # A read is a round trip: it raises when Redis cannot be reached.
    cache.get("health:ready")


CHECKS: dict[str, Callable[[], None]] = {"database": _database, "cache": _cache}


def live() -> HttpResponse:
    return JsonResponse({"status": "ok"})


def ready() -> HttpResponse:
    checks = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception:
            log.warning("readiness check %s failed", name, exc_info=True)
            checks[name] = "failed"
        else:
            checks[name] = "ok"
    failed = [name for name, state in checks.items() if state != "ok"]
    if failed:
        return JsonResponse(
            {"status": "unavailable", "failed": failed, "checks": checks},
            status=503,
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    return JsonResponse({"status": "ok", "checks": checks})


PROBES = {"/health/live": live, "/health/ready": ready}


class HealthMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        probe = PROBES.get(request.path_info.rstrip("/"))
        if probe is None or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        response = probe()
        response["Cache-Control"] = "no-store"
        return response
