from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "shipei.core"
    label = "core"
    verbose_name = "基础"
