"""Logging filters."""

import logging


class ClientErrorOneLine(logging.Filter):
    """On django.request: a refused request (4xx) is one line with the path and the user's id.

    Django logs a PermissionDenied raised in a view (every 403 of NotPermitted) with its whole
    traceback, as if it were a bug; a refusal is the app working as meant.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if status is None or not 400 <= status < 500 or not isinstance(record.args, tuple):
            return True
        record.exc_info = None
        record.exc_text = None
        record.msg = f"{record.msg} (user %s)"
        record.args = (*record.args, _user_id(getattr(record, "request", None)))
        return True


def _user_id(request: object) -> str:
    try:
        user = request.user  # type: ignore[attr-defined]
        return str(user.pk) if user.is_authenticated else "anonymous"
    except Exception:  # no user on the request, or no database to read it from: still log
        return "-"
