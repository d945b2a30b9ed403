"""The app's settings plus the bench-only URLs (a bare endpoint as the ceiling); nothing here
reaches the app itself."""

from shipei.settings import *  # noqa: F403

ROOT_URLCONF = "bench.bench_urls"
# Replaces the app's logging: info lines would cost time here.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
