from django.apps import AppConfig


class PresetsConfig(AppConfig):
    name = "shipei.presets"
    label = "presets"
    verbose_name = "通知预设"
