from django.apps import AppConfig


class StaffingConfig(AppConfig):
    name = "shipei.staffing"
    label = "staffing"
    verbose_name = "骨干教师配备"

    def ready(self) -> None:
        import datetime

        from auditlog.registry import auditlog

        from shipei.classes.signals import class_dates_changed
        from shipei.notifications import calendar, schedule

        from . import expiry, models, selectors
        from .services import moves

        # Each change of a core teacher's record kept field by field; assignments move through
        # the services, each move its own audit entry.
        auditlog.register(models.CoreTeacher, exclude_fields=["updated_at"])
        calendar.register(selectors.calendar_events)

        hourly = datetime.timedelta(hours=1)
        schedule.register("core_invitation_reminders", every=hourly, run=expiry.remind_invitations)
        schedule.register("core_invitation_expiry", every=hourly, run=expiry.invitations_expire)
        # The holds of a class's core teachers follow its dates (a clash withdraws the hold).
        class_dates_changed.connect(
            moves.on_class_dates_changed, weak=False, dispatch_uid="staffing.holds_move"
        )
