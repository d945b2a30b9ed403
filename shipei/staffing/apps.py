from django.apps import AppConfig


class StaffingConfig(AppConfig):
    name = "shipei.staffing"
    label = "staffing"
    verbose_name = "骨干教师配备"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from shipei.notifications import calendar

        from . import models, selectors

        # Each change of a core teacher's record kept field by field; assignments move through
        # the services, each move its own audit entry.
        auditlog.register(models.CoreTeacher, exclude_fields=["updated_at"])
        calendar.register(selectors.calendar_events)
