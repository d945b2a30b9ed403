"""An enrollment's history: each step is an event, written with its audit entry in the
enrollment's transaction; the events are also the outbox of the notices."""

from typing import Any

from shipei.audit.models import AuditEntry
from shipei.audit.services import entry_for
from shipei.core import rows

from . import outbox
from .approvals import current_step
from .models import Enrollment, EnrollmentEvent
from .notices import notice_fields


def record_event(
    enrollment: Enrollment, actor: Any, action: str, reason: str = ""
) -> EnrollmentEvent:
    event, entry = event_rows(enrollment, actor, action, reason)
    rows.insert(event)
    rows.insert(entry)
    outbox.notices_due()
    return event


def event_rows(
    enrollment: Enrollment, actor: Any, action: str, reason: str = ""
) -> tuple[EnrollmentEvent, AuditEntry]:
    """The event and its audit entry, not yet written."""
    step = current_step(enrollment)
    event = EnrollmentEvent(
        enrollment=enrollment,
        action=action,
        step=enrollment.step if step else None,
        step_label=step.label if step else "",
        actor=actor if getattr(actor, "pk", None) else None,
        reason=reason,
        # Before the enrollment moves on: its notices name the step just taken and the next.
        **notice_fields(enrollment, action),
    )
    entry = entry_for(
        actor,
        f"enrollment.{action}",
        enrollment,
        org=enrollment.org,
        programme=enrollment.programme_id,
        item=enrollment.item,
        status=enrollment.status,
        reason=reason,
    )
    return event, entry


def restate(event: EnrollmentEvent, enrollment: Enrollment) -> None:
    """The submission's event, written before the seat was taken, told how it ended (on the
    waitlist, or admitted at once): its notice says so."""
    fields = notice_fields(enrollment, event.action)
    for name, value in fields.items():
        setattr(event, name, value)
    event.save(update_fields=list(fields))
