"""API plumbing: one error shape for every failure, and page-number pagination."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .dates import validate_in_range
from .errors import DomainError, NotFound, NotPermitted, SystemBusy
from .middleware import RETRY_AFTER, is_busy
from .parsers import JSONTooDeep


class Pagination(PageNumberPagination):
    # DRF falls back to page_size for anything but a positive integer and caps at the maximum.
    page_size = 20
    page_size_query_param = "per_page"
    max_page_size = 100


class DateField(serializers.DateField):
    """A date a client sends, within the platform's years (core.dates)."""

    default_validators = [validate_in_range]


class IdNumberField(serializers.CharField):
    """A resident ID number, as text only. Sent as a JSON number it has often lost its last
    digits already (JavaScript keeps about 16) and cannot end in X: say so, as the Excel imports
    do for a numeric cell, rather than check the digits as if they were what was meant."""

    default_error_messages = {
        "number": gettext_lazy(
            '身份证号请以文本（字符串）提交，如 "33010619850312001X"：'
            "以数字提交可能已丢失末尾几位，也无法表示末位的 X。"
        )
    }

    def to_internal_value(self, data: Any) -> str:
        if isinstance(data, int | float) and not isinstance(data, bool):
            self.fail("number")
        return super().to_internal_value(data)


class ErrorOutput(serializers.Serializer):
    """The shape of every refusal, for the schema."""

    code = serializers.CharField(help_text="稳定的错误代码，如 not_found、account_locked")
    message = serializers.CharField(help_text="给用户看的中文说明")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), help_text="各字段的问题"
    )


def _body(code: str, message: str, fields: dict | None = None) -> dict[str, Any]:
    return {"code": code, "message": message, "fields": fields or {}}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Render every failure as {"code", "message", "fields"} (STYLE.md §4)."""
    if isinstance(exc, SystemBusy) or is_busy(exc):
        # A lock timeout, or the database restarting, unreachable or out of connections.
        busy = SystemBusy()
        return Response(
            _body(busy.code, busy.message),
            status=busy.status,
            headers={"Retry-After": str(RETRY_AFTER)},
        )
    if isinstance(exc, DomainError):
        # A refusal that names its fields (a form's answers) says which.
        fields = getattr(exc, "fields", None)
        response = Response(_body(exc.code, exc.message, fields), status=exc.status)
        if getattr(exc, "retry_after", None):
            response["Retry-After"] = str(exc.retry_after)
        return response
    if isinstance(exc, DjangoValidationError):
        fields = exc.message_dict if hasattr(exc, "error_dict") else {}
        message = "；".join(exc.messages)
        return Response(_body("invalid", message, fields), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Http404):
        message = exc.message if isinstance(exc, NotFound) else str(NotFound().message)
        return Response(_body("not_found", message), status=status.HTTP_404_NOT_FOUND)
    if isinstance(exc, PermissionDenied) and not isinstance(exc, exceptions.APIException):
        message = exc.message if isinstance(exc, NotPermitted) else str(NotPermitted().message)
        return Response(_body("not_permitted", message), status=status.HTTP_403_FORBIDDEN)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        response.data = _body("invalid", _("提交的数据有误，请按提示修改。"), _translate(detail))
    elif isinstance(exc, JSONTooDeep):
        response.data = _body(exc.default_code, str(exc.detail))
    elif isinstance(exc, exceptions.ParseError):
        # DRF's text carries the JSON decoder's English message.
        response.data = _body("parse_error", _("提交的内容无法解析，请检查数据格式（如 JSON）。"))
    elif isinstance(exc, exceptions.PermissionDenied) and str(exc.detail).startswith("CSRF"):
        # SessionAuthentication's CSRF refusal is English ("CSRF Failed: ...").
        response.data = _body(
            "csrf_failed", _("请求未通过 CSRF 校验：请刷新页面后重试，或改用令牌（Token）认证。")
        )
    else:
        code = getattr(exc, "default_code", "error")
        response.data = _body(code, str(getattr(exc, "detail", exc)))
    return response


# DRF messages that its translations do not cover.
_UNTRANSLATED = {"No data provided": gettext_lazy("请提交数据。")}


def _translate(detail: Any) -> Any:
    if isinstance(detail, dict):
        return {key: _translate(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [_translate(item) for item in detail]
    if isinstance(detail, str) and str(detail) in _UNTRANSLATED:
        return exceptions.ErrorDetail(
            str(_UNTRANSLATED[str(detail)]), getattr(detail, "code", None)
        )
    return detail
