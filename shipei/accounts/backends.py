"""Log in by ID number or mobile (people) or by login name (superusers), with a password."""

import re
from typing import Any

from django.contrib.auth.backends import ModelBackend

from shipei.core import identifiers, pii

from .models import ID_CONTEXT, MOBILE_CONTEXT, User


def find_user(login: str) -> User | None:
    typed = identifiers.normalise(login or "")
    qs = User.objects.select_related("person")
    if re.fullmatch(r"\d{17}[\dX]", typed):
        return qs.filter(person__id_number_hash=pii.blind_index(typed, context=ID_CONTEXT)).first()
    mobile = re.sub(r"^\+?86(?=1\d{10}$)", "", typed)
    if re.fullmatch(r"1[3-9]\d{9}", mobile):
        return qs.filter(
            person__mobile_hash=pii.blind_index(mobile, context=MOBILE_CONTEXT)
        ).first()
    return qs.filter(username=(login or "").strip()).first()


class PersonBackend(ModelBackend):
    def authenticate(
        self, request: Any, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> User | None:
        if not username or password is None:
            return None
        user = find_user(username)
        if user is None:
            User().set_password(password)  # same time as a real check: no user enumeration
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


def axes_username(request: Any, credentials: dict | None) -> str:
    """The lockout key: a keyed hash of the normalised login, never the ID number itself."""
    raw = (credentials or {}).get("username")
    if raw is None and request is not None:
        raw = request.POST.get("username", "")
    if not raw:
        return ""
    # One account has one lock, whether typed as ID number, mobile or login name.
    user = find_user(raw)
    if user is not None:
        return f"user:{user.pk}"
    return "x:" + pii.blind_index(identifiers.normalise(raw), context="login")[:40]


def is_inactive_login(login: str, password: str) -> bool:
    """A correct password for a disabled account, so that the login page can say why."""
    user = find_user(login)
    return user is not None and not user.is_active and user.check_password(password)
