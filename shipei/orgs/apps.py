from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "shipei.orgs"
    label = "orgs"
    verbose_name = "机构与区划"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from . import models

        auditlog.register(models.Organisation, exclude_fields=["name_pinyin", "updated_at"])
        auditlog.register(models.OrganisationAlias)
        auditlog.register(models.Designation)
