from django.apps import AppConfig


class AttendanceConfig(AppConfig):
    name = "shipei.attendance"
    label = "attendance"
    verbose_name = "考勤"

    def ready(self) -> None:
        from shipei.classes import panels

        from . import views

        # Who is near the absence limit, on the class's own page (a layer below).
        panels.register(views.class_panel)
