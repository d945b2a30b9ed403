"""Queue the periodic jobs that are due (each app registers its own: enrollment's deadline
reminders and the sweep of notices whose delivery was lost, say); a worker (`shipei db_worker`)
runs them. Run it every few minutes: from cron or a systemd timer, or with ``--every`` as a
loop beside the demo's worker. Running it more often than needed is harmless."""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from shipei.notifications.schedule import schedule_run


class Command(BaseCommand):
    help = "将到期的定时任务（截止提醒、补发报名通知等）加入后台任务队列，由 db_worker 执行。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="不论间隔，全部任务立即排队一次。")
        parser.add_argument(
            "--every",
            type=int,
            default=0,
            metavar="SECONDS",
            help="持续运行，每隔 SECONDS 秒检查一次（演示环境与 db_worker 一同运行）。",
        )

    def handle(self, *args: Any, force: bool, every: int, **options: Any) -> None:
        while True:
            queued = schedule_run(force=force)
            if options["verbosity"] > 0:
                if queued:
                    self.stdout.write("已排队：" + "、".join(queued))
                elif not every:
                    self.stdout.write("没有到期的任务。")
            if every <= 0:
                return
            force = False
            time.sleep(every)
