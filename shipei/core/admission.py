"""Admission: how many requests one app process works on at a time; any beyond are told "busy"
at once.

In a rush (a national phase opening its seats at an announced minute) more requests arrive than
the servers can work through. Queued, they would wait until their clients give up, and the work
then done for them would be wasted. So each process works on at most ``ADMISSION_LIMIT``
requests at a time and answers any more at once with 503 "系统繁忙，请稍后再试" and Retry-After
(``middleware.busy_response``), before the session, the user or the database is read: every
attempt gets an answer, and a refusal costs Django about 0.1 ms (gunicorn's own handling of the
request, some 0.8 ms on the bench's machine, comes on top: bench/README.md). 0 turns the limit
off.

The limit counts every request but the health checks (the proxy must still be able to tell a
busy server from a dead one: /health/live and /health/ready are answered before this middleware,
by core.health) and static files (served before it too). gunicorn's gthread worker runs a
process's requests on its threads: with a limit below the threads, the threads left over answer
"busy" while the others work; with a limit at or above them, requests wait in gunicorn's queue
before this middleware sees them, and nothing is refused.
"""

import functools
import threading
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.http import HttpRequest, HttpResponse

from .middleware import busy_response

# Never counted, never refused: the older probe (core.health answers the others first).
HEALTH_PATHS = frozenset({"/healthz"})


@functools.cache
def slots(limit: int) -> threading.BoundedSemaphore:
    """The process's slots for requests in flight: one set per process, whichever handler (or
    test client) asks."""
    return threading.BoundedSemaphore(limit)


class AdmissionMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        if not settings.ADMISSION_LIMIT:
            raise MiddlewareNotUsed()
        self.get_response = get_response
        self.slots = slots(settings.ADMISSION_LIMIT)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path in HEALTH_PATHS:
            return self.get_response(request)
        if not self.slots.acquire(blocking=False):  # never waits: a full process says so
            response = busy_response(request)
            # Not logged one by one as a server error (django.request): in a rush they come by
            # the thousand a second, and each line would cost what the refusal saves.
            response._has_been_logged = True  # type: ignore[attr-defined]
            return response
        try:
            return self.get_response(request)
        finally:
            self.slots.release()
