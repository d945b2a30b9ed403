from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "shipei.assessment"
    label = "assessment"
    verbose_name = "考核"

    def ready(self) -> None:
        from shipei.classes import extensions

        from . import views

        # The class's results at a glance, on the class's own page (a layer below).
        extensions.register_panel("assessment", views.class_panel)
