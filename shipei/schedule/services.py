"""Writes of a class's schedule and a project's resource package, by the institution that runs
the class (``class.run`` over its base). No one is in two sessions at once: a session's staff
and its class's trainees are checked against every other session that holds people, in any
class (``clashes``), under a lock on those people."""

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from shipei.accounts import scope
from shipei.accounts.models import Person
from shipei.audit.services import record
from shipei.classes.models import TrainingClass
from shipei.enrollment.models import CHAIN_COMPLETED, Enrollment
from shipei.staffing.models import HOLDING, Assignment

from .errors import Clash, ClassOver
from .models import Resource, Session

K = Session.Kind
SESSION_FIELDS = (
    "kind",
    "title",
    "starts_at",
    "ends_at",
    "hours",
    "link",
    "resource",
    "room",
    "practice_site",
    "place",
    "note",
)
# The fields of each kind besides the common ones; the others are cleared.
KIND_FIELDS = {
    K.LIVE: ("link",),
    K.SELF_PACED: ("resource",),
    K.OFFLINE: ("room",),
    K.PRACTICE: ("practice_site", "place"),
}
CLOSED = (TrainingClass.Status.CLOSED, TrainingClass.Status.CANCELLED)
MAX_HOURS = Decimal("99")
MAX_RESOURCE_MINUTES = 6000  # 100 hours: anything longer is a typing error


