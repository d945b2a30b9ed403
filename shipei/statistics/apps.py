import datetime

from django.apps import AppConfig


class StatisticsConfig(AppConfig):
    name = "shipei.statistics"
    label = "statistics"
    verbose_name = "统计"

    def ready(self) -> None:
        from shipei.notifications import schedule

        from . import figures

        # The pages add the unfolded deltas themselves, so a fold only keeps that tail short:
        # once a minute through the schedule, or every few seconds with statistics_fold --every.
        schedule.register("statistics_fold", every=datetime.timedelta(minutes=1), run=figures.fold)
