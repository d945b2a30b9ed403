"""Logins, failed logins and logouts go to the audit trail."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from shipei.core import identifiers
from shipei.core.views_util import client_ip

from .services import record


def _ip(request) -> str | None:
    return client_ip(request) if request is not None else None


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs) -> None:
    record(user, "auth.login", user, ip=_ip(request))


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        record(user, "auth.logout", user, ip=_ip(request))


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs) -> None:
    # The typed login may be an ID number: keep only its masked form.
    typed = identifiers.normalise(credentials.get("username", ""))
    shown = (
        identifiers.mask_id_number(typed) if len(typed) == 18 else identifiers.mask_mobile(typed)
    )
    record(None, "auth.login_failed", None, ip=_ip(request), login=shown)