def _local(moment: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(moment)


def span_text(starts_at: datetime.datetime, ends_at: datetime.datetime) -> str:
    """ "2025-03-03 09:00–11:30", the end's date too where it differs."""
    a, b = _local(starts_at), _local(ends_at)
    end = b.strftime("%H:%M") if a.date() == b.date() else b.strftime("%Y-%m-%d %H:%M")
    return f"{a:%Y-%m-%d %H:%M}–{end}"


# ---- checks --------------------------------------------------------------------------------


def session_problems(training_class: TrainingClass, session: Session) -> dict[str, str]:
    """What is wrong with a session's own fields, by field."""
    problems: dict[str, str] = {}
    if session.kind not in K.values:
        problems["kind"] = _("请选择课次类型。")
    if not session.title:
        problems["title"] = _("请填写课程名称。")
    starts, ends = session.starts_at, session.ends_at
    if not isinstance(starts, datetime.datetime):
        problems["starts_at"] = _("请填写开始时间。")
    if not isinstance(ends, datetime.datetime):
        problems["ends_at"] = _("请填写结束时间。")
    elif isinstance(starts, datetime.datetime):
        if ends <= starts:
            problems["ends_at"] = _("结束时间须晚于开始时间。")
        first, last = training_class.starts_on, training_class.ends_on
        if not (first <= _local(starts).date() and _local(ends).date() <= last):
            problems["starts_at"] = _("课次须安排在班次培训日期 %(first)s 至 %(last)s 之内。") % {
                "first": first.isoformat(),
                "last": last.isoformat(),
            }
    hours = session.hours
    if not isinstance(hours, Decimal) or not (0 < hours <= MAX_HOURS):
        problems["hours"] = _("学时须大于 0 且不超过 %(max)s。") % {"max": MAX_HOURS}
    elif hours != hours.quantize(Decimal("0.1")):
        problems["hours"] = _("学时最多保留一位小数。")
    if session.kind == K.LIVE:
        try:
            URLValidator(schemes=["http", "https"])(session.link)
        except ValidationError:
            problems["link"] = _("线上直播请填写以 http:// 或 https:// 开头的直播链接。")
    elif session.kind == K.SELF_PACED:
        if session.resource is None:
            problems["resource"] = _("线上自学请选择资源包中的学习资源。")
        elif session.resource.project_id != training_class.project_id:
            problems["resource"] = _("所选资源不属于本班次所在项目的资源包。")
    elif session.kind == K.OFFLINE and not session.room:
        problems["room"] = _("线下面授请填写教室。")
    elif session.kind == K.PRACTICE:
        if session.practice_site not in Session.PracticeSite.values:
            problems["practice_site"] = _("实践教学请选择企业实践或实训基地。")
        if not session.place:
            problems["place"] = _("实践教学请填写实践地点。")
    return problems


def allowed_staff(training_class: TrainingClass) -> Any:
    """Who may teach the class's sessions: its core teachers (invited or accepted, first, with
    ``is_core``) and the people of the institution that runs it, but not the class's own
    trainees (who attend its sessions)."""
    base = training_class.project.base
    core = Assignment.objects.filter(training_class=training_class, status__in=HOLDING).values_list(
        "core_teacher__person_id", flat=True
    )
    return (
        Person.objects.filter(Q(pk__in=core) | Q(org__path__startswith=base.path))
        .exclude(Q(pk__in=trainees_of(training_class.pk)) & ~Q(pk__in=core))
        .annotate(is_core=Exists(core.filter(core_teacher__person_id=OuterRef("pk"))))
        .order_by("-is_core", "name_pinyin", "pk")
    )


def trainees_of(training_class_id: int) -> Any:
    """The people enrolled in a class (admitted and after): they attend all its sessions."""
    return Enrollment.objects.filter(
        training_class_id=training_class_id, status__in=CHAIN_COMPLETED
    ).values_list("person_id", flat=True)


def check_clashes(session: Session, staff_ids: list[int]) -> None:
    """Refuse the session if one of its people is in another session at the same time: the
    class's trainees (who attend all of its sessions), its staff, and the trainees and staff of
    the other sessions. People are locked first, so that two sessions scheduled at the same
    moment for one person cannot both pass."""
    if not session.holds_people:
        return
    people = sorted({*staff_ids, *trainees_of(session.training_class_id)})
    list(Person.objects.select_for_update().filter(pk__in=people).order_by("pk").values("pk"))
    others = (
        Session.objects.exclude(kind=K.SELF_PACED)
        .exclude(pk=session.pk)
        .exclude(training_class__status=TrainingClass.Status.CANCELLED)
        .filter(starts_at__lt=session.ends_at, ends_at__gt=session.starts_at)
        .select_related("training_class__project")
        .order_by("starts_at", "pk")
    )
    same = others.filter(training_class_id=session.training_class_id).first()
    if same is not None:
        raise _clash(_("本班学员"), same)
    through = Session.staff.through
    taught = (
        through.objects.filter(session__in=others, person_id__in=people)
        .select_related("person", "session__training_class__project")
        .order_by("session__starts_at", "pk")
        .first()
    )
    if taught is not None:
        role = _("授课教师") if taught.person_id in staff_ids else _("学员")
        raise _clash(f"{taught.person.name}（{role}）", taught.session)
    attended = (
        Enrollment.objects.filter(
            status__in=CHAIN_COMPLETED,
            person_id__in=people,
            training_class__sessions__in=others,
        )
        .select_related("person")
        .order_by("pk")
        .first()
    )
    if attended is not None:
        other = others.filter(training_class_id=attended.training_class_id).first()
        role = _("授课教师") if attended.person_id in staff_ids else _("学员")
        raise _clash(f"{attended.person.name}（{role}）", other)


def _clash(who: str, other: Session) -> Clash:
    return Clash(
        who=who,
        when=span_text(other.starts_at, other.ends_at),
        other=other.title,
        where=str(other.training_class),
    )


# ---- sessions ------------------------------------------------------------------------------


def _require_schedulable(actor: Any, training_class: TrainingClass) -> None:
    scope.require(actor, "class.run", training_class.project.base)
    if training_class.status in CLOSED:
        raise ClassOver(current=training_class.get_status_display())


def _apply(session: Session, fields: dict[str, Any]) -> list[str]:
    unknown = set(fields) - set(SESSION_FIELDS)
    if unknown:
        raise ValidationError(_("不可修改的字段：%(f)s") % {"f": ", ".join(sorted(unknown))})
    changed = [k for k, v in fields.items() if getattr(session, k) != v]
    for key in changed:
        setattr(session, key, fields[key])
    for key in ("title", "link", "room", "place", "note", "practice_site"):
        setattr(session, key, (getattr(session, key) or "").strip())
    if isinstance(session.hours, (int, float, str)):
        try:
            session.hours = Decimal(str(session.hours))
        except InvalidOperation:
            session.hours = None
    mine = KIND_FIELDS.get(session.kind, ())
    for kind_fields in KIND_FIELDS.values():
        for key in kind_fields:
            if key not in mine:
                setattr(session, key, None if key == "resource" else "")
    return changed


def _staff_ids(training_class: TrainingClass, staff: Any) -> list[int]:
    ids = sorted({getattr(p, "pk", p) for p in staff or ()})
    allowed = set(allowed_staff(training_class).filter(pk__in=ids).values_list("pk", flat=True))
    stranger = next((pk for pk in ids if pk not in allowed), None)
    if stranger is not None:
        name = Person.objects.filter(pk=stranger).values_list("name", flat=True).first()
        if stranger in set(trainees_of(training_class.pk)):
            why = _("%(name)s是本班学员，不能安排授课。")
        else:
            why = _("%(name)s不是本班次的骨干教师或培训机构人员，不能安排授课。")
        raise ValidationError({"staff": why % {"name": name or stranger}})
    return ids


def _save(session: Session, training_class: TrainingClass, staff_ids: list[int]) -> None:
    problems = session_problems(training_class, session)
    if problems:
        raise ValidationError(problems)
    check_clashes(session, staff_ids)
    session.save()
    session.staff.set(staff_ids)


@transaction.atomic
def session_add(
    *, actor: Any, training_class: TrainingClass, staff: Any = (), **fields: Any
) -> Session:
    """Schedule a session of the class (its people free at the time, within the class dates)."""
    _require_schedulable(actor, training_class)
    session = Session(training_class=training_class, created_by=actor)
    _apply(session, fields)
    staff_ids = _staff_ids(training_class, staff)
    _save(session, training_class, staff_ids)
    record(
        actor,
        "schedule.session_added",
        session,
        org=training_class.project.base,
        kind=session.kind,
        starts_at=session.starts_at.isoformat(),
    )
    return session


@transaction.atomic
def session_update(*, actor: Any, session: Session, staff: Any = None, **fields: Any) -> Session:
    training_class = session.training_class
    _require_schedulable(actor, training_class)
    changed = _apply(session, fields)
    before = set(session.staff.values_list("pk", flat=True)) if session.pk else set()
    staff_ids = _staff_ids(training_class, staff) if staff is not None else sorted(before)
    if set(staff_ids) != before:
        changed.append("staff")
    if not changed:
        return session
    _save(session, training_class, staff_ids)
    record(
        actor,
        "schedule.session_changed",
        session,
        org=training_class.project.base,
        fields=sorted(changed),
    )
    return session


@transaction.atomic
def session_remove(*, actor: Any, session: Session) -> None:
    training_class = session.training_class
    _require_schedulable(actor, training_class)
    record(
        actor,
        "schedule.session_removed",
        session,
        org=training_class.project.base,
        title=session.title[:100],
        starts_at=session.starts_at.isoformat(),
    )
    session.delete()


# ---- the resource package ------------------------------------------------------------------

RESOURCE_FIELDS = ("title", "kind", "minutes", "source")


def resource_problems(resource: Resource) -> dict[str, str]:
    problems = {}
    if not resource.title:
        problems["title"] = _("请填写资源名称。")
    if resource.kind not in Resource.Kind.values:
        problems["kind"] = _("请选择资源类型（视频、文档或课程）。")
    minutes = resource.minutes
    if (
        not isinstance(minutes, int)
        or isinstance(minutes, bool)
        or not (1 <= minutes <= MAX_RESOURCE_MINUTES)
    ):
        problems["minutes"] = _("时长须为 1 至 %(max)s 分钟的整数。") % {
            "max": MAX_RESOURCE_MINUTES
        }
    return problems


def _resource_save(resource: Resource, fields: dict[str, Any]) -> list[str]:
    unknown = set(fields) - set(RESOURCE_FIELDS)
    if unknown:
        raise ValidationError(_("不可修改的字段：%(f)s") % {"f": ", ".join(sorted(unknown))})
    changed = [k for k, v in fields.items() if getattr(resource, k) != v]
    for key in changed:
        setattr(resource, key, fields[key])
    resource.title = (resource.title or "").strip()
    resource.source = (resource.source or "").strip()
    problems = resource_problems(resource)
    if problems:
        raise ValidationError(problems)
    resource.save()
    return changed


@transaction.atomic
def resource_add(*, actor: Any, project: Any, **fields: Any) -> Resource:
    scope.require(actor, "class.run", project.base)
    resource = Resource(project=project)
    _resource_save(resource, fields)
    record(actor, "schedule.resource_added", resource, org=project.base, kind=resource.kind)
    return resource


@transaction.atomic
def resource_update(*, actor: Any, resource: Resource, **fields: Any) -> Resource:
    scope.require(actor, "class.run", resource.project.base)
    changed = _resource_save(resource, fields)
    if changed:
        record(
            actor,
            "schedule.resource_changed",
            resource,
            org=resource.project.base,
            fields=sorted(changed),
        )
    return resource


@transaction.atomic
def resource_remove(*, actor: Any, resource: Resource) -> None:
    scope.require(actor, "class.run", resource.project.base)
    used = resource.sessions.count()
    if used:
        raise ValidationError(
            _("该资源已用于 %(n)s 个线上自学课次，请先修改或删除这些课次。") % {"n": used}
        )
    record(actor, "schedule.resource_removed", resource, org=resource.project.base)
    resource.delete()
