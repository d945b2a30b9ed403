"""The public side, without login: verification by number or QR code (rate-limited per client
address), the offline verifier, the issuer's public keys and the revocation list."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from . import credential, selectors, signing
from .limits import verify_over_limit


@require_GET
def verify(request: HttpRequest) -> HttpResponse:
    """The answer anyone may ask for, many times a second: a page of its own (no menus, no
    context processors, nothing read of the session), the verdict by number from the cache."""
    number = request.GET.get("no", "")
    payload = request.GET.get("c", "")
    context: dict = {"number": number[:80]}
    status = 200
    if number or payload:
        if verify_over_limit(request):
            context["limited"] = True
            status = 429
        else:
            if payload:
                facts = selectors.verdict_facts(selectors.verify_payload(payload))
            else:
                facts = selectors.verify_number_facts(number)
            context.update(verdict=facts, from_qr=bool(payload))
            status = 404 if facts["state"] == "not_found" else 200
    response = HttpResponse(render_to_string("certificates/verify.html", context), status=status)
    if status == 429:
        response["Retry-After"] = "60"
    return response


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
