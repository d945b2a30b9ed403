"""Reads of the core-teacher pool and of classes' staffing, each starting from its scope.

Who reaches what (the actions are ``accounts.scope``'s):

- the pool is kept by the ministry's and the provinces' admins (``staffing.manage``), for the
  core teachers whose home institution lies in their subtree;
- a class's staffing is seen over its institution (``staffing.view``: the admins above it and
  the institution), and the institution acts on it (``staffing.invite``: preferences,
  recommendation, invitations);
- a programme's classes draw on the programme's pool (``programme_pool_q``), and its admins
  (``staffing.manage`` over its owner) staff a half-year at once or recommend for a class;
- a core teacher answers the invitations to them (``staffing.respond``, a self action).
"""

import datetime
from collections import defaultdict
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shipei.accounts import scope
from shipei.classes.models import TrainingClass
from shipei.core.errors import NotFound
from shipei.core.text import clean_name
from shipei.notifications.calendar import Event
from shipei.orgs.models import Organisation
from shipei.programmes.models import Programme
from shipei.projects.models import Project

from .models import HOLDING, LIVE, Assignment, CoreTeacher, Qualification, StaffRole
from .needs import class_needs, staff_roles, staffed_programmes

POOL_ACTION = "staffing.manage"
CLASS_ACTION = "staffing.view"
INVITE_ACTION = "staffing.invite"
RESPOND_ACTION = "staffing.respond"
# Departments under which the core teachers are a region's own; those under none of them (the
# ministry's centres, where notice 004's 师资研修中心 trains them) serve every region.
REGIONAL_KINDS = (
    Organisation.Kind.PROVINCE_EDU,
    Organisation.Kind.PROVINCE_HR,
    Organisation.Kind.CITY_EDU,
    Organisation.Kind.CITY_HR,
)
# Projects whose classes are no longer to be staffed.
ENDED = (Project.Status.CANCELLED, Project.Status.REJECTED)


# ---- the pool -----------------------------------------------------------------------------


def national_q(*, via: str = "home") -> Q:
    """Core teachers at an organisation under no regional department: the country's."""
    paths = Organisation.objects.filter(kind__in=REGIONAL_KINDS).values_list("path", flat=True)
    q = Q()
    for path in paths:
        q &= ~Q(**{f"{via}__path__startswith": path})
    return q


def programme_pool_q(programme: Programme, *, via: str = "home") -> Q:
    """The core teachers a programme's classes may draw on. A national programme (or one
    without an owner) draws on the whole pool, as the platform recommends nationally (notice
    004, 第八条); a region's own programme on the core teachers of the owner's subtree and
    the national ones, never on another region's."""
    owner = programme.owner
    if owner is None or scope.area_prefix(owner) == "":
        return Q()
    return Q(**{f"{via}__path__startswith": owner.path}) | national_q(via=via)


def may_keep_pool(user: Any) -> bool:
    return scope.has_any(user, POOL_ACTION)


def pool_list(*, user: Any, filters: dict[str, Any] | None = None) -> QuerySet[CoreTeacher]:
    """The core teachers whose home institution lies in the user's area, with their
    qualifications and how many classes they hold this year."""
    filters = filters or {}
    year = timezone.localdate().year
    qs = (
        CoreTeacher.objects.filter(scope.orgs_q(user, POOL_ACTION, via="home"))
        .select_related("person", "home")
        .prefetch_related("qualifications")
        .annotate(
            year_load=Count(
                "assignments",
                filter=Q(
                    assignments__status__in=HOLDING,
                    assignments__training_class__starts_on__year=year,
                ),
            )
        )
    )
    if name := clean_name(filters.get("q") or ""):
        qs = qs.filter(person__name__contains=name)
    category, level = filters.get("category"), filters.get("level")
    if category or level:
        match = Qualification.objects.filter(core_teacher=OuterRef("pk"))
        if category:
            match = match.filter(category=category)
        if level:
            match = match.filter(level=level)
        qs = qs.filter(Exists(match))
    role = filters.get("role")
    if role == StaffRole.TEACHING:
        qs = qs.filter(teaches=True)
    elif role == StaffRole.ASSESSING:
        qs = qs.filter(assesses=True)
    if filters.get("active") in ("1", "0"):
        qs = qs.filter(is_active=filters["active"] == "1")
    if filters.get("home"):
        qs = qs.filter(home__path__startswith=filters["home"].path)
    return qs.order_by("person__name_pinyin", "pk")


def teacher_get(*, user: Any, pk: Any) -> CoreTeacher:
    return scope.get_in_scope(
        user,
        POOL_ACTION,
        CoreTeacher.objects.select_related("person", "home").prefetch_related("qualifications"),
        via="home",
        pk=pk,
    )


def teacher_assignments(core_teacher: CoreTeacher) -> dict[str, list[Assignment]]:
    """A core teacher's assignments held or answered, upcoming and past."""
    today = timezone.localdate()
    rows = list(
        core_teacher.assignments.exclude(status=Assignment.Status.PROPOSED)
        .select_related("training_class__project__base")
        .order_by("training_class__starts_on", "pk")
    )
    return {
        "upcoming": [a for a in rows if a.training_class.ends_on >= today],
        "past": [a for a in rows if a.training_class.ends_on < today],
    }


def my_core_teacher(user: Any) -> CoreTeacher | None:
    person_id = getattr(user, "person_id", None)
    if not person_id:
        return None
    return CoreTeacher.objects.filter(person_id=person_id).select_related("home").first()


