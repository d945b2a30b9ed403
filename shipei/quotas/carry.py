"""Last year's quotas carried into a programme copied for a new year (programmes' clone).

Every seat is given through ``services.quota_set`` as it is, top-level quotas first and then
each split below them, so that the copy obeys the same rules as an admin's edit and is
recorded the same way. Scaled, each item's total is rounded once and shared out in proportion
to last year's seats (largest remainder), and so is each receiver's split below it: totals come
out exactly, and no level ever splits more than it was given.
"""

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shipei.audit.services import record
from shipei.core.errors import DomainError
from shipei.programmes.models import Programme

from . import services
from .apportion import apportion
from .models import Quota


class QuotaCopyRefused(DomainError):
    code = "quota_copy_refused"
    template = gettext_lazy("复制名额未完成（%(where)s）：%(reason)s")


def scaled(seats: int, percent: int) -> int:
    """`seats` × `percent` %, rounded half up (107 × 110 % = 117.7 → 118)."""
    return int((Decimal(seats) * percent / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _shares(total: int, quotas: list[Quota]) -> list[int]:
    if not quotas:
        return []
    if sum(q.seats for q in quotas) == 0:
        return [0] * len(quotas)
    return apportion(total, [q.seats for q in quotas])


@transaction.atomic
def quota_copy(*, actor: Any, source: Programme, target: Programme, percent: int = 100) -> int:
    """Give `target` the quotas `source` has, at `percent` % of their seats; returns how many
    quotas were given. Items are matched by code (a copied policy keeps them); an item the
    target no longer has is refused, naming it, like any other refused seat."""
    if percent < 1:
        raise QuotaCopyRefused(where=target.title, reason=_("名额比例应大于 0。"))
    rows = list(Quota.objects.filter(programme=source).select_related("region", "org"))
    children: dict[int | None, list[Quota]] = {}
    for quota in rows:
        children.setdefault(quota.parent_id, []).append(quota)
    given = 0
    # (quota of last year, seats it gets now), parents before their children
    todo: list[tuple[Quota, int]] = []
    top = children.get(None, [])
    for item in dict.fromkeys(q.item for q in top):
        same = [q for q in top if q.item == item]
        total = sum(q.seats for q in same)
        todo += zip(same, _shares(scaled(total, percent), same), strict=True)
    labels = {i.code: i.label for i in target.rules.items}
    while todo:
        quota, seats = todo.pop(0)
        where = f"{labels.get(quota.item, quota.item)} / {quota.receiver_name}"
        try:
            services.quota_set(
                actor=actor,
                programme=target,
                item=quota.item,
                seats=seats,
                region=quota.region,
                org=quota.org,
                on_demand=quota.on_demand,
                reason=_("复制自%(title)s") % {"title": source.title[:180]},
            )
        except (DomainError, PermissionDenied) as exc:
            reason = getattr(exc, "message", "") or _("您的角色无权执行此操作。")
            raise QuotaCopyRefused(where=where, reason=reason) from exc
        given += 1
        below = children.get(quota.pk, [])
        split = min(scaled(sum(q.seats for q in below), percent), seats)
        todo += zip(below, _shares(split, below), strict=True)
    record(
        actor,
        "quota.copied",
        target,
        programme=target.pk,
        source=source.pk,
        percent=percent,
        count=given,
    )
    return given
