"""Reads of projects and reviews, always starting from the scope filter (STYLE.md §3)."""

import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, Min, OuterRef, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from shipei.accounts import scope
from shipei.accounts.models import Role, RoleAssignment, User
from shipei.classes.models import TrainingClass
from shipei.core.errors import NotFound
from shipei.core.text import clean_name
from shipei.orgs.models import Designation, Organisation, Region
from shipei.programmes.models import Programme
from shipei.programmes.policy import Item

from .models import EDITABLE, LISTED, LIVE, BaseCapOverride, Project, Review

# --- the programme's policy as it concerns projects ---------------------------------------


def accepts_projects(programme: Programme) -> bool:
    """Whether bases apply projects under this programme (an application window, caps on
    bases or review criteria in its policy)."""
    rules = programme.rules
    return bool(
        rules.projects.application or rules.base_caps.per_kind or rules.projects.review_criteria
    )


def items_with_projects(programme: Programme, codes: set[str]) -> QuerySet[Any]:
    """Which of the item `codes` have projects: such an item keeps its code (programmes asks)."""
    return Project.objects.filter(programme=programme, item__in=codes).values_list(
        "item", flat=True
    )


def programmes_open_for_projects() -> list[Programme]:
    return [p for p in Programme.objects.order_by("-year", "code") if accepts_projects(p)]


def item_root(programme: Programme, code: str) -> str:
    """The top item above `code` (enterprise_practice_base.skills -> enterprise_practice_base)."""
    items = {i.code: i for i in programme.rules.items}
    seen = set()
    while code in items and items[code].parent and code not in seen:
        seen.add(code)
        code = items[code].parent
    return code


def item_designation(programme: Programme, code: str) -> str:
    """The kind of base an item is for, where its code names one (notice 002: one item per
    kind of base, its code the kind's); "" for items any base may offer."""
    root = item_root(programme, code)
    return root if root in Designation.Kind.values else ""


def base_designations(programme: Programme, base: Organisation) -> list[str]:
    """The designation kinds the base holds in the programme's year."""
    year = programme.year
    kinds = []
    for d in base.designations.all():
        if year is None or (
            (d.year_from is None or d.year_from <= year)
            and (d.year_to is None or d.year_to >= year)
        ):
            kinds.append(d.kind)
    return sorted(set(kinds))


def capped_kinds(programme: Programme, base: Organisation) -> list[str]:
    """The kinds of base, held by `base` this year, that the programme caps: a base applies
    under one of these."""
    per_kind = programme.rules.base_caps.per_kind
    return [k for k in base_designations(programme, base) if k in per_kind]


def _hosted_by(item: Item, base: Organisation) -> bool:
    if not item.host:
        return True
    host = clean_name(item.host)
    return host == base.name or base.aliases.filter(name=host).exists()


def applicable_items(programme: Programme, base: Organisation) -> list[Item]:
    """Items the base may apply for: the leaves of the programme's items, named for the base
    where the notice names a host (003), of a kind of base it holds where items are per kind
    (002)."""
    held = set(base_designations(programme, base))
    per_kind = programme.rules.base_caps.per_kind
    out = []
    for item in programme.rules.leaves():
        if item.kind == "phase" or not _hosted_by(item, base):
            continue
        kind = item_designation(programme, item.code)
        if kind and per_kind and kind not in held:
            continue
        out.append(item)
    return out


def application_deadline(programme: Programme) -> datetime.datetime | None:
    window = programme.rules.projects.application
    return window.closes_at() if window else None


def time_left(moment: datetime.datetime | None) -> str:
    """ "还剩 2 天 3 小时" (UX.md); "" once passed."""
    if moment is None:
        return ""
    left = moment - timezone.now()
    if left.total_seconds() <= 0:
        return ""
    days, hours = left.days, left.seconds // 3600
    if days:
        return f"还剩 {days} 天 {hours} 小时"
    return f"还剩 {hours} 小时 {left.seconds % 3600 // 60} 分钟"


