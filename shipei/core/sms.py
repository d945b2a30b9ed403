"""Pluggable SMS sending: the console backend for the demo, memory for tests, a gateway's in
production (sms_gateway.py; settings refuse to start production without one)."""

import logging
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

from .identifiers import mask_mobile

log = logging.getLogger(__name__)


class ConsoleBackend:
    def send(self, mobile: str, message: str) -> None:
        # The demo has no gateway: the code shows in the server's console.
        print(f"[短信] 发送至 {mask_mobile(mobile)}：{message}", flush=True)


class MemoryBackend:
    outbox: list[tuple[str, str]] = []

    def send(self, mobile: str, message: str) -> None:
        self.outbox.append((mobile, message))


@cache
def _backend() -> ConsoleBackend | MemoryBackend:
    return import_string(settings.SMS_BACKEND)()


def send_sms(mobile: str, message: str) -> None:
    _backend().send(mobile, message)
    log.info("sms sent to %s", mask_mobile(mobile))
