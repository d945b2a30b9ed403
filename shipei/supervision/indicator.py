"""The spot-check indicator of a base's annual assessment (appraisal.indicators): the mean
score (models.RATING_SCORES, 0–100) of the base's closed inspections carried out in the year,
None for a base with none. The year is that of the inspection (Asia/Shanghai), not of the
closing: a check made in December and closed in January speaks of December's work."""

import datetime
from collections.abc import Sequence

from django.utils import timezone

from .models import RATING_SCORES, Inspection


def spot_check_scores(year: int, base_ids: Sequence[int]) -> dict[int, float | None]:
    tz = timezone.get_default_timezone()
    start = datetime.datetime(year, 1, 1, tzinfo=tz)
    end = datetime.datetime(year + 1, 1, 1, tzinfo=tz)
    scores: dict[int, list[int]] = {pk: [] for pk in base_ids}
    for base_id, rating in Inspection.objects.filter(
        base_id__in=list(base_ids),
        status=Inspection.Status.CLOSED,
        inspected_at__gte=start,
        inspected_at__lt=end,
    ).values_list("base_id", "rating"):
        scores[base_id].append(RATING_SCORES[rating])
    return {pk: (sum(s) / len(s) if s else None) for pk, s in scores.items()}
