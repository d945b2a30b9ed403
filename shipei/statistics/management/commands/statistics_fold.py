"""Fold the statistics deltas into the summaries: once, or in a loop (``--every``) beside the
task worker. The pages are exact either way (they add the unfolded deltas); folding often keeps
what they add short."""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from shipei.statistics.figures import fold


class Command(BaseCommand):
    help = "将统计增量汇入汇总表（可用 --every 持续运行）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--every",
            type=float,
            default=0,
            metavar="SECONDS",
            help="持续运行，每隔 SECONDS 秒汇总一次。",
        )

    def handle(self, *args: Any, every: float, **options: Any) -> None:
        while True:
            folded = fold()
            if options["verbosity"] > 1 or (options["verbosity"] > 0 and not every):
                self.stdout.write(f"已汇总 {folded} 条统计增量。")
            if every <= 0:
                return
            time.sleep(every)
