"""Fixtures of the channel's tests: a schedule holding only the jobs a test registers."""

from typing import Any

import pytest

from shipei.notifications import schedule


@pytest.fixture
def no_jobs(monkeypatch: pytest.MonkeyPatch) -> Any:
    """The schedule without the jobs the apps registered at start-up."""
    monkeypatch.setattr(schedule, "_jobs", {})
    return schedule
