from django.apps import AppConfig


class AppraisalConfig(AppConfig):
    name = "shipei.appraisal"
    label = "appraisal"
    verbose_name = "基地年度考核"
