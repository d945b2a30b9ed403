from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "shipei.projects"
    label = "projects"
    verbose_name = "培训项目"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from shipei.classes import offerings
        from shipei.programmes.selectors import ITEM_USERS

        from . import models, selectors, services

        auditlog.register(models.Project, exclude_fields=["updated_at"])
        ITEM_USERS.append(selectors.items_with_projects)
        offerings.register(services.project_for_classes)
