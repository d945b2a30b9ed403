from django.apps import AppConfig


class ScheduleConfig(AppConfig):
    name = "shipei.schedule"
    label = "schedule"
    verbose_name = "课表与学习"
