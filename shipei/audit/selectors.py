from typing import Any

from auditlog.models import LogEntry
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

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


ACTOR_KEPT = _("该账号有操作记录，审计日志须保留操作人，不能删除；请改为停用该账号。")


def has_acted(user: Any) -> bool:
    """Whether an audit entry or a change in the field history names `user` as who acted: such
    an account is deactivated, never deleted (the log must keep who acted)."""
    return (
        AuditEntry.objects.filter(actor=user).exists()
        or LogEntry.objects.filter(actor=user).exists()
    )
