"""Who may do what, for the layers below accounts.

``shipei.accounts.scope`` is the one source of the rules (STYLE.md §3), but roles live in
accounts, above the ground floor, the audit log and the organisation tree, which need the same
answers for their pages. Those layers read the rules through ``scope`` here, which the accounts
app installs when it starts (``AccountsConfig.ready``), the way Django's auth asks the backends
its settings name: nothing below accounts imports it. Apps above accounts import
``shipei.accounts.scope`` itself.
"""

from types import ModuleType
from typing import Any

from django.core.exceptions import ImproperlyConfigured


class _Installed:
    """Stands for the installed rules: ``scope.orgs_q(...)`` reads as it does above accounts."""

    rules: ModuleType | None = None

    def __getattr__(self, name: str) -> Any:
        if self.rules is None:
            raise ImproperlyConfigured("shipei.accounts is not installed: no access rules.")
        return getattr(self.rules, name)


scope: Any = _Installed()


def install(rules: ModuleType) -> None:
    scope.rules = rules
