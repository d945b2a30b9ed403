from django.apps import AppConfig


class ScheduleConfig(AppConfig):
    name = "shipei.schedule"
    label = "schedule"
    verbose_name = "课表与学习"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from shipei.classes import extensions
        from shipei.enrollment import checks

        from . import enrolling, hours, models, views

        auditlog.register(models.Resource, exclude_fields=["updated_at"])
        # The plan is not filed while a content share of the policy is missed.
        extensions.register_plan_check("schedule.content_shares", hours.plan_problems)
        extensions.register_panel("schedule", views.class_panel)
        # No one is asked into a class whose sessions (or off-line days) they are busy at.
        checks.register_class_check("schedule.sessions", enrolling.session_clash)
        checks.register_class_check("schedule.days", enrolling.days_clash)
