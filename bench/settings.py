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
# No Redis in the bench: each process its own memory cache, which must keep what production's
# Redis keeps (Django's default drops a third of it past 300 entries; the verification's
# cached answers would then be dropped as fast as they are made).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": 1_000_000},
    }
}
