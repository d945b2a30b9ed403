"""The shared pages of every app: an import's error copy, health and the error pages (in the
API's error shape under /api/)."""

import sys

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from . import excel
from .errors import NotFound
from .middleware import busy_response, is_busy


@require_GET
@login_required
def import_report(request: HttpRequest, token: str) -> HttpResponse:
    """The error copy of an import, for the user who uploaded it only."""
    content = excel.open_report(request.user.pk, token)
    if content is None:
        raise Http404
    return excel.xlsx_response(content, "导入错误明细.xlsx")


def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


def _api_error(request: HttpRequest, code: str, message: str, status: int) -> HttpResponse | None:
    """Errors Django handles itself (an unexpected exception, an unknown URL, a body too large),
    answered to the API in its own shape rather than as an HTML page."""
    if not request.path.startswith("/api/"):
        return None
    return JsonResponse({"code": code, "message": message, "fields": {}}, status=status)


def error_400(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = _("请求无效，请检查后重试。")
    return _api_error(request, "bad_request", message, 400) or render(
        request, "400.html", status=400
    )


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = getattr(exception, "message", None)
    return render(request, "403.html", {"message": message}, status=403)


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _api_error(request, "not_found", NotFound().message, 404) or render(
        request, "404.html", status=404
    )


def error_500(request: HttpRequest) -> HttpResponse:
    # Called inside the except block: a database that is restarting, unreachable or out of
    # pooled connections, wherever the request met it (a middleware, the view), is "busy".
    if is_busy(sys.exc_info()[1]):
        return busy_response(request)
    # Django has logged the exception with its traceback before calling this.
    message = _("服务器内部错误，我们已记录此问题，请稍后再试。")
    return _api_error(request, "server_error", message, 500) or render(
        request, "500.html", status=500
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "403_csrf.html", status=403)
