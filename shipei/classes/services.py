"""Writes of training classes (班次) while their project is being applied for."""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils.translation import gettext as _

from shipei.accounts import scope
from shipei.audit.services import record

from .errors import ProjectLocked
from .models import TrainingClass
from .signals import class_dates_changed

FIELDS = ("starts_on", "ends_on", "capacity", "place", "online_platform")


def class_problems(
    *,
    starts_on: Any,
    ends_on: Any,
    capacity: Any,
    max_size: int | None,
    length: tuple[str, int] | None = None,
) -> dict[str, str]:
    """What is wrong with a class's dates and size, by field (shared with the forms and the
    half-year plans): `length` is the longest the class may run, with the level or kind that
    sets it (``PolicyV1.class_length``; notice 004: 一级 8 days, 二级 9, 三级 7)."""
    problems = {}
    if not isinstance(starts_on, datetime.date):
        problems["starts_on"] = _("请填写开班日期。")
    if not isinstance(ends_on, datetime.date):
        problems["ends_on"] = _("请填写结业日期。")
    elif isinstance(starts_on, datetime.date) and ends_on < starts_on:
        problems["ends_on"] = _("结业日期不能早于开班日期。")
    elif isinstance(starts_on, datetime.date) and length is not None:
        days = (ends_on - starts_on).days + 1
        if days > length[1]:
            problems["ends_on"] = _(
                "%(level)s培训时间为 %(max)s 天，本班次为 %(days)s 天，请调整结业日期。"
            ) % {"level": length[0], "max": length[1], "days": days}
    if not isinstance(capacity, int) or capacity < 1:
        problems["capacity"] = _("计划人数至少为 1 人。")
    elif max_size and capacity > max_size:
        problems["capacity"] = _("每班不超过 %(max)s 人（政策规定的班额上限）。") % {
            "max": max_size
        }
    return problems


def class_check(training_class: TrainingClass) -> None:
    """ValidationError by field unless the class's dates and size keep to its policy."""
    project = training_class.project
    rules = project.programme.rules
    problems = class_problems(
        starts_on=training_class.starts_on,
        ends_on=training_class.ends_on,
        capacity=training_class.capacity,
        max_size=rules.classes.max_size,
        length=rules.class_length(project.item),
    )
    if problems:
        raise ValidationError(problems)
    training_class.place = (training_class.place or "").strip()
    training_class.online_platform = (training_class.online_platform or "").strip()


def _require_editable(actor: Any, project: Any) -> None:
    scope.require(actor, "project.apply", project.base)
    if not project.is_editable:
        raise ProjectLocked(current=project.get_status_display())


@transaction.atomic
def class_add(*, actor: Any, project: Any, **fields: Any) -> TrainingClass:
    """Add a class to a project being applied for; it gets the next sequence number."""
    _require_editable(actor, project)
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise ValidationError(_("不可修改的字段：%(f)s") % {"f": ", ".join(sorted(unknown))})
    training_class = class_build(project=project, **fields)
    record(actor, "class.added", training_class, org=project.base, seq=training_class.seq)
    return training_class


def class_build(*, project: Any, **fields: Any) -> TrainingClass:
    """Save a new class of `project` with the next sequence number, checked against its
    policy (the caller checks who may, and records it)."""
    last = project.classes.aggregate(m=Max("seq"))["m"] or 0
    training_class = TrainingClass(project=project, seq=last + 1, **fields)
    class_check(training_class)
    training_class.save()
    return training_class


@transaction.atomic
def class_update(*, actor: Any, training_class: TrainingClass, **fields: Any) -> TrainingClass:
    project = training_class.project
    _require_editable(actor, project)
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise ValidationError(_("不可修改的字段：%(f)s") % {"f": ", ".join(sorted(unknown))})
    changed = {k: v for k, v in fields.items() if getattr(training_class, k) != v}
    if not changed:
        return training_class
    before = (training_class.starts_on, training_class.ends_on)
    for key, value in changed.items():
        setattr(training_class, key, value)
    class_check(training_class)
    training_class.save(update_fields=[*FIELDS, "updated_at"])
    record(
        actor,
        "class.updated",
        training_class,
        org=project.base,
        seq=training_class.seq,
        fields=sorted(changed),
    )
    if (training_class.starts_on, training_class.ends_on) != before:
        class_dates_changed.send(
            sender=TrainingClass, actor=actor, training_class=training_class, before=before
        )
    return training_class


@transaction.atomic
def class_remove(*, actor: Any, training_class: TrainingClass) -> None:
    """Remove a class; the later ones move up, so that the numbers stay 1, 2, 3..."""
    project = training_class.project
    _require_editable(actor, project)
    seq = training_class.seq
    record(actor, "class.removed", training_class, org=project.base, seq=seq)
    training_class.delete()
    for later in project.classes.filter(seq__gt=seq).order_by("seq"):
        later.seq -= 1
        later.save(update_fields=["seq", "updated_at"])


# ---- seats: taken and freed with an enrollment, after its quota's (enrollment.seats) ----


def class_seat_take(training_class: TrainingClass) -> bool:
    """Take one of the class's places; False when it is full (one conditional UPDATE)."""
    return bool(
        TrainingClass.objects.filter(pk=training_class.pk, seats_taken__lt=F("capacity")).update(
            seats_taken=F("seats_taken") + 1
        )
    )


def class_seat_release(training_class_id: int) -> None:
    TrainingClass.objects.filter(pk=training_class_id, seats_taken__gt=0).update(
        seats_taken=F("seats_taken") - 1
    )
