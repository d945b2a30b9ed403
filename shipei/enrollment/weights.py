"""Enrollment counts as weights for sharing quotas out (``quotas.weights``): how many teachers
of each receiver's area were admitted to, or completed, a programme or one of its items; last
year's programme, typically."""

from typing import Any

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from shipei.programmes.models import Programme
from shipei.quotas.selectors import Receiver, receiver_area_q
from shipei.quotas.weights import WeightSource, register

from .models import Enrollment

S = Enrollment.Status
# Admitted at some point: what became of them after does not undo the admission.
ADMITTED = (S.ADMITTED, S.NO_SHOW, S.ATTENDING, S.PASSED, S.FAILED)
PASSED = (S.PASSED,)


def enrollment_counts(
    receivers: list[Receiver], programme: Programme | None, item: str | None, statuses: Any
) -> list[int]:
    """Enrollments in `statuses` of `programme` (and `item`) by teachers of each receiver's
    area, in the receivers' order: one query."""
    if not receivers:
        return []
    found = Enrollment.objects.filter(status__in=statuses)
    if programme is not None:
        found = found.filter(programme=programme)
    if item:
        found = found.filter(item=item)
    counts = found.aggregate(
        **{f"n{n}": Count("pk", filter=receiver_area_q(r)) for n, r in enumerate(receivers)}
    )
    return [counts[f"n{n}"] for n in range(len(receivers))]


def register_sources() -> None:
    register(
        WeightSource(
            "admitted",
            _("已录取人数"),
            _("录取人数"),
            lambda receivers, programme, item: enrollment_counts(
                receivers, programme, item, ADMITTED
            ),
            per_programme=True,
        )
    )
    register(
        WeightSource(
            "passed",
            _("已结业人数"),
            _("结业人数"),
            lambda receivers, programme, item: enrollment_counts(
                receivers, programme, item, PASSED
            ),
            per_programme=True,
        )
    )
