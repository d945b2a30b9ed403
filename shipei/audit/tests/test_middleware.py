"""Model changes are logged from the client's address, not from one a client claims."""

from auditlog.models import LogEntry
from django.http import HttpResponse
from django.test import RequestFactory

from shipei.audit.middleware import AuditlogMiddleware


def _rename(org):
    def view(request):
        org.name = "改名后的学校"
        org.save()
        return HttpResponse()

    return view


def _changes_logged_from(org, **meta) -> LogEntry:
    request = RequestFactory().post("/", **meta)
    AuditlogMiddleware(_rename(org))(request)
    return LogEntry.objects.get_for_object(org).latest("timestamp")


def test_a_change_through_the_proxy_is_logged_from_the_client(tree):
    entry = _changes_logged_from(
        tree["hz_school"],
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.7",
        HTTP_X_FORWARDED_PORT="4444",
    )
    assert entry.remote_addr == "203.0.113.7"
    assert entry.remote_port is None


def test_a_direct_client_cannot_choose_the_logged_address(tree):
    entry = _changes_logged_from(
        tree["hz_school"], REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="198.51.100.1"
    )
    assert entry.remote_addr == "203.0.113.7"
