"""What the quota tests share."""

from typing import Any

from shipei.orgs.models import Region
from shipei.programmes.models import Programme
from shipei.quotas import services

# 浙江's split of notice 000's first and third phases to 杭州 and 宁波.
SPLIT = {("p1", "330100"): 150, ("p1", "330200"): 100, ("p3", "330100"): 120, ("p3", "330200"): 80}


def split_zhejiang(actor: Any) -> Programme:
    """Give SPLIT's seats as 浙江's admin `actor` would (notice 000 loaded)."""
    programme = Programme.objects.get(code="moe-2020-innovation-team-online")
    for (item, code), seats in SPLIT.items():
        services.quota_set(
            actor=actor,
            programme=programme,
            item=item,
            seats=seats,
            region=Region.objects.get(code=code),
        )
    return programme
