"""Log in by ID number or mobile (people) or by login name (superusers), with a password.

Failed logins are limited twice: per account (django-axes, LOGIN_FAILURE_LIMIT in
LOGIN_LOCK_MINUTES) and per client address (LOGIN_ADDRESS_FAILURE_LIMIT in
LOGIN_ADDRESS_MINUTES, counted in the shared cache). The address limit is high, because a whole
county's schools may share one government NAT; it stops a password spray across many accounts,
which no account lock sees.
"""

import re
import time
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.core.exceptions import PermissionDenied

from shipei.core import identifiers, pii
from shipei.core.errors import DomainError
from shipei.core.views_util import client_ip

from .errors import AccountLocked, TooManyFailures
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


def _address_window(ip: str) -> tuple[str, int]:
    """The cache key counting this address's failures in the current window, and the seconds
    left in that window."""
    length = settings.LOGIN_ADDRESS_MINUTES * 60
    now = int(time.time())
    return f"login:failed:{ip}:{now // length}", length - now % length


def address_wait(ip: str | None) -> int:
    """Seconds until `ip` may try a password again; 0 if it may now."""
    if not ip:
        return 0
    key, left = _address_window(ip)
    return left if cache.get(key, 0) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT else 0


def count_failure(sender: Any, credentials: Any = None, request: Any = None, **kwargs: Any) -> None:
    """user_login_failed: one more failure from the request's address, across app servers."""
    ip = client_ip(request) if request is not None else None
    if not ip:
        return
    key, left = _address_window(ip)
    if not cache.add(key, 1, left + 1):
        try:
            cache.incr(key)
        except ValueError:  # the window ended between the two calls
            cache.add(key, 1, left + 1)


class AddressLimitBackend:
    """First of the backends: from an address over its limit no password is checked at all.

    Django's authenticate() ends at the PermissionDenied and reports a failed login;
    ``login_refusal`` then tells the caller why."""

    def authenticate(self, request: Any, **credentials: Any) -> None:
        wait = address_wait(client_ip(request)) if request is not None else 0
        if wait:
            request.login_address_wait = wait
            raise PermissionDenied
        return None


def not_tried(request: Any, credentials: Any = None) -> bool:
    """AXES_WHITELIST_CALLABLE: a login the address limit stopped never reached a password, so
    it must not count towards the account's lock."""
    return bool(getattr(request, "login_address_wait", 0))


def login_refusal(request: Any) -> DomainError | None:
    """After authenticate() returned None: the refusal that says more than "wrong password",
    when the address is over its limit or the account is (now) locked."""
    if getattr(request, "login_address_wait", 0):
        return TooManyFailures(seconds=request.login_address_wait)
    if getattr(request, "axes_locked_out", False):
        # Every try while locked starts the lock again (axes' default), so it lasts this long.
        return AccountLocked(seconds=int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return None
