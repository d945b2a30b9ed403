from django.apps import AppConfig


class AppraisalConfig(AppConfig):
    name = "shipei.appraisal"
    label = "appraisal"
    verbose_name = "基地年度考核"

    def ready(self) -> None:
        from . import builtin, indicators

        for indicator in builtin.BUILTIN:
            indicators.register(indicator)
