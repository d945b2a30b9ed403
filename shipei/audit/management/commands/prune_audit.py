"""Delete audit entries older than the retention age (at least 184 days); run it monthly."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from shipei.audit.errors import RetentionTooShort
from shipei.audit.retention import audit_prune


class Command(BaseCommand):
    help = (
        "删除早于保留期限的审计记录和字段变更记录；保留期限默认取 AUDIT_RETENTION_DAYS，"
        "不得少于184天。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--older-than-days",
            type=int,
            dest="days",
            help="删除早于这么多天的记录（不少于184；默认取 AUDIT_RETENTION_DAYS）",
        )
        parser.add_argument("--dry-run", action="store_true", help="只统计，不删除")

    def handle(self, *args: Any, days: int | None, dry_run: bool, **options: Any) -> None:
        try:
            done = audit_prune(days=days, dry_run=dry_run)
        except RetentionTooShort as exc:
            raise CommandError(exc.message) from None
        verb = "将删除" if dry_run else "已删除"
        self.stdout.write(
            f"{verb} {done['entries']} 条审计记录和 {done['changes']} 条字段变更记录"
            f"（{timezone.localtime(done['before']):%Y-%m-%d %H:%M} 之前，保留 {done['days']} 天）。"
        )
