from django.apps import AppConfig


class StaffingConfig(AppConfig):
    name = "shipei.staffing"
    label = "staffing"
    verbose_name = "骨干教师配备"

    def ready(self) -> None:
        import datetime

        from auditlog.registry import auditlog

        from shipei.notifications import calendar, schedule

        from . import expiry, models, selectors

        # Each change of a core teacher's record kept field by field; assignments move through
        # the services, each move its own audit entry.
        auditlog.register(models.CoreTeacher, exclude_fields=["updated_at"])
        calendar.register(selectors.calendar_events)

        hourly = datetime.timedelta(hours=1)
        schedule.register("core_invitation_reminders", every=hourly, run=expiry.remind_invitations)
        schedule.register("core_invitation_expiry", every=hourly, run=expiry.invitations_expire)
