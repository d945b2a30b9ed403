from django.apps import AppConfig


class StaffingConfig(AppConfig):
    name = "shipei.staffing"
    label = "staffing"
    verbose_name = "骨干教师配备"

    def ready(self) -> None:
        from shipei.notifications import calendar

        from . import selectors

        calendar.register(selectors.calendar_events)
