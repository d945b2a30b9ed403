"""DRF permissions; kept apart from core.api, which DRF's settings import lazily."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission


class PasswordChanged(BasePermission):
    """A one-time password opens nothing but the password page, over the API too."""

    message = _("请先登录网页修改初始密码。")

    def has_permission(self, request: Any, view: Any) -> bool:
        return not getattr(request.user, "must_change_password", False)
