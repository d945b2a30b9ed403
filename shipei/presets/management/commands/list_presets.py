from typing import Any

from django.core.management.base import BaseCommand

from shipei.presets.loader import preset_data, preset_slugs


class Command(BaseCommand):
    help = "列出内置的通知预设：每行一个，先写代码，再写名称。"

    def handle(self, *args: Any, **options: Any) -> None:
        for slug in preset_slugs():
            self.stdout.write(f"{slug}\t{preset_data(slug)['title']}")
