from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "shipei.audit"
    label = "audit"
    verbose_name = "审计"

    def ready(self) -> None:
        from . import checks, signals  # noqa: F401
