"""Small helpers for thin views."""

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from .errors import DomainError

PAGE_SIZES = (10, 20, 50, 100)


def per_page(request: HttpRequest, default: int = 20) -> int:
    value = request.GET.get("per_page", "")
    return int(value) if value.isdigit() and int(value) in PAGE_SIZES else default


def apply_errors(form: forms.BaseForm, exc: ValidationError | DomainError) -> None:
    """Put a service's refusal on the form: field errors beside fields, the rest on top."""
    if isinstance(exc, DomainError):
        form.add_error(None, exc.message)
        return
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR")
