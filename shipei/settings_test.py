"""Test settings: the same settings module in its ``test`` mode (fixed keys, fast hashing)."""

import os

os.environ["SHIPEI_ENV"] = "test"
# Playwright's sync API runs an event loop in the test thread; the ORM calls beside it are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from shipei.settings import *  # noqa: F403
