from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "shipei.supervision"
    label = "supervision"
    verbose_name = "监督抽检"

    def ready(self) -> None:
        # The annual assessment (a lower layer) reads the spot-check score through its registry.
        from shipei.appraisal.indicators import Indicator, register

        from .indicator import spot_check_scores

        register(Indicator(code="spot_check", label="抽检评价", compute=spot_check_scores))
