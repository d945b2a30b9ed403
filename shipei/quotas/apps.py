from django.apps import AppConfig


class QuotasConfig(AppConfig):
    name = "shipei.quotas"
    label = "quotas"
    verbose_name = "名额"
