from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "shipei.supervision"
    label = "supervision"
    verbose_name = "监督抽检"
