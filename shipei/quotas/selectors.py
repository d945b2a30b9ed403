"""Reads of quotas: which quota covers whom, and the tables admins look at."""

from typing import Any

from django.db.models import QuerySet

from shipei.core import scope
from shipei.orgs.models import Organisation, Region
from shipei.programmes.models import Programme

from .models import Quota


def quota_list(*, user: Any, programme: Programme) -> QuerySet[Quota]:
    return (
        Quota.objects.filter(programme=programme)
        .filter(scope.receivers_q(user, "quota.view"))
        .select_related("region", "org", "parent__region", "parent__org")
    )


def _chain(
    *, region: Region | None, org: Organisation | None, include_self: bool
) -> list[tuple[str, Any]]:
    """The receivers above a receiver (and the receiver itself with `include_self`), most
    specific first: the organisation and its ancestors, then its city, then its province."""
    out: list[tuple[str, Any]] = []
    if org is not None:
        ids = [int(i) for i in org.path.strip("/").split("/") if i]
        if not include_self:
            ids = ids[:-1]
        out += [("org", i) for i in reversed(ids)]
        region, include_self = org.region, True
    if region is not None:
        codes = [region.code] if include_self else []
        if region.parent_id:
            codes.append(region.parent_id)
        out += [("region", c) for c in codes]
    return out


def _most_specific(programme: Programme, item: str, chain: list[tuple[str, Any]]) -> Quota | None:
    if not chain:
        return None
    rank = {key: n for n, key in enumerate(chain)}
    org_ids = [v for k, v in chain if k == "org"]
    codes = [v for k, v in chain if k == "region"]
    candidates = Quota.objects.filter(programme=programme, item=item).filter(
        org_id__in=org_ids
    ) | Quota.objects.filter(programme=programme, item=item, region_id__in=codes)
    found = sorted(
        candidates.select_related("region", "org"),
        key=lambda q: rank[("org", q.org_id) if q.org_id else ("region", q.region_id)],
    )
    return found[0] if found else None


def quota_covering(*, programme: Programme, item: str, org: Organisation) -> Quota | None:
    """The quota a teacher of `org` takes a seat from: the most specific one covering `org`.
    Seats a level keeps unassigned serve only the organisations under it without their own."""
    return _most_specific(programme, item, _chain(region=None, org=org, include_self=True))


def quota_above(
    *, programme: Programme, item: str, region: Region | None, org: Organisation | None
) -> Quota | None:
    """The quota a new quota for this receiver is split from."""
    return _most_specific(programme, item, _chain(region=region, org=org, include_self=False))


def is_below(quota: Quota, *, region: Region | None, org: Organisation | None) -> bool:
    """Whether `quota`'s receiver lies strictly under the given receiver."""
    if org is not None:
        return quota.org_id is not None and (
            quota.org.path.startswith(org.path) and quota.org_id != org.pk
        )
    prefix = region.code[: scope.region_digits(region)]
    if quota.region_id:
        return quota.region_id != region.code and quota.region_id.startswith(prefix)
    return bool(quota.org.region_id and quota.org.region_id.startswith(prefix))


def quota_history(*, quota: Quota) -> QuerySet[Any]:
    return quota.changes.select_related("actor__person")
