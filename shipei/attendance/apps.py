from django.apps import AppConfig


class AttendanceConfig(AppConfig):
    name = "shipei.attendance"
    label = "attendance"
    verbose_name = "考勤"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from shipei.classes import extensions
        from shipei.schedule import extensions as schedule_extensions
        from shipei.schedule import hours

        from . import selectors, views

        # Who is near the absence limit, on the class's own page (a layer below).
        extensions.register_panel("attendance", views.class_panel)
        # The hours of sessions attended count towards a trainee's hours so far.
        hours.register_source("attendance", _("课堂出勤"), selectors.attended_hours)
        # A teacher's sessions on their home page lead to the roll call and the check-in code.
        schedule_extensions.register_session_action("attendance", views.session_actions)