def base_cap(programme: Programme, base: Organisation, kind: str) -> int | None:
    """The base's cap for `kind` under `programme`: the policy's, unless the policy adjusts caps
    by performance and the assessment of the year before set one for this base and year
    (BaseCapOverride). None: the kind is not capped."""
    rules = programme.rules.base_caps
    cap = rules.per_kind.get(kind)
    if cap is None or not rules.adjusted_by_performance or programme.year is None:
        return cap
    adjusted = (
        BaseCapOverride.objects.filter(base=base, kind=kind, year=programme.year)
        .values_list("cap", flat=True)
        .first()
    )
    return cap if adjusted is None else adjusted


def cap_usage(
    *, programme: Programme, base: Organisation, kind: str, exclude: Project | None = None
) -> int:
    """Places the base uses under its cap for `kind`: its live projects of the programme, each
    class counted as one project where the policy says so (notice 002, 二)."""
    qs = Project.objects.filter(programme=programme, base=base, base_kind=kind, status__in=LIVE)
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    if not programme.rules.base_caps.each_class_counts_as_project:
        return qs.count()
    # A live project without classes cannot exist (submission needs one), but count it once.
    counted = qs.annotate(n=Count("classes")).values_list("n", flat=True)
    return sum(max(n, 1) for n in counted)


# --- projects -------------------------------------------------------------------------------


def _with_facts(qs: QuerySet[Project]) -> QuerySet[Project]:
    return qs.select_related("programme", "base__region__parent").annotate(
        n_classes=Count("classes", distinct=True),
        first_start=Min("classes__starts_on"),
        seats=Sum("classes__capacity"),
    )


def _filter(qs: QuerySet[Project], f: dict[str, Any]) -> QuerySet[Project]:
    if f.get("programme"):
        qs = qs.filter(programme=f["programme"])
    if f.get("status"):
        qs = qs.filter(status=f["status"])
    if f.get("item"):
        qs = qs.filter(Q(item=f["item"]) | Q(item__startswith=f"{f['item']}."))
    if f.get("mode"):
        qs = qs.filter(mode=f["mode"])
    if f.get("region"):
        code = f["region"].code if hasattr(f["region"], "code") else str(f["region"])
        prefix = code[:2] if code.endswith("0000") else code[:4]
        qs = qs.filter(base__region__code__startswith=prefix)
    if f.get("base"):
        term = clean_name(f["base"])
        qs = qs.filter(Q(base__name__contains=term) | Q(base__aliases__name__contains=term))
    if f.get("q"):
        term = f["q"].strip()
        qs = qs.filter(Q(title__contains=term) | Q(audience__contains=term))
    starts, ends = f.get("starts_from"), f.get("starts_until")
    if starts or ends:
        classes = TrainingClass.objects.filter(project=OuterRef("pk"))
        if starts:
            classes = classes.filter(ends_on__gte=starts)
        if ends:
            classes = classes.filter(starts_on__lte=ends)
        qs = qs.filter(Exists(classes))
    return qs.distinct() if f.get("base") else qs


def project_list(
    *, user: Any, action: str = "project.view", filters: dict[str, Any] | None = None
) -> QuerySet[Project]:
    """Projects of the bases in the user's scope: a base admin's own, a supervisor's subtree."""
    qs = Project.objects.filter(scope.orgs_q(user, action, via="base"))
    return _filter(_with_facts(qs), filters or {}).order_by("-updated_at", "-pk")


def project_facets(*, user: Any, action: str = "project.view") -> dict[str, Any]:
    """What a project list's filters can usefully offer this user: the programmes its projects
    belong to, the provinces their bases lie in, and whether they come from more than one base.
    A base's own list (one base, one province) has nothing to choose by province or base."""
    projects = Project.objects.filter(scope.orgs_q(user, action, via="base")).order_by()
    codes = set(projects.values_list("base__region__code", flat=True).distinct())
    provinces = Region.objects.filter(
        level=Region.Level.PROVINCE, code__in={f"{c[:2]}0000" for c in codes if c}
    ).order_by("code")
    return {
        "programmes": list(
            Programme.objects.filter(pk__in=projects.values("programme")).order_by("-year", "code")
        ),
        "provinces": list(provinces),
        "several_bases": len(projects.values_list("base", flat=True).distinct()[:2]) > 1,
    }


