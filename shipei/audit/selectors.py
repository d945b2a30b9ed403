from typing import Any

from django.db.models import Q, QuerySet

from shipei.core.access import scope

from .models import AuditEntry


def audit_list(*, user: Any, action: str = "") -> QuerySet[AuditEntry]:
    """Entries about organisations in scope, plus the user's own actions."""
    qs = AuditEntry.objects.filter(scope.orgs_q(user, "audit.view") | Q(actor=user)).select_related(
        "actor__person", "org"
    )
    if action:
        qs = qs.filter(action__startswith=action)
    return qs
