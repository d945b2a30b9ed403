"""How long the audit trail is kept: at least 184 days, as the Cybersecurity Law asks of network
logs (网络安全法 第二十一条: 留存相关的网络日志不少于六个月); older entries may be deleted.

The trail is this app's entries (with the people each full view or export listed) and the
field history django-auditlog keeps; both are pruned at the same age.
"""

from datetime import timedelta

from auditlog.models import LogEntry
from django.conf import settings
from django.db.models import Model, QuerySet
from django.utils import timezone

from .errors import RetentionTooShort
from .models import AuditEntry

MIN_DAYS = 184  # six months of 31 days: never short of six calendar months
BATCH = 5000


def retention_days(days: int | None = None) -> int:
    """`days`, or the configured AUDIT_RETENTION_DAYS; refused below the minimum."""
    days = settings.AUDIT_RETENTION_DAYS if days is None else days
    if days < MIN_DAYS:
        raise RetentionTooShort(days=days, min=MIN_DAYS)
    return days


def audit_prune(*, days: int | None = None, dry_run: bool = False) -> dict[str, object]:
    """Delete entries older than `days` (the configured age by default): in batches, so that no
    statement holds the tables for long."""
    days = retention_days(days)
    before = timezone.now() - timedelta(days=days)
    old_entries = AuditEntry.objects.filter(created_at__lt=before)
    old_changes = LogEntry.objects.filter(timestamp__lt=before)
    if dry_run:
        counts = {"entries": old_entries.count(), "changes": old_changes.count()}
    else:
        counts = {"entries": _delete(old_entries), "changes": _delete(old_changes)}
    return {"days": days, "before": before, **counts}


def _delete(qs: QuerySet[Model]) -> int:
    model = qs.model
    done = 0
    while ids := list(qs.order_by("pk").values_list("pk", flat=True)[:BATCH]):
        _total, per_model = model.objects.filter(pk__in=ids).delete()
        done += per_model.get(model._meta.label, 0)
    return done
