"""SMS through the in-house HTTP relay (core/sms_gateway.py)."""

import json
import threading
import urllib.error
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import ImproperlyConfigured

from shipei.core.sms_gateway import HttpGatewayBackend


@pytest.fixture
def relay():
    """A relay on loopback that keeps what it was sent and answers with `relay.status`."""
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((self.headers["Authorization"], json.loads(body)))
            self.send_response(server.status)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.status = 200
    server.received = received
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _backend(settings, relay) -> HttpGatewayBackend:
    settings.SMS_GATEWAY_URL = f"http://127.0.0.1:{relay.server_address[1]}/sms"
    settings.SMS_GATEWAY_TOKEN = "t0ken"
    return HttpGatewayBackend()


def test_a_message_reaches_the_relay_with_the_token(settings, relay):
    _backend(settings, relay).send("13812340001", "【师培】您的验证码为 123456")
    assert relay.received == [
        ("Bearer t0ken", {"mobile": "13812340001", "message": "【师培】您的验证码为 123456"})
    ]


def test_a_refusal_by_the_relay_raises_so_the_message_stays_unsent(settings, relay):
    relay.status = 503
    with pytest.raises(urllib.error.HTTPError):
        _backend(settings, relay).send("13812340001", "x")


def test_an_unreachable_relay_raises(settings, relay):
    backend = _backend(settings, relay)
    relay.shutdown()
    relay.server_close()
    with pytest.raises(urllib.error.URLError):
        backend.send("13812340001", "x")


def test_the_backend_needs_the_relays_address(settings):
    settings.SMS_GATEWAY_URL = ""
    with pytest.raises(ImproperlyConfigured):
        HttpGatewayBackend()
