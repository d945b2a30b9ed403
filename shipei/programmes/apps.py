from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "shipei.programmes"
    label = "programmes"
    verbose_name = "培训计划"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from . import models

        auditlog.register(models.Programme, exclude_fields=["updated_at"])
