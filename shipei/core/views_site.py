"""Pages of the site itself rather than of a domain: the icon and the API documentation."""

from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularSwaggerView
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response

# A day: long enough that a browser does not ask on every page, short enough that a new icon
# (a new hashed file name in production) reaches it soon.
ICON_MAX_AGE = 24 * 3600


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers (and WeChat's) ask for /favicon.ico whatever a page links: send them to the
    icon among the static files, so that no page's console shows a 404."""
    response = HttpResponseRedirect(static("shipei/favicon.ico"))
    response["Cache-Control"] = f"max-age={ICON_MAX_AGE}"
    return response


class ApiDocsView(SpectacularSwaggerView):
    """Swagger UI inside the site's own page: its header, menu and a breadcrumb back to 工作台,
    with a short Chinese guide above (the Swagger UI itself has no Chinese)."""

    template_name = "core/api_docs.html"
    url_name = "api_schema"

    def handle_exception(self, exc: Exception) -> Any:
        # A person who is not signed in gets the login page and comes back, not a JSON 401.
        if isinstance(exc, exceptions.NotAuthenticated):
            return redirect_to_login(self.request.get_full_path())
        return super().handle_exception(exc)

    @extend_schema(exclude=True)
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().get(request, *args, **kwargs)
        response.data["breadcrumbs"] = [(_("接口文档"), None)]
        return response
