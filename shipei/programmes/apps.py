from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "shipei.programmes"
    label = "programmes"
    verbose_name = "培训计划"

    def ready(self) -> None:
        import datetime

        from auditlog.registry import auditlog
        from django.db.models.signals import post_delete, post_save

        from shipei.notifications import schedule

        from . import milestones, models, selectors

        auditlog.register(models.Programme, exclude_fields=["updated_at"])

        def forget(sender: type, instance: models.Programme, **kwargs: object) -> None:
            selectors.forget_recent(instance.pk)

        # A local function: held strongly, or it would be gone when ready() returns.
        post_save.connect(forget, sender=models.Programme, weak=False, dispatch_uid="recent")
        post_delete.connect(forget, sender=models.Programme, weak=False, dispatch_uid="recent")
        schedule.register(
            "milestone_reminders",
            every=datetime.timedelta(hours=1),
            run=milestones.remind_milestones,
        )
