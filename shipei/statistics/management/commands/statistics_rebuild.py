"""Recompute the statistics summaries from the raw tables (after a bulk load that bypassed the
triggers, or an organisation moved to another province). Writes to enrollments, certificates
and attendance wait while it runs."""

import time
from typing import Any

from django.core.management.base import BaseCommand

from shipei.statistics.figures import rebuild


class Command(BaseCommand):
    help = "根据报名、证书和考勤原始数据重建统计汇总表。"

    def handle(self, *args: Any, **options: Any) -> None:
        start = time.perf_counter()
        rows = rebuild()
        self.stdout.write(
            f"统计汇总已重建：{rows} 组原始数据，用时 {time.perf_counter() - start:.1f} 秒。"
        )
