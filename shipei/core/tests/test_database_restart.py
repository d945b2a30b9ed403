"""A database that goes away (stopped, restarted, failed over) answers "busy": 503 with
Retry-After, at once, never a 500 nor a wait into the client's timeout; the first request after it
is back succeeds.

Against a PostgreSQL cluster of the test's own (the shared server is never stopped), through the
app's middleware, the API's exception handler and Django's connection pool as the app configures
it (settings.DATABASE_POOL). The probes read no table, so the cluster needs no migrations."""

import threading
import time
from collections.abc import Iterator

import pytest
from django.db import close_old_connections, connection, connections
from django.db.utils import load_backend
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import path
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from shipei.core.tests.throwaway_pg import ThrowawayPostgres


def _now() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT now()")
        return str(cursor.fetchone()[0])


def page_probe(request: HttpRequest) -> HttpResponse:
    return HttpResponse(_now())


class ApiProbe(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    def get(self, request: Request) -> Response:
        return Response({"now": _now()})


urlpatterns = [path("probe/", page_probe), path("api/v1/probe/", ApiProbe.as_view())]


# Shorter than the app's (settings.DATABASE_POOL), so that the test takes seconds.
POOL_TIMEOUT = 2.0


@pytest.fixture(scope="module")
def cluster() -> Iterator[ThrowawayPostgres]:
    pg = ThrowawayPostgres()
    pg.start()
    yield pg
    pg.remove()


@pytest.fixture
def app_on_cluster(cluster, settings, django_db_blocker) -> Iterator[None]:
    """This thread's default connection goes to the cluster, pooled as in production (but for
    the timeout)."""
    saved = connections["default"]
    params = {
        **saved.settings_dict,
        "NAME": "postgres",
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": "127.0.0.1",
        "PORT": str(cluster.port),
        "OPTIONS": {
            **saved.settings_dict["OPTIONS"],
            "pool": {**settings.DATABASE_POOL, "timeout": POOL_TIMEOUT},
        },
    }
    wrapper = load_backend(params["ENGINE"]).DatabaseWrapper(params, "default")
    connections["default"] = wrapper
    with django_db_blocker.unblock():
        yield
    wrapper.close()
    wrapper.close_pool()
    connections["default"] = saved


def _get(client: Client, url: str) -> tuple[HttpResponse, float]:
    """A GET and its seconds, its connection given back to the pool at the end as under a
    server (the test client keeps it, for tests in a transaction)."""
    started = time.monotonic()
    response = client.get(url)
    close_old_connections()
    return response, time.monotonic() - started


@pytest.mark.postgres
@pytest.mark.urls(__name__)
def test_a_stopped_database_is_busy_and_the_next_request_after_its_restart_succeeds(
    cluster, app_on_cluster
):
    client = Client(raise_request_exception=False)
    assert _get(client, "/api/v1/probe/")[0].status_code == 200
    assert _get(client, "/probe/")[0].status_code == 200

    cluster.stop()  # every pooled connection is dropped; new ones are refused
    try:
        api, dropped = _get(client, "/api/v1/probe/")  # on a pooled connection, now dead
        page, refused = _get(client, "/probe/")  # no connection to be had
    finally:
        cluster.start()
    back, waited = _get(client, "/api/v1/probe/")

    assert (api.status_code, api["Retry-After"]) == (503, "5")
    assert api.json() == {"code": "system_busy", "message": "系统繁忙，请稍后再试。", "fields": {}}
    assert (page.status_code, page["Retry-After"]) == (503, "5")
    assert "系统繁忙，请稍后再试。" in page.content.decode()
    # A dropped connection fails at once; with none to be had, after the pool's timeout.
    assert dropped < 0.5
    assert refused < POOL_TIMEOUT + 0.5
    assert back.status_code == 200
    assert waited < POOL_TIMEOUT
    assert _get(client, "/probe/")[0].status_code == 200


def _checked() -> None:
    """Wait for the pools' check that a dropped connection starts (middleware.check_pools)."""
    for thread in threading.enumerate():
        if thread.name == "check-pools":
            thread.join(5)


@pytest.mark.postgres
@pytest.mark.urls(__name__)
def test_after_a_restart_one_request_is_told_busy_and_the_pool_is_renewed_for_the_next(
    cluster, app_on_cluster
):
    """Every pooled connection died in the restart, unseen: the first request to use one is
    told busy, and has the others checked, so that the requests after it are not."""
    client = Client(raise_request_exception=False)
    assert _get(client, "/api/v1/probe/")[0].status_code == 200
    cluster.stop()
    cluster.start()

    first, seconds = _get(client, "/api/v1/probe/")
    _checked()
    after = [_get(client, url)[0].status_code for url in ["/api/v1/probe/", "/probe/"] * 2]

    assert (first.status_code, first["Retry-After"]) == (503, "5")
    assert seconds < 0.5
    assert after == [200] * 4
