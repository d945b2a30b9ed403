"""A user with a one-time password may do nothing but change it."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _


class PasswordChangeRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.must_change_password:
            path = request.path_info
            if not path.startswith(("/static/", reverse("password_change"), reverse("logout"))):
                if path.startswith("/api/"):
                    return JsonResponse(
                        {
                            "code": "password_change_required",
                            "message": _("请先登录网页修改初始密码。"),
                            "fields": {},
                        },
                        status=403,
                    )
                return redirect("password_change")
        return self.get_response(request)
