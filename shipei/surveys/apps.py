from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "shipei.surveys"
    label = "surveys"
    verbose_name = "评价问卷"
