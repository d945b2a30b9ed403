from typing import Any

from auditlog.models import LogEntry
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from shipei.core.access import scope

from .models import AuditEntry, DisclosedPerson

# The person model as the entries know it: audit may not import accounts.
Person = AuditEntry._meta.get_field("actor_person").related_model


def audit_list(*, user: Any, action: str = "", person: int | None = None) -> QuerySet[AuditEntry]:
    """Entries about organisations in scope, full views and exports of their people by anyone,
    plus the user's own actions; optionally only those about one person (``about_person``)."""
    in_scope = scope.orgs_q(user, "audit.view")
    # Not correlated: PostgreSQL reads it once into a hash, not once per entry.
    their_people = DisclosedPerson.objects.filter(in_scope).values("entry_id")
    qs = AuditEntry.objects.filter(in_scope | Q(actor=user) | Q(pk__in=their_people))
    if action:
        qs = qs.filter(action__startswith=action)
    if person is not None:
        qs = qs.filter(about_person(person))
    return qs.select_related("actor__person", "org")


def about_person(person: int) -> Q:
    """Entries about a person: changes to their record, and every action that showed their ID
    number or mobile in full (full views, full exports that listed them)."""
    return Q(target_type=Person._meta.label_lower, target_id=str(person)) | Q(
        pk__in=DisclosedPerson.objects.filter(person_id=person).values("entry_id")
    )


def person_history(*, person: int) -> QuerySet[AuditEntry]:
    """Everything the log holds about one person, newest first, for whoever may audit them."""
    return AuditEntry.objects.filter(about_person(person)).select_related("actor__person")


ACTOR_KEPT = _("该账号有操作记录，审计日志须保留操作人，不能删除；请改为停用该账号。")


def has_acted(user: Any) -> bool:
    """Whether an audit entry or a change in the field history names `user` as who acted: such
    an account is deactivated, never deleted (the log must keep who acted)."""
    return (
        AuditEntry.objects.filter(actor=user).exists()
        or LogEntry.objects.filter(actor=user).exists()
    )
