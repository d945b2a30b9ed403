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


def new_programme(
    actor: Any,
    owner: Any,
    *,
    code: str = "zj-2027-new",
    title: str = "2027年浙江省骨干教师培训",
    scope: str = "city",
    items: list[dict[str, Any]] | None = None,
) -> Programme:
    """A programme an admin has just created: no printed table, no quotas yet."""
    from shipei.programmes.services import programme_create

    items = items or [
        {"code": "p1", "label": "专业骨干教师培训", "kind": "phase"},
        {"code": "p2", "label": "班主任能力提升", "kind": "phase"},
    ]
    return programme_create(
        actor=actor,
        owner=owner,
        code=code,
        title=title,
        year=2027,
        policy={
            "items": items,
            "enrollment": {"channels": ["nomination"]},
            "quota": {"scope": scope},
        },
    )
