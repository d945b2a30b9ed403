from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from shipei.programmes.models import Programme
from shipei.quotas.exports import quota_csv, quota_xlsx
from shipei.quotas.layout import LayoutError


class Command(BaseCommand):
    help = "导出培训计划的名额表：CSV（item,region,quota）或按通知版式的 Excel。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("slug", help="培训计划代码（即预设代码，见 shipei list_presets）")
        parser.add_argument("--format", choices=["csv", "xlsx"], default="csv", help="导出格式")
        parser.add_argument("--output", help="输出文件；CSV 不给则写到标准输出，Excel 必须给出")

    def handle(self, *args: Any, **options: Any) -> None:
        programme = Programme.objects.filter(code=options["slug"]).first()
        if programme is None:
            raise CommandError(
                f"没有代码为“{options['slug']}”的培训计划。请先用 shipei load_preset 加载。"
            )
        output = options.get("output")
        try:
            if options["format"] == "xlsx":
                if not output:
                    raise CommandError("导出 Excel 须用 --output 指定文件。")
                Path(output).write_bytes(quota_xlsx(programme))
                return
            text = quota_csv(programme)
        except LayoutError as exc:
            raise CommandError(str(exc)) from None
        if output:
            Path(output).write_text(text, encoding="utf-8")
        else:
            self.stdout.write(text, ending="")
