"""The app's URLs plus the ceiling: an endpoint that authenticates like the API and inserts one
row, so that a submission's cost can be read against the stack's own."""

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from shipei.urls import handler400, handler403, handler404, handler500
from shipei.urls import urlpatterns as app_urls

BARE_TABLE = "bench_bare"


class BareInsert(APIView):
    """Same middleware, token authentication and permissions as the API; one INSERT."""

    def post(self, request: Request) -> Response:
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {BARE_TABLE} (user_id, at) VALUES (%s, now()) RETURNING id",
                [request.user.pk],
            )
            (pk,) = cursor.fetchone()
        return Response({"id": pk}, status=201)


@csrf_exempt
def bare_django(request: HttpRequest) -> JsonResponse:
    """No DRF, no authentication: the floor of a Django request with one INSERT."""
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {BARE_TABLE} (user_id, at) VALUES (NULL, now()) RETURNING id")
        (pk,) = cursor.fetchone()
    return JsonResponse({"id": pk}, status=201)


def bare_get(request: HttpRequest) -> JsonResponse:
    """A bare Django view, no database: the ceiling of a public page's answers."""
    return JsonResponse({"ok": True})


urlpatterns = [
    path("bench/bare/", BareInsert.as_view()),
    path("bench/bare-get/", bare_get),
    path("bench/bare-django/", bare_django),
    *app_urls,
]

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
