"""Logins and failed logins are recorded with the client's address behind the proxy."""

from axes.models import AccessAttempt

from shipei.audit.models import AuditEntry

THROUGH_PROXY = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "10.9.9.9, 203.0.113.7"}


def test_a_login_is_recorded_from_the_address_the_proxy_saw(client, trainee):
    client.post(
        "/login/", {"username": trainee.person._mobile(), "password": "Secret123"}, **THROUGH_PROXY
    )
    assert AuditEntry.objects.get(action="auth.login").ip == "203.0.113.7"


def test_a_failed_login_is_recorded_from_the_real_client_by_audit_and_axes(client, trainee):
    client.post(
        "/login/", {"username": trainee.person._mobile(), "password": "wrong"}, **THROUGH_PROXY
    )
    assert AuditEntry.objects.get(action="auth.login_failed").ip == "203.0.113.7"
    assert AccessAttempt.objects.get().ip_address == "203.0.113.7"


def test_a_client_talking_to_the_app_directly_cannot_choose_its_recorded_address(client, trainee):
    client.post(
        "/login/",
        {"username": trainee.person._mobile(), "password": "wrong"},
        REMOTE_ADDR="203.0.113.7",
        HTTP_X_FORWARDED_FOR="10.9.9.9",
    )
    assert AuditEntry.objects.get(action="auth.login_failed").ip == "203.0.113.7"
