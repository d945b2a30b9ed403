"""Changes to a planned class and classes outside the plan (notice 004, footnotes ④ ⑤): the
institution asks, the province approves (an unplanned class with the stamped scan the province
uploads) or declines with its reason, and the national centre records what was approved."""

import datetime
import re
from pathlib import PurePath
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shipei.accounts import scope
from shipei.audit.services import record
from shipei.core.errors import InvalidTransition

from .errors import (
    AmendmentOpen,
    NothingChanged,
    ReasonRequired,
    ScanInvalid,
    ScanRequired,
    StepNotUsed,
)
from .flow import lock
from .lifecycle import BEFORE_RUNNING, lifecycle_of
from .models import ClassAmendment, TrainingClass
from .services import class_check
from .signals import class_dates_changed

Kind, Status = ClassAmendment.Kind, ClassAmendment.Status
CHANGEABLE = ("starts_on", "ends_on", "capacity", "place", "staff_counts")
SCAN_MAX_BYTES = 10 * 1024 * 1024
# What a scan's file starts with, by extension: a renamed file of another kind is refused.
SCAN_TYPES = {
    ".pdf": (b"%PDF",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
}


def _stored(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime.date) else value


def _loaded(field: str, value: Any) -> Any:
    if field in ("starts_on", "ends_on"):
        return datetime.date.fromisoformat(value)
    return value


@transaction.atomic
def amendment_request(
    *, actor: Any, training_class: TrainingClass, reason: str, **wanted: Any
) -> ClassAmendment:
    """Ask the province to change a class of the plan: its dates, size, place or the number of
    staff of a role (the teaching core teachers, footnote ⑤). Checked against the policy now,
    so that the province decides on a change that can be made."""
    base = training_class.project.base
    scope.require(actor, "class.run", base)
    rules = training_class.project.programme.rules
    if not rules.classes.uses("semiannual_plan"):
        raise StepNotUsed(programme=training_class.project.programme.title, step="半年培训计划")
    lock(training_class)
    if training_class.status not in BEFORE_RUNNING | {TrainingClass.Status.RETURNED}:
        raise InvalidTransition(current=training_class.get_status_display())
    if training_class.amendments.filter(status=Status.SUBMITTED).exists():
        raise AmendmentOpen()
    unknown = set(wanted) - set(CHANGEABLE)
    if unknown:
        raise ValidationError(_("不可修改的字段：%(f)s") % {"f": ", ".join(sorted(unknown))})
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired(what=_("调整"))
    if "staff_counts" in wanted:
        wanted["staff_counts"] = _staff(rules.classes.staff, wanted["staff_counts"])
    changes = {
        field: [_stored(getattr(training_class, field)), _stored(value)]
        for field, value in wanted.items()
        if value is not None and getattr(training_class, field) != value
    }
    if not changes:
        raise NothingChanged()
    _check_changed(training_class, changes)
    amendment = ClassAmendment.objects.create(
        training_class=training_class,
        kind=Kind.CHANGE,
        changes=changes,
        reason=reason[:500],
        requested_by=actor,
    )
    record(
        actor,
        "class.amendment_requested",
        amendment,
        org=base,
        kind="change",
        fields=sorted(changes),
    )
    return amendment


def _staff(policy_staff: dict[str, int], wanted: Any) -> dict[str, int]:
    """The class's own staff counts: the roles of the policy, where they differ from it."""
    if not isinstance(wanted, dict) or not set(wanted) <= set(policy_staff):
        raise ValidationError(
            {"staff_counts": _("只能调整政策规定的角色：%(r)s") % {"r": "、".join(policy_staff)}}
        )
    out = {}
    for role, count in wanted.items():
        if not isinstance(count, int) or isinstance(count, bool) or not 0 <= count <= 20:
            raise ValidationError({"staff_counts": _("“%(r)s”的人数应为 0～20。") % {"r": role}})
        if count != policy_staff[role]:
            out[role] = count
    return out


def _check_changed(training_class: TrainingClass, changes: dict[str, list[Any]]) -> None:
    """The class as the change would leave it keeps to the policy (size, length) and to the
    trainees enrolled already; nothing is saved here."""
    probe = TrainingClass.objects.select_related("project__programme").get(pk=training_class.pk)
    for field, (_before, after) in changes.items():
        setattr(probe, field, _loaded(field, after))
    class_check(probe)
    if probe.capacity < probe.seats_taken:
        raise ValidationError(
            {"capacity": _("已有 %(n)s 人报名，计划人数不能少于此数。") % {"n": probe.seats_taken}}
        )


def scan_problem(upload: Any) -> str:
    """Why an upload cannot be the stamped scan ("" if it can): type, size and content."""
    suffix = PurePath(getattr(upload, "name", "") or "").suffix.lower()
    if suffix not in SCAN_TYPES:
        return _("所选文件类型为“%(ext)s”。") % {"ext": suffix or _("无扩展名")}
    if upload.size > SCAN_MAX_BYTES:
        return _("所选文件为 %(mb).1f MB。") % {"mb": upload.size / 1024 / 1024}
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if not head.startswith(SCAN_TYPES[suffix]):
        return _("文件内容与扩展名不符，请上传原始扫描件。")
    return ""


def _clean_filename(name: str) -> str:
    name = re.sub(r"[\x00-\x1f\x7f/\\]", "", PurePath(name).name).strip()
    return name[-200:]


@transaction.atomic
def amendment_decide(
    *,
    actor: Any,
    amendment: ClassAmendment,
    approve: bool,
    reason: str = "",
    scan: Any = None,
) -> ClassAmendment:
    """The province approves a change (made to the class at once) or an unplanned class (with
    the stamped scan it uploads), or declines with its reason; a declined unplanned class is
    cancelled."""
    training_class = amendment.training_class
    base = training_class.project.base
    scope.require(actor, "class.review", base)
    lock(training_class)
    amendment = ClassAmendment.objects.select_for_update().get(pk=amendment.pk)
    if amendment.status != Status.SUBMITTED:
        raise InvalidTransition(current=amendment.get_status_display())
    reason = (reason or "").strip()
    if not approve and not reason:
        raise ReasonRequired(what=_("不同意"))
    if approve and amendment.kind == Kind.ADDITION:
        if not scan:
            raise ScanRequired()
        problem = scan_problem(scan)
        if problem:
            raise ScanInvalid(why=problem)
    amendment.status = Status.APPROVED if approve else Status.RETURNED
    amendment.decision_reason = reason[:500]
    amendment.decided_by, amendment.decided_at = actor, timezone.now()
    if approve and amendment.kind == Kind.CHANGE:
        _apply(actor, training_class, amendment.changes)
    if approve and scan:
        amendment.scan_name = _clean_filename(scan.name)
        amendment.scan.save(amendment.scan_name, scan, save=False)
    try:
        amendment.save()
        record(
            actor,
            "class.amendment_approved" if approve else "class.amendment_returned",
            amendment,
            org=base,
            kind=amendment.kind,
            reason=reason[:200],
        )
    except Exception:
        if amendment.scan:
            amendment.scan.storage.delete(amendment.scan.name)  # no row, no file
        raise
    if not approve and amendment.kind == Kind.ADDITION:
        training_class.status_reason = _("省级未同意计划外班次：%(why)s") % {"why": reason}
        lifecycle_of(training_class).move(
            training_class,
            TrainingClass.Status.CANCELLED,
            actor=actor,
            action="class.cancelled",
            org=base,
            fields=["status_reason"],
            reason=reason[:200],
        )
    return amendment


def _apply(actor: Any, training_class: TrainingClass, changes: dict[str, list[Any]]) -> None:
    before = (training_class.starts_on, training_class.ends_on)
    for field, (_before, after) in changes.items():
        setattr(training_class, field, _loaded(field, after))
    class_check(training_class)
    training_class.save(update_fields=[*changes, "updated_at"])
    if (training_class.starts_on, training_class.ends_on) != before:
        class_dates_changed.send(
            sender=TrainingClass, actor=actor, training_class=training_class, before=before
        )


@transaction.atomic
def amendment_record(*, actor: Any, amendment: ClassAmendment) -> ClassAmendment:
    """The national centre records a change or an unplanned class the province approved."""
    scope.require(actor, "class.record", amendment.training_class.project.base)
    amendment = ClassAmendment.objects.select_for_update().get(pk=amendment.pk)
    if amendment.status != Status.APPROVED:
        raise InvalidTransition(current=amendment.get_status_display())
    amendment.status = Status.RECORDED
    amendment.recorded_by, amendment.recorded_at = actor, timezone.now()
    amendment.save(update_fields=["status", "recorded_by", "recorded_at", "updated_at"])
    record(
        actor,
        "class.amendment_recorded",
        amendment,
        org=amendment.training_class.project.base,
        kind=amendment.kind,
    )
    return amendment
