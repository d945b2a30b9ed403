"""The client's address behind the proxy (client_ip)."""

import pytest
from django.test import RequestFactory

from shipei.core.views_util import client_ip

PROXIES = ["127.0.0.1", "::1", "10.0.0.0/24"]


def _request(remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@pytest.fixture(autouse=True)
def _proxies(settings):
    settings.TRUSTED_PROXIES = PROXIES


def test_a_direct_client_is_its_own_address():
    assert client_ip(_request("203.0.113.7")) == "203.0.113.7"


def test_a_direct_client_cannot_forge_its_address():
    assert client_ip(_request("203.0.113.7", "198.51.100.1")) == "203.0.113.7"


def test_behind_the_proxy_the_client_is_the_address_the_proxy_saw():
    assert client_ip(_request("127.0.0.1", "203.0.113.7")) == "203.0.113.7"


def test_what_a_client_writes_itself_is_passed_over():
    # The client sent "X-Forwarded-For: 198.51.100.1"; nginx appended the address it saw.
    assert client_ip(_request("127.0.0.1", "198.51.100.1, 203.0.113.7")) == "203.0.113.7"


def test_several_trusted_hops_are_walked_to_the_first_untrusted_one():
    # client -> load balancer 10.0.0.5 -> nginx 10.0.0.9 -> app (REMOTE_ADDR 10.0.0.9)
    request = _request("10.0.0.9", "198.51.100.1, 203.0.113.7, 10.0.0.5")
    assert client_ip(request) == "203.0.113.7"


def test_an_untrusted_hop_in_the_middle_ends_the_walk():
    # 192.0.2.1 is not a proxy of ours: what it claims about its own client is not believed.
    request = _request("127.0.0.1", "198.51.100.1, 192.0.2.1")
    assert client_ip(request) == "192.0.2.1"


def test_garbage_in_the_header_stops_at_the_nearest_address_vouched_for():
    assert client_ip(_request("127.0.0.1", "unknown")) == "127.0.0.1"
    assert client_ip(_request("127.0.0.1", "<script>, 10.0.0.5")) == "10.0.0.5"


def test_a_proxy_without_the_header_is_the_client():
    assert client_ip(_request("127.0.0.1")) == "127.0.0.1"
    assert client_ip(_request("127.0.0.1", "")) == "127.0.0.1"


def test_ports_ipv6_and_ipv4_mapped_addresses():
    assert client_ip(_request("::1", "[2001:db8::5]:51234")) == "2001:db8::5"
    assert client_ip(_request("::ffff:127.0.0.1", "203.0.113.7:443")) == "203.0.113.7"
    assert client_ip(_request("::ffff:10.0.0.2", "2001:db8::5")) == "2001:db8::5"


def test_nothing_is_trusted_when_the_setting_is_empty(settings):
    settings.TRUSTED_PROXIES = []
    assert client_ip(_request("127.0.0.1", "203.0.113.7")) == "127.0.0.1"
