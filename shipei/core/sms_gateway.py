"""SMS through an HTTP relay: the in-house gateway many provincial platforms run in front of the
carriers (or a small adapter in front of a vendor's API).

The contract: ``POST SMS_GATEWAY_URL`` with ``{"mobile": ..., "message": ...}`` as JSON and
``Authorization: Bearer SMS_GATEWAY_TOKEN``; any 2xx answer means accepted. Anything else raises,
so that the sender's caller (a notice's delivery task) marks the message unsent and can retry.
"""

import json
import urllib.request

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

TIMEOUT_SECONDS = 10


class HttpGatewayBackend:
    def __init__(self) -> None:
        if not settings.SMS_GATEWAY_URL:
            raise ImproperlyConfigured("SMS_GATEWAY_URL is not set.")
        self.url = settings.SMS_GATEWAY_URL
        self.token = settings.SMS_GATEWAY_TOKEN

    def send(self, mobile: str, message: str) -> None:
        body = json.dumps({"mobile": mobile, "message": message}, ensure_ascii=False).encode()
        request = urllib.request.Request(
            self.url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Authorization": f"Bearer {self.token}",
            },
        )
        # Raises HTTPError on a 4xx/5xx answer, URLError when the relay cannot be reached.
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS):
            pass
