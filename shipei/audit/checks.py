"""The configured retention of the audit trail is checked when the app starts (and by
``shipei check``): a value below the legal minimum is an error, not a silent prune."""

from typing import Any

from django.conf import settings
from django.core.checks import Error, register

from .retention import MIN_DAYS


@register()
def audit_retention(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    days = settings.AUDIT_RETENTION_DAYS
    if days >= MIN_DAYS:
        return []
    return [
        Error(
            f"AUDIT_RETENTION_DAYS={days}：审计记录须保留至少 {MIN_DAYS} 天"
            "（《网络安全法》要求网络日志留存不少于六个月）。",
            hint=f"请把 AUDIT_RETENTION_DAYS 设为 {MIN_DAYS} 或更大。",
            id="shipei.audit.E001",
        )
    ]
