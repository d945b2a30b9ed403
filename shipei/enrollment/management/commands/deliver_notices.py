"""Deliver the pending notices of enrollment events now, in this process: after the worker was
down, or to drain the outbox after a load test. The worker does the same within seconds of
each commit, so this is never needed for normal running."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from shipei.enrollment.outbox import notices_deliver


class Command(BaseCommand):
    help = "立即发送尚未发送的报名通知（平时由后台任务在报名提交后数秒内发送）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--limit", type=int, default=500, metavar="N", help="每个事务处理的报名记录数。"
        )

    def handle(self, *args: Any, limit: int, **options: Any) -> None:
        delivered = notices_deliver(limit=limit)
        if options["verbosity"] > 0:
            self.stdout.write(f"已发送 {delivered} 条报名记录的通知。")
