"""The per-address limit on activation codes counts the client behind the proxy, not the
proxy, and a client cannot escape it by writing X-Forwarded-For itself."""

import pytest
from django.core.cache import cache

from shipei.accounts import services

ID_NUMBER = "11010519491231002X"  # valid, registered to nobody: the page answers the same


@pytest.fixture
def low_limit(monkeypatch, db):
    monkeypatch.setattr(services, "ACTIVATION_PER_IP_HOUR", 2)
    cache.clear()


def _ask(client, **meta) -> str:
    response = client.post("/activate/", {"id_number": ID_NUMBER, "step": "send"}, **meta)
    return response.content.decode()


def test_clients_behind_the_proxy_each_have_their_own_allowance(client, low_limit):
    for _ in range(2):
        assert "请稍后再试" not in _ask(
            client, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.1"
        )
    assert "请稍后再试" in _ask(client, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.1")
    assert "请稍后再试" not in _ask(
        client, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.2"
    )


def test_a_forged_header_does_not_renew_a_direct_clients_allowance(client, low_limit):
    for n in range(2):
        _ask(client, REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
    assert "请稍后再试" in _ask(
        client, REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="198.51.100.99"
    )
