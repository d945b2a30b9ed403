"""A base's application: drafted, edited with its classes, checked against the policy, submitted."""

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shipei.accounts import scope
from shipei.audit.services import record
from shipei.classes import services as classes
from shipei.classes.errors import ProjectLocked
from shipei.classes.models import TrainingClass
from shipei.core.clock import minute_text
from shipei.core.errors import SystemBusy
from shipei.orgs.models import Designation, Organisation
from shipei.programmes.models import Programme

from .. import selectors
from ..errors import (
    AdjustedCapReached,
    ApplicationClosed,
    ApplicationNotOpen,
    BaseCapReached,
    NoDesignation,
    NotApplicable,
)
from ..models import Project
from .transitions import LIFECYCLE, lock

Status = Project.Status
EDITABLE_FIELDS = (
    "item",
    "base_kind",
    "title",
    "mode",
    "days",
    "hours",
    "fee_yuan",
    "audience",
    "field_classes",
    "outline",
    "practice_share",
    "video_share",
)
# Filled in before an application can be submitted.
REQUIRED_FIELDS = ("title", "mode", "days", "hours", "audience", "outline")


def _clean_fields(project: Project, fields: dict[str, Any]) -> None:
    """Set and check the application's fields; the item and the kind of base under which it
    is applied for must fit the programme's policy and the base's designations."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(_("不可修改的字段：%(f)s") % {"f": ", ".join(sorted(unknown))})
    for key, value in fields.items():
        if isinstance(value, str):
            value = value.strip()
        setattr(project, key, "" if value is None and key in ("mode", "base_kind") else value)
    programme, base = project.programme, project.base
    if project.item not in {i.code for i in selectors.applicable_items(programme, base)}:
        raise ValidationError({"item": _("请选择本单位可申报的项目类别。")})
    project.base_kind = _resolve_kind(project, fields.get("base_kind") or project.base_kind)
    project.full_clean(
        exclude=["programme", "base", "created_by", "status", "status_reason", "review_round"],
        validate_constraints=False,
    )


def _resolve_kind(project: Project, wanted: str) -> str:
    """The designation the base applies under: the item's own kind where the item is per kind
    of base (002), else the one capped kind the base holds, else the one it chose."""
    programme, base = project.programme, project.base
    per_kind = programme.rules.base_caps.per_kind
    held = selectors.base_designations(programme, base)
    item_kind = selectors.item_designation(programme, project.item)
    if not per_kind:
        return item_kind if item_kind in held else (wanted if wanted in held else "")
    capped = [k for k in held if k in per_kind]
    labels = "、".join(str(Designation.Kind(k).label) for k in per_kind)
    if item_kind:
        if item_kind not in capped:
            raise NoDesignation(base=base.name, year=programme.year or "", kinds=labels)
        return item_kind
    if wanted in capped:
        return wanted
    if not capped:
        raise NoDesignation(base=base.name, year=programme.year or "", kinds=labels)
    if len(capped) == 1:
        return capped[0]
    raise ValidationError({"base_kind": _("本单位有多项基地认定，请选择以哪一类基地申报。")})


def _apply_classes(actor: Any, project: Project, changes: Sequence[dict[str, Any]]) -> None:
    """Add, change and remove classes as a form's rows ask: {"pk"?, "delete"?, fields...}."""
    existing = {c.pk: c for c in project.classes.all()}
    removed = [c for c in changes if c.get("pk") and c.get("delete")]
    for change in sorted(
        removed, key=lambda c: -existing[c["pk"]].seq if c["pk"] in existing else 0
    ):
        if change["pk"] in existing:
            classes.class_remove(actor=actor, training_class=existing.pop(change["pk"]))
    for n, change in enumerate(changes, start=1):
        if change.get("delete"):
            continue
        values = {k: v for k, v in change.items() if k in classes.FIELDS}
        try:
            if change.get("pk"):
                if change["pk"] not in existing:
                    raise ValidationError(_("班次不存在或已删除。"))
                training_class = TrainingClass.objects.get(pk=change["pk"])
                classes.class_update(actor=actor, training_class=training_class, **values)
            else:
                classes.class_add(actor=actor, project=project, **values)
        except ValidationError as exc:
            raise ValidationError(
                {
                    "classes": [
                        _("第%(n)s行班次：%(why)s") % {"n": n, "why": m} for m in exc.messages
                    ]
                }
            ) from None


@transaction.atomic
def project_create(
    *,
    actor: Any,
    programme: Programme,
    base: Organisation,
    classes: Sequence[dict[str, Any]] = (),
    **fields: Any,
) -> Project:
    """Start an application (a draft) for `base` under `programme`."""
    scope.require(actor, "project.apply", base)
    if not selectors.accepts_projects(programme):
        raise NotApplicable()
    project = Project(
        programme=programme,
        base=base,
        created_by=actor,
        status=Status.DRAFT,
        policy_revision=programme.revision,
    )
    _clean_fields(project, {"fee_yuan": 0, **fields})
    project.save()
    record(actor, "project.created", project, org=base, programme=programme.pk)
    if classes:
        _apply_classes(actor, project, classes)
    return project


