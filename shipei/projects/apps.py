from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "shipei.projects"
    label = "projects"
    verbose_name = "培训项目"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from . import models

        auditlog.register(models.Project, exclude_fields=["updated_at"])
