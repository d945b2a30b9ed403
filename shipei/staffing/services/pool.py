"""The core-teacher pool: qualifications, one teacher at a time or from a spreadsheet."""

from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from shipei.accounts import registry, scope
from shipei.audit.services import record
from shipei.orgs.models import Organisation

from .. import selectors
from ..models import CoreTeacher, Qualification
from ..needs import vocabulary


def qualification_problems(categories: Sequence[str], levels: Sequence[str]) -> dict[str, str]:
    """What is wrong with a core teacher's categories and levels, by field."""
    known_categories, known_levels = vocabulary()
    problems = {}
    if not categories:
        problems["categories"] = _("请至少选择一个专业大类。")
    elif unknown := [c for c in categories if c not in known_categories]:
        problems["categories"] = _("“%(v)s”不是培训计划中的专业大类（可选：%(all)s）。") % {
            "v": "、".join(unknown),
            "all": "、".join(known_categories) or "--",
        }
    if known_levels and not levels:
        problems["levels"] = _("请至少选择一个培训级别。")
    elif unknown := [lv for lv in levels if lv not in known_levels]:
        problems["levels"] = _("“%(v)s”不是培训计划中的培训级别（可选：%(all)s）。") % {
            "v": "、".join(unknown),
            "all": "、".join(known_levels) or "--",
        }
    return problems


@transaction.atomic
def core_teacher_save(
    *,
    actor: Any,
    person: Any,
    home: Organisation,
    teaches: bool,
    assesses: bool,
    categories: Sequence[str],
    levels: Sequence[str],
    is_active: bool = True,
    note: str = "",
    core_teacher: CoreTeacher | None = None,
) -> CoreTeacher:
    """Add a person to the pool, or change a core teacher's record."""
    scope.require(actor, selectors.POOL_ACTION, home)
    if core_teacher is not None:
        scope.require(actor, selectors.POOL_ACTION, core_teacher.home)
    problems = qualification_problems(categories, levels)
    if not (teaches or assesses):
        problems["teaches"] = _("请至少选择授课或考核中的一项。")
    if core_teacher is None and CoreTeacher.objects.filter(person=person).exists():
        problems["person"] = _("%(name)s已在骨干教师库中。") % {"name": person.name}
    if problems:
        raise ValidationError(problems)
    created = core_teacher is None
    core_teacher = core_teacher or CoreTeacher(person=person)
    core_teacher.home = home
    core_teacher.teaches, core_teacher.assesses = teaches, assesses
    core_teacher.is_active = is_active
    core_teacher.note = (note or "").strip()
    core_teacher.save()
    _set_qualifications(core_teacher, categories, levels)
    record(
        actor,
        "staffing.core_teacher_added" if created else "staffing.core_teacher_changed",
        core_teacher,
        org=home,
        categories=list(categories),
        levels=list(levels),
        active=is_active,
    )
    return core_teacher


@transaction.atomic
def core_teacher_add(
    *, actor: Any, name: str, id_number: str, mobile: str = "", home: Organisation, **fields: Any
) -> CoreTeacher:
    """Add someone named by name and ID number: found in the register, or registered at the
    home institution; a refusal of the record leaves no one registered behind it."""
    person = registry.person_by_id_number(
        actor=actor, action="person.view", id_number=id_number, name=name, org=home, mobile=mobile
    )
    return core_teacher_save(actor=actor, person=person, home=home, **fields)


def _set_qualifications(
    core_teacher: CoreTeacher, categories: Iterable[str], levels: Iterable[str]
) -> bool:
    """Make the teacher's qualifications every category with every level; True if changed."""
    wanted = {(c, lv) for c in categories for lv in (list(levels) or [""])}
    have = set(core_teacher.qualifications.values_list("category", "level"))
    if wanted == have:
        return False
    core_teacher.qualifications.exclude(
        pk__in=[q.pk for q in core_teacher.qualifications.all() if (q.category, q.level) in wanted]
    ).delete()
    Qualification.objects.bulk_create(
        [Qualification(core_teacher=core_teacher, category=c, level=lv) for c, lv in wanted - have]
    )
    return True


@transaction.atomic
def core_teacher_import(*, actor: Any, rows: list[Any], filename: str = "") -> dict[str, int]:
    """Write the rows checked by ``imports.parse_core_teachers``, all or nothing: the people
    not yet registered are registered first (``accounts.registry``); a teacher already in the
    pool is brought in line with the row, so the same file imported twice changes nothing."""
    people = registry.people_register(actor=actor, named=[r.named for r in rows], filename=filename)
    counts = {"created": 0, "updated": 0, "unchanged": 0, "registered": people["created"]}
    existing = {
        t.person_id: t
        for t in CoreTeacher.objects.filter(person__in=[r.named.person for r in rows])
        .select_related("home")
        .prefetch_related("qualifications")
    }
    for row in rows:
        scope.require(actor, selectors.POOL_ACTION, row.named.org)
        person = row.named.person
        teacher = existing.get(person.pk)
        if teacher is None:
            teacher = CoreTeacher.objects.create(
                person=person,
                home=row.named.org,
                teaches=row.teaches,
                assesses=row.assesses,
                is_active=row.is_active,
            )
            _set_qualifications(teacher, row.categories, row.levels)
            counts["created"] += 1
            continue
        scope.require(actor, selectors.POOL_ACTION, teacher.home)
        fields = {
            "home": row.named.org,
            "teaches": row.teaches,
            "assesses": row.assesses,
            "is_active": row.is_active,
        }
        changed = [k for k, v in fields.items() if getattr(teacher, k) != v]
        for key in changed:
            setattr(teacher, key, fields[key])
        if changed:
            teacher.save()
        if _set_qualifications(teacher, row.categories, row.levels) or changed:
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
    record(
        actor,
        "staffing.imported",
        None,
        org=scope.top_org(actor, selectors.POOL_ACTION),
        filename=filename[:100],
        **counts,
    )
    return counts
