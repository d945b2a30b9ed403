"""Reads of the annual base assessment, scoped: the ministry sees every row of a run, a province
the bases in its subtree, a base its own row; only those who run it see a run before it is
confirmed."""

from dataclasses import dataclass
from typing import Any

from django.db.models import F, QuerySet

from shipei.accounts import scope
from shipei.core.errors import NotFound
from shipei.programmes.models import Programme

from .indicators import all_indicators
from .models import AppraisalRow, AppraisalRun

VIEW = "appraisal.view"
RUN = "appraisal.run"


def may_run(user: Any, programme: Programme) -> bool:
    return scope.allows_programme(user, RUN, programme)


def may_see_any(user: Any) -> bool:
    """Whether the assessment belongs in the user's navigation."""
    return scope.has_any(user, VIEW)


def programmes_assessed(user: Any) -> list[Programme]:
    """Programmes that cap their bases' projects, each with its assessment: those the user
    runs, and, for whoever reads assessments (a province, a base), the rest too (their rows
    are filtered; a run shows once confirmed)."""
    reads = may_see_any(user)
    return [
        p
        for p in Programme.objects.select_related("owner").order_by("-year", "code")
        if p.rules.base_caps.per_kind and (reads or may_run(user, p))
    ]


def drafts_waiting(user: Any) -> int:
    """Runs computed but not yet confirmed, among those the user confirms (the home page)."""
    drafts = AppraisalRun.objects.filter(status=AppraisalRun.Status.DRAFT).select_related(
        "programme__owner"
    )
    return sum(may_run(user, run.programme) for run in drafts)


def programme_get(user: Any, pk: Any) -> Programme:
    """A programme whose assessment the user may open (404 otherwise)."""
    for programme in programmes_assessed(user):
        if str(programme.pk) == str(pk):
            return programme
    raise NotFound()


def run_of(user: Any, programme: Programme) -> AppraisalRun | None:
    """The programme's run as the user may see it: a draft only to those who run it."""
    run = AppraisalRun.objects.filter(programme=programme).first()
    if run is None or (not run.is_confirmed and not may_run(user, programme)):
        return None
    return run


def rows_of(user: Any, run: AppraisalRun) -> QuerySet[AppraisalRow]:
    qs = run.rows.select_related("base__region")
    if not may_run(user, run.programme):
        qs = qs.filter(scope.orgs_q(user, VIEW, via="base"))
    return qs.order_by(F("rank").asc(nulls_last=True), "base__name_pinyin", "kind")


@dataclass
class Column:
    code: str
    label: str
    weight: float  # the policy's weight, as a share of all weights


def columns(run: AppraisalRun) -> list[Column]:
    """The indicators of the run in the policy's order, each with its weight in per cent."""
    weights = {code: float(w) for code, w in run.rules.get("weights", {}).items()}
    whole = sum(weights.values()) or 1
    return [
        Column(code, label, round(100 * weights.get(code, 0) / whole, 1))
        for code, label in run.indicators.items()
    ]


@dataclass
class Cell:
    label: str
    score: float | None
    share: float | None  # the per cent of the total it carried for this base; None: left out


def cells(row: AppraisalRow, cols: list[Column]) -> list[Cell]:
    return [
        Cell(
            c.label,
            row.scores.get(c.code),
            round(100 * row.shares[c.code], 1) if c.code in row.shares else None,
        )
        for c in cols
    ]


def indicator_labels() -> dict[str, str]:
    return {code: str(ind.label) for code, ind in sorted(all_indicators().items())}
