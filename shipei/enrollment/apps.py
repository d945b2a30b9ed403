from django.apps import AppConfig


class EnrollmentConfig(AppConfig):
    name = "shipei.enrollment"
    label = "enrollment"
    verbose_name = "报名"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from . import models

        auditlog.register(models.Enrollment, exclude_fields=["updated_at"])
