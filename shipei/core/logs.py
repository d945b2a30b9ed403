"""Logging filters."""

import logging


class ClientErrorOneLine(logging.Filter):
    """A refused request (4xx) is one line with the path and the user's id; so is a "busy" 503
    (the database or Redis away), with the failure's type and text.

    Django logs a PermissionDenied raised in a view (every 403 of NotPermitted) and every
    SuspiciousOperation (a host not allowed, too many fields: django.security.*) with its whole
    traceback, as if it were a bug; a refusal is the app working as meant. A busy answer comes
    by the hundred while a part is away, each with the same traceback: one line says it.

    On django.request, and on the handler for django.security's loggers (one per kind of
    refusal, whose records their parent's filters never see); a record is shortened once.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if status is None or getattr(record, "one_line", False):
            return True
        request = getattr(record, "request", None)
        if 400 <= status < 500:
            message = record.getMessage()
            if record.name.startswith("django.security."):
                message = f"{message} {_path(request)}"  # it names the fault, not the path
            record.msg, record.args = "%s (user %s)", (message, _user_id(request))
        elif status == 503 and record.exc_info and record.exc_info[1] is not None:
            # The user is not looked up: the session or the database may be what is away.
            failure = record.exc_info[1]
            record.msg, record.args = (
                "%s (%s: %s)",
                (
                    record.getMessage(),
                    type(failure).__name__,
                    str(failure).strip().replace("\n", " "),
                ),
            )
        else:
            return True
        record.exc_info = None
        record.exc_text = None
        record.one_line = True
        return True


def _path(request: object) -> str:
    # Escaped as Django escapes the paths it logs: a path may hold a decoded line break.
    path = getattr(request, "path", "-")
    return path.encode("unicode_escape").decode("ascii")


def _user_id(request: object) -> str:
    try:
        user = request.user  # type: ignore[attr-defined]
        return str(user.pk) if user.is_authenticated else "anonymous"
    except Exception:  # no user on the request, or no database to read it from: still log
        return "-"
