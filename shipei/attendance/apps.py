from django.apps import AppConfig


class AttendanceConfig(AppConfig):
    name = "shipei.attendance"
    label = "attendance"
    verbose_name = "考勤"

    def ready(self) -> None:
        from shipei.classes import extensions

        from . import views

        # Who is near the absence limit, on the class's own page (a layer below).
        extensions.register_panel("attendance", views.class_panel)
