"""The public side, without login: verification by number or QR code (rate-limited per client
address), the offline verifier, the issuer's public keys and the revocation list."""

import functools
import hashlib

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from . import credential, selectors, signing
from .limits import verify_over_limit


@require_GET
def verify(request: HttpRequest) -> HttpResponse:
    """The answer anyone may ask for, many times a second: a page of its own (no menus, no
    context processors, nothing read of the session, its fixed parts rendered once a process),
    the verdict by number from the cache. A number's first lookup costs one query."""
    number = request.GET.get("no", "")
    payload = request.GET.get("c", "")
    context: dict = {"number": number[:80], "shell": shell(get_language())}
    status = 200
    if number or payload:
        if verify_over_limit(request):
            context["limited"] = True
            status = 429
        elif payload:
            context.update(verdict=selectors.verdict_facts(selectors.verify_payload(payload)))
            context["from_qr"] = True
        else:
            facts = selectors.verify_number_facts(number)
            if facts["state"] == "not_found":
                context["verdict"] = facts
                status = 404
            else:
                return HttpResponse(_found_page(facts))
    response = HttpResponse(render_to_string("certificates/verify.html", context), status=status)
    if status == 429:
        response["Retry-After"] = "60"
    return response


def _found_page(facts: dict) -> str:
    """The page of a number found, kept by what it shows: a revocation changes the facts and so
    the key, and the page of the former facts is never looked up again (it expires)."""
    digest = hashlib.blake2b(repr(sorted(facts.items())).encode(), digest_size=16).hexdigest()
    key = f"cert-verify-page:{digest}"
    page = cache.get(key)
    if page is None:
        context = {"number": facts["number"], "verdict": facts, "shell": shell(get_language())}
        page = render_to_string("certificates/verify.html", context)
        cache.set(key, page, selectors.VERDICT_TTL)
    return page


@functools.cache
def shell(language: str) -> dict[str, str]:
    """The page's fixed top and end in `language`, once a process: they hold only the static
    files' addresses (fixed until a release restarts the process), links and labels."""
    return {
        "top": render_to_string("certificates/_verify_top.html"),
        "end": render_to_string("certificates/_verify_end.html"),
    }


@require_GET
def verify_offline(request: HttpRequest) -> HttpResponse:
    """A page that checks QR payloads in the browser against the keys it was saved with (and
    keys pasted into it): no request leaves the page once it is loaded."""
    return render(request, "certificates/offline.html", {"jwks": signing.jwks()})


@require_GET
@cache_control(public=True, max_age=300)
def keys(request: HttpRequest) -> JsonResponse:
    return JsonResponse(signing.jwks())


@require_GET
@cache_control(public=True, max_age=60)
def status_list(request: HttpRequest) -> JsonResponse:
    return JsonResponse(credential.status_list(selectors.revoked_indexes()))
