"""The per-address limit of public verification, shared by the page and the API: counted in
the cache (Redis in production, never per process), per client address and minute."""

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone

from shipei.core.views_util import client_ip


def verify_over_limit(request: HttpRequest) -> bool:
    minute = int(timezone.now().timestamp() // 60)
    key = f"cert-verify:{client_ip(request) or '-'}:{minute}"
    # incr first: after an address's first lookup of the minute the key exists, and one call
    # counts it (add-then-incr cost two, three round trips with Redis, on every lookup).
    try:
        count = cache.incr(key)
    except ValueError:
        count = 1 if cache.add(key, 1, 90) else cache.incr(key)
    return count > settings.CERT_VERIFY_PER_MINUTE
