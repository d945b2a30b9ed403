from django.core.management.base import BaseCommand

from shipei.orgs.models import Region
from shipei.orgs.regions import load_data, sync_regions


class Command(BaseCommand):
    help = "按仓库中的 GB/T 2260 数据文件同步行政区划（可重复执行）。"

    def handle(self, *args: object, **options: object) -> None:
        changed = sync_regions(Region)
        self.stdout.write(
            f"行政区划：{Region.objects.count()} 条，本次变更 {changed} 条。"
            f"来源：{load_data()['source']}"
        )
