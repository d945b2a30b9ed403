"""A process works on at most ADMISSION_LIMIT requests at a time; any more are answered "busy"
(503 with Retry-After) at once, never queued; health probes are never counted or refused."""

import json
import threading
import time
from collections.abc import Iterator

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client

from shipei.core import admission
from shipei.core.admission import AdmissionMiddleware
from shipei.enrollment.models import Enrollment
from shipei.enrollment.tests.conftest import SELF_REGISTRATION, preset_programme


class _Slow:
    """A view that holds its request until told to finish, counting those it holds."""

    def __init__(self) -> None:
        self.finish = threading.Event()
        self.holding = threading.Semaphore(0)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        self.holding.release()
        if request.path == "/boom/":
            raise ValueError("a bug in the view")
        self.finish.wait(10)
        return HttpResponse("done")


@pytest.fixture
def gate(rf, settings) -> Iterator[tuple[AdmissionMiddleware, _Slow]]:
    settings.ADMISSION_LIMIT = 2
    view = _Slow()
    yield AdmissionMiddleware(view), view
    view.finish.set()


def _in_flight(middleware: AdmissionMiddleware, request: HttpRequest) -> threading.Thread:
    thread = threading.Thread(target=middleware, args=(request,))
    thread.start()
    return thread


def test_a_full_process_answers_busy_at_once_and_admits_again_when_a_request_ends(gate, rf):
    middleware, view = gate
    threads = [_in_flight(middleware, rf.post("/api/v1/enrollments/")) for _ in range(2)]
    for _ in threads:
        assert view.holding.acquire(timeout=5)

    started = time.monotonic()
    api = middleware(rf.post("/api/v1/enrollments/"))
    page = middleware(rf.post("/enrollment/apply/"))
    waited = time.monotonic() - started

    assert waited < 0.5  # told at once, not queued behind the two in flight
    assert api.status_code == 503 and api["Retry-After"] == "5"
    assert json.loads(api.content) == {
        "code": "system_busy",
        "message": "系统繁忙，请稍后再试。",
        "fields": {},
    }
    assert page.status_code == 503 and page["Retry-After"] == "5"
    assert "系统繁忙，请稍后再试。" in page.content.decode()
    view.finish.set()
    for thread in threads:
        thread.join(5)
    assert middleware(rf.post("/api/v1/enrollments/")).status_code == 200


def test_a_client_that_takes_json_is_told_in_json(gate, rf):
    middleware, view = gate
    threads = [_in_flight(middleware, rf.get("/enrollment/mine/")) for _ in range(2)]
    for _ in threads:
        assert view.holding.acquire(timeout=5)

    response = middleware(rf.post("/bench/bare/", HTTP_ACCEPT="application/json"))

    assert response.status_code == 503
    assert json.loads(response.content)["code"] == "system_busy"
    view.finish.set()
    for thread in threads:
        thread.join(5)


def test_a_request_that_fails_gives_its_slot_back(gate, rf):
    middleware, view = gate
    view.finish.set()
    for _ in range(3):  # more failures than slots
        with pytest.raises(ValueError):
            middleware(rf.get("/boom/"))

    assert middleware(rf.get("/enrollment/mine/")).status_code == 200


def test_without_a_limit_nothing_is_counted(settings):
    settings.ADMISSION_LIMIT = 0
    from django.core.exceptions import MiddlewareNotUsed

    with pytest.raises(MiddlewareNotUsed):
        AdmissionMiddleware(lambda request: HttpResponse())


@pytest.fixture
def full_process(settings) -> Iterator[None]:
    """The process at its limit: every slot held by requests in flight."""
    settings.ADMISSION_LIMIT = 3
    slots = admission.slots(3)
    for _ in range(3):
        assert slots.acquire(blocking=False)
    yield
    for _ in range(3):
        slots.release()


@pytest.mark.django_db
def test_a_submission_to_a_full_process_is_told_busy_and_writes_nothing(
    full_process, tree, trainee
):
    programme = preset_programme(SELF_REGISTRATION, "rush")
    client = Client()
    client.force_login(trainee.user)

    api = client.post(
        "/api/v1/enrollments/",
        {"programme": programme.pk, "item": "p1", "person": trainee.person.pk},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="first-try",
    )
    page = client.post("/enrollment/apply/", {"programme": programme.pk, "item": "p1"})

    assert (api.status_code, api["Retry-After"], api.json()["code"]) == (503, "5", "system_busy")
    assert page.status_code == 503 and "系统繁忙" in page.content.decode()
    assert not Enrollment.objects.exists()
    for probe in ("/healthz", "/health/live", "/health/ready"):
        assert client.get(probe).status_code == 200


@pytest.mark.django_db
def test_refusals_are_not_logged_one_by_one_as_server_errors(full_process, caplog):
    """A rush refuses thousands a second: a log line each would cost what the refusal saves."""
    with caplog.at_level("WARNING", logger="django.request"):
        response = Client().get("/enrollment/mine/")

    assert response.status_code == 503
    assert not [r for r in caplog.records if r.name == "django.request"]
