"""The committed GB/T 2260 list (orgs/data/regions.json) synchronised into the Region table."""

import json
from pathlib import Path
from typing import Any

DATA_FILE = Path(__file__).resolve().parent / "data" / "regions.json"


def load_data() -> dict[str, Any]:
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))


def sync_regions(region_model: Any) -> int:
    """Create or update every region; idempotent. Returns how many rows changed."""
    changed = 0
    existing = {r.code: r for r in region_model.objects.all()}
    for item in load_data()["regions"]:  # sorted by code: a parent comes before its children
        values = {
            "name": item["name"],
            "short_name": item["short_name"],
            "level": item["level"],
            "parent_id": item["parent"],
            "aliases": item["aliases"],
        }
        row = existing.get(item["code"])
        if row is None:
            region_model.objects.create(code=item["code"], **values)
            changed += 1
        elif any(getattr(row, k) != v for k, v in values.items()):
            region_model.objects.filter(code=item["code"]).update(**values)
            changed += 1
    return changed
