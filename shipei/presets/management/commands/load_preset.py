from typing import Any

from django.core.management.base import BaseCommand, CommandError

from shipei.presets.loader import PresetError, preset_load, preset_slugs

OUTCOMES = {
    "created": "已创建",
    "updated": "已按预设更新",
    "unchanged": "无变化",
    "kept": "管理员已修改过，保留其修改（如需覆盖请加 --reset）",
}


class Command(BaseCommand):
    help = "按代码加载通知预设为培训计划（可重复执行；不会覆盖管理员之后的修改，除非加 --reset）。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("slugs", nargs="*", help="预设代码，见 shipei list_presets")
        parser.add_argument("--all", action="store_true", help="加载全部预设")
        parser.add_argument("--reset", action="store_true", help="以预设覆盖管理员的修改")

    def handle(self, *args: Any, **options: Any) -> None:
        slugs = preset_slugs() if options["all"] else options["slugs"]
        if not slugs:
            raise CommandError("请给出预设代码，或用 --all。")
        for slug in slugs:
            try:
                outcome = preset_load(slug, reset=options["reset"])
            except PresetError as exc:
                raise CommandError(exc.message) from None
            self.stdout.write(f"{slug}：{OUTCOMES[outcome]}")