def my_assignments(user: Any) -> QuerySet[Assignment]:
    """What a core teacher sees: invitations to them and what came of them (never the
    platform's proposals, which are the institution's to send or not)."""
    person_id = getattr(user, "person_id", None)
    return (
        Assignment.objects.filter(core_teacher__person_id=person_id or 0)
        .exclude(status=Assignment.Status.PROPOSED)
        .select_related("training_class__project__base", "training_class__project__programme")
        .order_by("training_class__starts_on", "pk")
    )


def my_assignment_get(*, user: Any, pk: Any) -> Assignment:
    try:
        return my_assignments(user).get(pk=pk)
    except (Assignment.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def waiting_invitations(user: Any) -> int:
    return my_assignments(user).filter(status=Assignment.Status.INVITED).count()


# ---- classes ------------------------------------------------------------------------------


def class_get(*, user: Any, pk: Any) -> TrainingClass:
    """A class whose staffing the user may see: where its project is visible."""
    return scope.get_in_scope(
        user,
        CLASS_ACTION,
        TrainingClass.objects.select_related("project__base", "project__programme"),
        via="project__base",
        pk=pk,
    )


def class_assignments(training_class: TrainingClass) -> QuerySet[Assignment]:
    return training_class.core_assignments.select_related(
        "core_teacher__person", "core_teacher__home"
    )


def class_staffing(training_class: TrainingClass) -> list[dict[str, Any]]:
    """Each pool role of the class: places, the live assignments, and how many are accepted."""
    needs = class_needs(training_class)
    live = [a for a in class_assignments(training_class) if a.status in LIVE]
    out = []
    for code, label in StaffRole.choices:
        places = needs.staff.get(code, 0)
        if not places:
            continue
        rows = [a for a in live if a.role == code]
        out.append(
            {
                "role": code,
                "label": label,
                "places": places,
                "rows": rows,
                "accepted": sum(a.status == Assignment.Status.ACCEPTED for a in rows),
                "open": max(places - len(rows), 0),
            }
        )
    return out


def classes_staffing_state(classes: list[TrainingClass]) -> dict[int, dict[str, int]]:
    """For a list of classes: places, accepted, invited and proposed by class (one query)."""
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for cid, status, n in (
        Assignment.objects.filter(training_class__in=classes, status__in=LIVE)
        .values_list("training_class", "status")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        counts[cid][status] = n
    out = {}
    for c in classes:
        places = sum(staff_roles(c.project.programme.rules).values())
        row = counts.get(c.pk, {})
        out[c.pk] = {
            "places": places,
            "accepted": row.get(Assignment.Status.ACCEPTED, 0),
            "invited": row.get(Assignment.Status.INVITED, 0),
            "proposed": row.get(Assignment.Status.PROPOSED, 0),
        }
    return out


def half_bounds(year: int, half: int) -> tuple[datetime.date, datetime.date]:
    if half == 1:
        return datetime.date(year, 1, 1), datetime.date(year, 6, 30)
    return datetime.date(year, 7, 1), datetime.date(year, 12, 31)


def half_classes(*, programme: Programme, year: int, half: int) -> QuerySet[TrainingClass]:
    """The programme's classes starting in the half-year, of projects not cancelled or refused."""
    start, end = half_bounds(year, half)
    return (
        TrainingClass.objects.filter(
            project__programme=programme, starts_on__gte=start, starts_on__lte=end
        )
        .exclude(project__status__in=ENDED)
        .select_related("project__base", "project__programme")
        .order_by("starts_on", "pk")
    )


def plan_programmes(user: Any) -> list[Programme]:
    """The programmes with core-teacher places whose half-years the user may staff at once."""
    return [p for p in staffed_programmes() if scope.allows_programme(user, POOL_ACTION, p)]


def candidate_choices(training_class: TrainingClass) -> QuerySet[CoreTeacher]:
    """Teaching core teachers qualified for the class's category (and level): whom the
    institution may name as preferred."""
    needs = class_needs(training_class)
    match = Qualification.objects.filter(core_teacher=OuterRef("pk"), category=needs.category)
    if needs.level:
        match = match.filter(level=needs.level)
    return (
        CoreTeacher.objects.filter(
            Exists(match),
            programme_pool_q(training_class.project.programme),
            teaches=True,
            is_active=True,
        )
        .exclude(home__path__startswith=training_class.project.base.path)
        .select_related("person", "home")
        .order_by("person__name_pinyin", "pk")
    )


def calendar_events(user: Any) -> list[Event]:
    """The core teacher's classes in their calendar: accepted ones, and invitations still to
    answer (tentative). One UID per assignment, whatever happens to it."""
    rows = my_assignments(user).filter(status__in=HOLDING)
    return [
        Event(
            uid=f"core-assignment-{a.pk}@shipei",
            summary=_("%(role)s：%(cls)s")
            % {"role": a.get_role_display(), "cls": str(a.training_class)},
            start=a.training_class.starts_on,
            end=a.training_class.ends_on,
            updated=a.updated_at,
            location=a.training_class.place or a.training_class.project.base.name,
            description=_("培训机构：%(base)s") % {"base": a.training_class.project.base.name},
            url=reverse("staffing:mine"),
            tentative=a.status == Assignment.Status.INVITED,
        )
        for a in rows
    ]


def class_list(*, user: Any) -> list[TrainingClass]:
    """The classes the user sees whose programme takes core teachers, from a month ago on."""
    programmes = staffed_programmes()
    since = timezone.localdate() - datetime.timedelta(days=30)
    return list(
        TrainingClass.objects.filter(
            scope.orgs_q(user, CLASS_ACTION, via="project__base"),
            project__programme__in=programmes,
            ends_on__gte=since,
        )
        .exclude(project__status__in=ENDED)
        .select_related("project__base", "project__programme")
        .order_by("starts_on", "pk")[:500]
    )
