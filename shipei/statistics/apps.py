from django.apps import AppConfig


class StatisticsConfig(AppConfig):
    name = "shipei.statistics"
    label = "statistics"
    verbose_name = "统计"
