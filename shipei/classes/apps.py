from django.apps import AppConfig


class ClassesConfig(AppConfig):
    name = "shipei.classes"
    label = "classes"
    verbose_name = "班次"
