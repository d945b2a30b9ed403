"""The probes of the proxy, the load balancer and monitoring (core/health.py)."""

import json
import os
import socket
import subprocess
import sys

import pytest
from django.test import override_settings


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _redis_at_closed_port():
    return override_settings(
        CACHES={
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": f"redis://127.0.0.1:{_closed_port()}/0",
            }
        },
        SESSION_ENGINE="django.contrib.sessions.backends.cache",
    )


@pytest.fixture
def production_like(settings):
    """A probe comes over plain HTTP to the app server's own address."""
    settings.ALLOWED_HOSTS = ["shipei.example.cn"]
    settings.SECURE_SSL_REDIRECT = True


def test_live_answers_without_database_session_or_cache(client, production_like):
    # No database fixture: any query fails the test. A session cookie and a dead Redis change
    # nothing either.
    client.cookies["sessionid"] = "x" * 32
    with _redis_at_closed_port():
        response = client.get("/health/live", HTTP_HOST="10.0.0.5:8101")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"


def test_ready_checks_the_database_and_the_cache(client, db, production_like):
    response = client.get("/health/ready", HTTP_HOST="10.0.0.5:8101")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "cache": "ok"}}


def test_ready_says_the_cache_failed_when_redis_is_unreachable(client, db):
    with _redis_at_closed_port():
        response = client.get("/health/ready")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json()["failed"] == ["cache"]
    assert response.json()["checks"]["database"] == "ok"


def test_ready_says_the_database_failed_when_it_is_unreachable():
    code = (
        "import django, json; django.setup(); from django.test import Client; "
        "r = Client().get('/health/ready'); "
        "print(json.dumps([r.status_code, r.get('Retry-After'), r.json()]))"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        SHIPEI_ENV="test",
        DJANGO_SETTINGS_MODULE="shipei.settings",
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{_closed_port()}/shipei",
        DB_POOL="0",
        REDIS_URL="",
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    status, retry_after, body = json.loads(result.stdout.strip().splitlines()[-1])
    assert (status, retry_after, body["failed"]) == (503, "5", ["database"])


def test_other_methods_and_paths_are_the_sites(client, db):
    assert client.post("/health/live").status_code == 404
    assert client.get("/health/livez").status_code == 404
