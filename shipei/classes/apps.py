from django.apps import AppConfig


class ClassesConfig(AppConfig):
    name = "shipei.classes"
    label = "classes"
    verbose_name = "班次"

    def ready(self) -> None:
        import datetime

        from shipei.notifications import schedule

        from . import milestones

        schedule.register(
            "class_milestone_reminders",
            every=datetime.timedelta(hours=1),
            run=milestones.remind_class_milestones,
        )