def decided_programmes(user: Any) -> list[int]:
    """The programmes whose projects the user decides: the ministry's for its admins, a
    province's own for the province's."""
    return [
        p.pk
        for p in Programme.objects.select_related("owner").only("pk", "owner")
        if scope.allows_programme(user, "project.decide", p)
    ]


def review_queue(*, user: Any, filters: dict[str, Any] | None = None) -> QuerySet[Project]:
    """Applications for whoever decides the programme's projects (the ministry, or a province
    for its own programme) to review: submitted at least once (drafts stay the base's own until
    submitted, unless the status filter asks for them)."""
    f = dict(filters or {})
    qs = Project.objects.filter(
        scope.orgs_q(user, "project.view", via="base"), programme__in=decided_programmes(user)
    )
    if not f.get("status"):
        qs = qs.exclude(status=Project.Status.DRAFT)
    qs = _with_facts(qs).annotate(
        n_reviews=Count(
            "reviews",
            filter=Q(reviews__submitted_at__isnull=False),
            distinct=True,
        )
    )
    return _filter(qs, f).order_by("submitted_at", "pk")


def project_get(*, user: Any, pk: Any) -> Project:
    """A project for its page: in the user's project.view scope (404 otherwise)."""
    return scope.get_in_scope(
        user,
        "project.view",
        Project.objects.select_related("programme", "base__region__parent", "created_by"),
        via="base",
        pk=pk,
    )