@transaction.atomic
def project_update(
    *,
    actor: Any,
    project: Project,
    classes: Sequence[dict[str, Any]] | None = None,
    **fields: Any,
) -> Project:
    """Change a draft or a returned application, and its classes."""
    scope.require(actor, "project.apply", project.base)
    lock(project)
    if project.status not in (Status.DRAFT, Status.RETURNED):
        raise ProjectLocked(current=project.get_status_display())
    before = {k: getattr(project, k) for k in EDITABLE_FIELDS}
    _clean_fields(project, fields)
    changed = sorted(k for k in EDITABLE_FIELDS if getattr(project, k) != before[k])
    if changed:
        project.save(update_fields=[*changed, "updated_at"])
        record(actor, "project.updated", project, org=project.base, fields=changed)
    if classes is not None:
        _apply_classes(actor, project, classes)
    return project


def _percent(value: Decimal) -> str:
    return f"{(value * 100).normalize():f}"


def submit_problems(project: Project) -> dict[str, list[str]]:
    """What keeps an application from being submitted, by field ("classes" for the classes)."""
    rules = project.programme.rules
    problems: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        problems.setdefault(field, []).append(message)

    for field in REQUIRED_FIELDS:
        if getattr(project, field) in (None, ""):
            label = Project._meta.get_field(field).verbose_name
            add(field, _("请填写%(label)s。") % {"label": label})
    items = {i.code: i for i in selectors.applicable_items(project.programme, project.base)}
    item = items.get(project.item)
    if item is None:
        add("item", _("请选择本单位可申报的项目类别。"))
    elif item.fee_cap_yuan is not None and project.fee_yuan > item.fee_cap_yuan:
        add(
            "fee_yuan",
            _("收费标准不得超过 %(cap)s 元/人（%(item)s的上限）。")
            % {"cap": f"{item.fee_cap_yuan:,}", "item": item.label},
        )
    for field, minimum in (
        ("practice_share", rules.content.practice_share_min),
        ("video_share", rules.content.video_share_min),
    ):
        if minimum is None:
            continue
        value = getattr(project, field)
        label = Project._meta.get_field(field).verbose_name
        if value is None:
            add(
                field,
                _("请填写%(label)s（不低于 %(min)s%%）。")
                % {"label": label, "min": _percent(minimum)},
            )
        elif value < minimum:
            add(
                field,
                _("%(label)s不得低于 %(min)s%%，现为 %(now)s%%。")
                % {"label": label, "min": _percent(minimum), "now": _percent(value)},
            )
    class_rows = list(project.classes.order_by("seq"))
    if not class_rows:
        add("classes", _("请至少添加一个班次。"))
    for c in class_rows:
        found = classes.class_problems(
            starts_on=c.starts_on,
            ends_on=c.ends_on,
            capacity=c.capacity,
            max_size=rules.classes.max_size,
            length=rules.class_length(project.item),
        )
        if project.mode in (Project.Mode.OFFLINE, Project.Mode.BLENDED) and not c.place:
            found["place"] = _("线下培训请填写培训地点。")
        if project.mode in (Project.Mode.ONLINE, Project.Mode.BLENDED) and not c.online_platform:
            found["online_platform"] = _("线上培训请填写线上平台。")
        for message in found.values():
            add("classes", _("第%(seq)s期：%(why)s") % {"seq": c.seq, "why": message})
    return problems


def _check_window(programme: Programme) -> None:
    window = programme.rules.projects.application
    if window is None:
        return
    now = timezone.now()
    closes, opens = window.closes_at(), window.opens_at()
    if closes is not None and now > closes:
        raise ApplicationClosed(deadline=minute_text(closes))
    if opens is not None and now < opens:
        raise ApplicationNotOpen(opens=minute_text(opens))


def _check_cap(project: Project) -> None:
    """The base's cap for its kind (as the last assessment adjusted it, selectors.base_cap),
    counting every class as a project across its live projects of the programme (notice 002,
    二). The caller holds the base's row lock."""
    rules = project.programme.rules.base_caps
    cap = selectors.base_cap(project.programme, project.base, project.base_kind)
    if cap is None:
        return
    used = selectors.cap_usage(
        programme=project.programme, base=project.base, kind=project.base_kind, exclude=project
    )
    wanted = project.classes.count() if rules.each_class_counts_as_project else 1
    if used + wanted > cap:
        refusal = BaseCapReached if cap == rules.per_kind[project.base_kind] else AdjustedCapReached
        raise refusal(
            kind=Designation.Kind(project.base_kind).label, cap=cap, used=used, wanted=wanted
        )


@transaction.atomic
def project_submit(*, actor: Any, project: Project) -> Project:
    """Submit a draft or a returned application for review, within the application window and
    the base's cap."""
    scope.require(actor, "project.apply", project.base)
    try:
        # One base's submissions queue here, so two cannot both take the last place.
        Organisation.objects.select_for_update().filter(pk=project.base_id).exists()
    except OperationalError:
        raise SystemBusy() from None
    lock(project)
    LIFECYCLE.check(project, Status.SUBMITTED)
    _check_window(project.programme)
    problems = submit_problems(project)
    if problems:
        raise ValidationError(problems)
    _check_cap(project)
    resubmitted = project.status == Status.RETURNED
    project.submitted_at = timezone.now()
    LIFECYCLE.move(
        project,
        Status.SUBMITTED,
        actor=actor,
        action="project.submitted",
        org=project.base,
        fields=["submitted_at"],
        classes=project.classes.count(),
        resubmitted=resubmitted,
    )
    return project
