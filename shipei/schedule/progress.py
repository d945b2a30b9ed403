"""Self-paced progress: reports from a trainee's player, turned into minutes watched.

Each event names an interval of one resource (from, to: the positions in minutes) and carries
the client's event id. What a trainee has watched of a resource is the union of the intervals
of their events, so that:

- a resent event (same id, same report) is a no-op and answers as before; the same id with
  another report is refused;
- late and out-of-order events are simply added to the union: the order never matters;
- watching a part twice, or two devices reporting the same part, counts it once;
- the total never exceeds the resource's length (an interval past its end is refused).

Minutes become class hours by the policy (``content.minutes_per_hour``, hours.py).
"""

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from shipei.enrollment.models import Enrollment

from .errors import EventReused, NotLearning, NotOwnProgress
from .models import Progress, ProgressEvent, Resource

LEARNING = (Enrollment.Status.ADMITTED, Enrollment.Status.ATTENDING)
EVENT_ID = re.compile(r"^[A-Za-z0-9_.:\-]{1,64}$")


def merge(intervals: list[list[int]], new: tuple[int, int]) -> list[list[int]]:
    """The union of sorted disjoint `intervals` and `new`, sorted and disjoint again (touching
    intervals join)."""
    out: list[list[int]] = []
    a, b = new
    for lo, hi in intervals:
        if hi < a:
            out.append([lo, hi])
        elif b < lo:
            out.append([a, b])
            a, b = lo, hi
        else:
            a, b = min(a, lo), max(b, hi)
    out.append([a, b])
    return out


def covered(intervals: list[list[int]]) -> int:
    return sum(hi - lo for lo, hi in intervals)


def _seconds(value: Any, field: str) -> int:
    try:
        minutes = Decimal(str(value))
    except (InvalidOperation, ValueError):
        minutes = Decimal("NaN")
    if not minutes.is_finite():
        raise ValidationError({field: _("请填写以分钟计的数字。")})
    if minutes < 0:
        raise ValidationError({field: _("分钟数不能为负数。")})
    return int((minutes * 60).to_integral_value())


def _interval(resource: Resource, from_minute: Any, to_minute: Any) -> tuple[int, int]:
    start, end = _seconds(from_minute, "from_minute"), _seconds(to_minute, "to_minute")
    if end <= start:
        raise ValidationError({"to_minute": _("终点须大于起点。")})
    if end > resource.minutes * 60:
        raise ValidationError(
            {"to_minute": _("终点超出资源时长（%(n)s 分钟）。") % {"n": resource.minutes}}
        )
    return start, end


@transaction.atomic
def progress_record(
    *,
    actor: Any,
    enrollment: Enrollment,
    resource: Resource,
    event_id: str,
    from_minute: Any,
    to_minute: Any,
    occurred_at: Any = None,
) -> tuple[ProgressEvent, Progress, bool]:
    """Record that the trainee watched [from_minute, to_minute) of `resource`: (the event, the
    trainee's progress on the resource, whether the event had come before)."""
    if getattr(actor, "person_id", None) is None or actor.person_id != enrollment.person_id:
        raise NotOwnProgress()
    event_id = (event_id or "").strip()
    if not EVENT_ID.match(event_id):
        raise ValidationError({"event_id": _("事件编号须为 1 至 64 位字母、数字或 _ . : - 。")})
    start, end = _interval(resource, from_minute, to_minute)
    found = _replay(event_id, enrollment, resource, start, end)
    if found is not None:
        return found
    if enrollment.status not in LEARNING:
        raise NotLearning(current=enrollment.get_status_display())
    if resource.project_id is None or resource.project_id != enrollment.project_id:
        raise ValidationError({"resource": _("该资源不属于您参加的培训项目。")})
    progress = _locked_progress(enrollment, resource)
    try:
        with transaction.atomic():
            event = ProgressEvent.objects.create(
                event_id=event_id,
                enrollment=enrollment,
                resource=resource,
                from_second=start,
                to_second=end,
                occurred_at=occurred_at,
                submitted_by=actor,
            )
    except IntegrityError:  # the same event, sent twice at the same moment
        found = _replay(event_id, enrollment, resource, start, end)
        if found is None:
            raise
        return found
    progress.intervals = merge(progress.intervals, (start, end))
    progress.watched_seconds = covered(progress.intervals)
    progress.save(update_fields=["intervals", "watched_seconds", "updated_at"])
    return event, progress, False


def _replay(
    event_id: str, enrollment: Enrollment, resource: Resource, start: int, end: int
) -> tuple[ProgressEvent, Progress, bool] | None:
    event = ProgressEvent.objects.filter(event_id=event_id).first()
    if event is None:
        return None
    same = (event.enrollment_id, event.resource_id, event.from_second, event.to_second) == (
        enrollment.pk,
        resource.pk,
        start,
        end,
    )
    if not same:
        raise EventReused(event_id=event_id)
    progress = Progress.objects.get(enrollment=enrollment, resource=resource)
    return event, progress, True


def _locked_progress(enrollment: Enrollment, resource: Resource) -> Progress:
    try:
        with transaction.atomic():
            Progress.objects.get_or_create(enrollment=enrollment, resource=resource)
    except IntegrityError:  # made by a concurrent event a moment ago
        pass
    return Progress.objects.select_for_update().get(enrollment=enrollment, resource=resource)