def project_for_reading(*, user: Any, pk: Any) -> Project:
    """A project whose application the user may read: in scope, or assigned to the user as an
    expert (attachments are served this way, never publicly)."""
    visible = Q(scope.orgs_q(user, "project.view", via="base")) | Q(
        Exists(Review.objects.filter(scope.expert_reviews_q(user), project=OuterRef("pk")))
    )
    try:
        return Project.objects.filter(visible).get(pk=pk)
    except (Project.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def project_classes(project: Project) -> QuerySet[TrainingClass]:
    return project.classes.order_by("seq")


def base_choices(*, user: Any) -> QuerySet[Organisation]:
    """Organisations for which the user may apply projects."""
    return Organisation.objects.filter(
        scope.orgs_q(user, "project.apply", via=None), is_active=True
    ).order_by("name_pinyin")


def project_stats(*, user: Any) -> dict[str, int]:
    qs = Project.objects.filter(scope.orgs_q(user, "project.view", via="base"))
    return qs.aggregate(
        total=Count("pk"),
        editable=Count("pk", filter=Q(status__in=EDITABLE)),
        waiting=Count("pk", filter=Q(status__in=[Project.Status.SUBMITTED])),
        in_review=Count("pk", filter=Q(status=Project.Status.IN_REVIEW)),
        approved=Count("pk", filter=Q(status=Project.Status.APPROVED)),
    )


# --- reviews --------------------------------------------------------------------------------


def eligible_experts(project: Project) -> QuerySet[User]:
    """Active expert reviewers who belong neither to the applying organisation nor under it."""
    base_path = project.base.path
    experts = RoleAssignment.objects.filter(
        role=Role.EXPERT_REVIEWER, is_active=True, org__is_active=True
    )
    inside = experts.filter(org__path__startswith=base_path).values("user_id")
    return (
        User.objects.filter(is_active=True, pk__in=experts.values("user_id"))
        .exclude(pk__in=inside)
        .exclude(person__org__path__startswith=base_path)
        .select_related("person__org")
        .order_by("person__name_pinyin", "pk")
    )


def current_reviews(project: Project) -> list[Review]:
    return list(
        project.reviews.filter(round=project.review_round)
        .select_related("expert__person__org")
        .order_by("pk")
    )


def review_table(project: Project) -> dict[str, Any]:
    """Scores side by side: one row per criterion, one column per expert, with totals."""
    reviews = current_reviews(project)
    criteria = project.programme.rules.projects.review_criteria
    rows = []
    for c in criteria:
        scores = [r.scores.get(c.code) if r.is_submitted else None for r in reviews]
        given = [s for s in scores if s is not None]
        mean = Decimal(sum(given)) / len(given) if given else None
        rows.append({"label": c.label, "max": c.max_score, "scores": scores, "mean": mean})
    totals = [r.total if r.is_submitted else None for r in reviews]
    given = [t for t in totals if t is not None]
    return {
        "reviews": reviews,
        "rows": rows,
        "totals": totals,
        "mean_total": Decimal(sum(given)) / len(given) if given else None,
        "max_total": sum(c.max_score for c in criteria),
        "submitted": len(given) if criteria else sum(r.is_submitted for r in reviews),
        "needed": project.programme.rules.projects.experts_per_project,
    }


def review_list(*, user: Any, filters: dict[str, Any] | None = None) -> QuerySet[Review]:
    """The reviews assigned to the user as an expert; open ones first."""
    f = filters or {}
    qs = Review.objects.filter(scope.expert_reviews_q(user)).select_related(
        "project__programme", "project__base"
    )
    if f.get("state") == "open":
        qs = qs.filter(submitted_at__isnull=True, project__status=Project.Status.IN_REVIEW)
    elif f.get("state") == "done":
        qs = qs.filter(submitted_at__isnull=False)
    return qs.order_by("submitted_at", "-assigned_at", "pk")  # NULLs (open) first on both back ends


def review_get(*, user: Any, pk: Any) -> Review:
    try:
        return (
            Review.objects.filter(scope.expert_reviews_q(user))
            .select_related("project__programme", "project__base__region")
            .get(pk=pk)
        )
    except (Review.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


# --- the catalogue --------------------------------------------------------------------------


def catalogue_list(*, user: Any, filters: dict[str, Any] | None = None) -> QuerySet[Project]:
    """Published projects (and what becomes of them), for every logged-in user to choose from."""
    if not getattr(user, "is_authenticated", False):
        return Project.objects.none()
    f = {k: v for k, v in (filters or {}).items() if k != "status"}
    qs = _with_facts(Project.objects.filter(status__in=LISTED))
    return _filter(qs, f).order_by("first_start", "pk")


def catalogue_get(*, user: Any, pk: Any) -> Project:
    if not getattr(user, "is_authenticated", False):
        raise NotFound()
    try:
        return (
            Project.objects.filter(status__in=LISTED)
            .select_related("programme", "base__region__parent")
            .prefetch_related(Prefetch("classes", TrainingClass.objects.order_by("seq")))
            .get(pk=pk)
        )
    except (Project.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def catalogue_programmes() -> QuerySet[Programme]:
    """The programmes of listed projects, for the catalogue's filter: also those whose
    applications have closed (the projects the catalogue lists mostly belong to them)."""
    return Programme.objects.filter(
        pk__in=Project.objects.filter(status__in=LISTED).values("programme")
    ).order_by("-year", "pk")


def catalogue_items() -> list[tuple[str, str]]:
    """(code, label) of the items that listed projects use, for the catalogue's filter."""
    used = Project.objects.filter(status__in=LISTED).values_list("programme", "item").distinct()
    programmes = {p.pk: p for p in Programme.objects.filter(pk__in={pk for pk, _ in used})}
    labels = {}
    for programme_pk, code in used:
        items = {i.code: i.label for i in programmes[programme_pk].rules.items}
        labels[code] = items.get(code, code)
    return sorted(labels.items(), key=lambda kv: kv[1])
