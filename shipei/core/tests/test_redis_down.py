"""Redis down (sessions, the cache, the rate limits, the flags of full quotas): every request
that needs it is answered 503 "系统繁忙" with Retry-After, never a 500, and no signed-in user is
signed out by it. A Redis server of the test's own is stopped; the shared one is never touched.
The flags fail open instead: quotas/tests/test_seats.py."""

import logging
import time
from typing import Any

import pytest
from django.test import Client

from shipei.core.tests.throwaway_redis import ThrowawayRedis


@pytest.fixture
def redis_server(settings):
    """Sessions and the cache in a Redis of the test's own, as in production."""
    server = ThrowawayRedis()
    server.start()
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": server.url,
            "OPTIONS": settings.REDIS_CACHE_OPTIONS,
        }
    }
    settings.SESSION_ENGINE = "shipei.core.sessions"
    yield server
    server.stop()


def _busy(response: Any, *, json: bool) -> None:
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    if json:
        assert response.json() == {
            "code": "system_busy",
            "message": "系统繁忙，请稍后再试。",
            "fields": {},
        }
    else:
        assert "系统繁忙，请稍后再试。" in response.content.decode()


def test_a_signed_in_user_is_told_busy_not_signed_out(redis_server, trainee, caplog):
    browser = Client(raise_request_exception=False)
    browser.force_login(trainee.user)  # the session is in Redis
    assert browser.get("/").status_code == 200

    redis_server.stop()
    with caplog.at_level(logging.WARNING):
        page = browser.get("/", HTTP_ACCEPT="text/html")
        api = browser.get("/api/v1/programmes/")

    _busy(page, json=False)  # not a redirect to the login page
    _busy(api, json=True)
    assert "Traceback" not in caplog.text
    assert "Service Unavailable: / (ConnectionError: " in caplog.text  # one line says why


def test_signing_in_and_its_limits_answer_busy(redis_server, trainee, caplog):
    redis_server.stop()
    browser = Client(raise_request_exception=False)
    started = time.monotonic()
    with caplog.at_level(logging.WARNING):
        form = browser.get("/login/")
        page = browser.post(
            "/login/",
            {"username": trainee.user.username, "password": "wrong"},
            HTTP_ACCEPT="text/html",
        )
        token = browser.post(
            "/api/v1/auth/token/",
            {"username": trainee.user.username, "password": "wrong"},
            content_type="application/json",
        )

    # At once: one retry without backoff (settings.REDIS_CACHE_OPTIONS), not redis-py's ten
    # with backoff, about 3 s a request.
    assert time.monotonic() - started < 2
    assert form.status_code == 200  # an anonymous page reads no session
    _busy(page, json=False)
    _busy(token, json=True)
    assert "Traceback" not in caplog.text
