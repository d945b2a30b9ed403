"""The unread count for the top bar of base.html."""

from typing import Any

from django.http import HttpRequest

from . import selectors


def unread_count(request: HttpRequest) -> dict[str, Any]:
    """``unread_notifications``: the signed-in user's unread messages (one COUNT per page)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": selectors.unread_count(user=user)}
