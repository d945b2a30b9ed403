"""Next year's cap of a base, as the annual assessment adjusted it (notice 002, 二)."""

from typing import Any

from django.db import transaction

from shipei.accounts import scope
from shipei.audit.services import record
from shipei.orgs.models import Organisation
from shipei.programmes.models import Programme

from ..models import BaseCapOverride


@transaction.atomic
def base_cap_set(
    *,
    actor: Any,
    source: Programme,
    base: Organisation,
    kind: str,
    year: int,
    cap: int,
    reason: str,
) -> BaseCapOverride:
    """Set `base`'s cap for `kind` in `year` (read by project_submit where the policy adjusts
    caps by performance). Only who decides the projects of the assessed programme may."""
    scope.require_programme(actor, "project.decide", source)
    override, created = BaseCapOverride.objects.update_or_create(
        base=base,
        kind=kind,
        year=year,
        defaults={"cap": cap, "source": source, "reason": reason[:300], "set_by": actor},
    )
    record(
        actor,
        "project.cap_adjusted",
        override,
        org=base,
        kind=kind,
        year=year,
        cap=cap,
        programme=source.pk,
        created=created,
    )
    return override
