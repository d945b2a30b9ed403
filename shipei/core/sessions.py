"""Sessions in the shared cache (Redis in production), which must not end when it is down."""

from typing import Any

from django.contrib.sessions.backends import cache


class SessionStore(cache.SessionStore):
    def load(self) -> dict[str, Any]:
        # Django's treats a cache it cannot read as no session at all: with Redis down every
        # signed-in user would be signed out and sent to log in, where signing in fails too.
        # The error goes on instead and is answered "busy" (503, Retry-After: core.middleware
        # is_busy), and the session is there again once Redis is.
        data = self._cache.get(self.cache_key)
        if data is not None:
            return data
        self._session_key = None
        return {}
