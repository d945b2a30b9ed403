"""Failed logins: an account locks after a few (axes), an address after many across accounts (a
password spray); the login page and the token endpoint say which, with Retry-After."""

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from rest_framework.test import APIClient

from shipei.accounts import backends
from shipei.core.tests.api_helpers import error


@pytest.fixture(autouse=True)
def _fresh_counts() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def address_limit(settings: Any) -> int:
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 6
    return 6


def page_login(username: str, password: str, ip: str = "10.0.0.1") -> Any:
    return Client().post("/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def token(username: str, password: str, ip: str = "10.0.0.1") -> Any:
    return APIClient().post(
        "/api/v1/auth/token/",
        {"username": username, "password": password},
        format="json",
        REMOTE_ADDR=ip,
    )


def test_by_default_an_account_locks_for_30_minutes_and_an_address_allows_200_in_15() -> None:
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 30 * 60
    assert (settings.LOGIN_ADDRESS_FAILURE_LIMIT, settings.LOGIN_ADDRESS_MINUTES) == (200, 15)


# --- the account's lock -------------------------------------------------------------------------


def test_the_token_endpoint_answers_a_locked_account_with_429_and_retry_after(
    trainee: Any,
) -> None:
    mobile = trainee.person._mobile()
    answers = [token(mobile, "wrong").status_code for _ in range(settings.AXES_FAILURE_LIMIT)]

    locked = token(mobile, "Secret123")

    assert answers == [400] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    body = error(locked, 429, "account_locked")
    assert "30 分钟后再试" in body["message"]
    assert locked["Retry-After"] == "1800"
    assert "token" not in locked.json()


def test_a_lock_lifts_after_its_time_and_a_success_before_it_clears_the_count(
    trainee: Any,
) -> None:
    mobile = trainee.person._mobile()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        page_login(mobile, "wrong")
    assert page_login(mobile, "Secret123").status_code == 302  # the count starts again
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        page_login(mobile, "wrong")
    assert page_login(mobile, "Secret123").status_code == 302

    for _ in range(settings.AXES_FAILURE_LIMIT):
        page_login(mobile, "wrong")
    assert page_login(mobile, "Secret123").status_code == 429
    AccessAttempt.objects.update(
        attempt_time=datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=31)
    )

    assert token(mobile, "Secret123").status_code == 200


# --- the address's limit ------------------------------------------------------------------------


def test_failures_under_many_usernames_stop_the_address_but_not_other_addresses(
    address_limit: int, trainee: Any, school_coordinator: Any
) -> None:
    for n in range(address_limit):  # a spray: one password tried on many logins
        page_login(f"1390000{n:04d}", "Password1")

    page = page_login(trainee.person._mobile(), "Secret123")
    api = token(school_coordinator.person._mobile(), "Secret123")

    assert page.status_code == 429
    assert "您所在的网络登录失败次数过多" in page.content.decode()
    assert 0 < int(page["Retry-After"]) <= 15 * 60
    assert "_auth_user_id" not in page.client.session
    body = error(api, 429, "too_many_failures")
    assert "分钟后再试" in body["message"]
    assert 0 < int(api["Retry-After"]) <= 15 * 60
    assert page_login(trainee.person._mobile(), "Secret123", ip="10.0.0.2").status_code == 302


def test_tries_the_address_limit_stopped_do_not_count_towards_the_accounts_lock(
    address_limit: int, trainee: Any
) -> None:
    mobile = trainee.person._mobile()
    for n in range(address_limit):
        page_login(f"1390000{n:04d}", "Password1")
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        assert page_login(mobile, "wrong").status_code == 429

    assert page_login(mobile, "Secret123", ip="10.0.0.2").status_code == 302


def test_failed_token_requests_count_towards_the_address_limit_too(
    address_limit: int, trainee: Any
) -> None:
    for n in range(address_limit):
        token(f"1390000{n:04d}", "Password1")

    error(token(trainee.person._mobile(), "Secret123"), 429, "too_many_failures")
    assert page_login(trainee.person._mobile(), "Secret123").status_code == 429


def test_the_address_may_try_again_when_its_window_ends(
    address_limit: int, trainee: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = 1_800_000_000.0
    monkeypatch.setattr(backends.time, "time", lambda: now)
    for n in range(address_limit):
        page_login(f"1390000{n:04d}", "Password1")
    assert page_login(trainee.person._mobile(), "Secret123").status_code == 429

    now += settings.LOGIN_ADDRESS_MINUTES * 60

    assert page_login(trainee.person._mobile(), "Secret123").status_code == 302
