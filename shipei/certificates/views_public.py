"""The public side, without login: verification by number or QR code (rate-limited per client
address), the offline verifier, the issuer's public keys and the revocation list."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from . import credential, selectors, signing
from .limits import verify_over_limit


@require_GET
def verify(request: HttpRequest) -> HttpResponse:
    number = request.GET.get("no", "")
    payload = request.GET.get("c", "")
    context: dict = {"number": number[:80]}
    status = 200
    if number or payload:
        if verify_over_limit(request):
            response = render(request, "certificates/verify.html", {**context, "limited": True})
            response.status_code = 429
            response["Retry-After"] = "60"
            return response
        verdict = selectors.verify_payload(payload) if payload else selectors.verify_number(number)
        context.update(verdict=verdict, from_qr=bool(payload))
        status = 404 if verdict.state == "not_found" else 200
    response = render(request, "certificates/verify.html", context)
    response.status_code = status
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
