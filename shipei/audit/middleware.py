"""django-auditlog's middleware with the client's address as the rest of the platform sees it.

Its own reads the left-most X-Forwarded-For address, which any client can write; behind the
proxy every model change would then be logged from wherever the client claimed to be.
"""

from auditlog.middleware import AuditlogMiddleware as _AuditlogMiddleware
from django.http import HttpRequest

from shipei.core.views_util import client_ip


class AuditlogMiddleware(_AuditlogMiddleware):
    @staticmethod
    def _get_remote_addr(request: HttpRequest) -> str | None:
        return client_ip(request)

    @staticmethod
    def _get_remote_port(request: HttpRequest) -> None:
        # The client's port is unknown behind the proxy; X-Forwarded-Port is whatever a client
        # wrote (the proxy does not set it).
        return None
