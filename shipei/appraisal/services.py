"""Writes of the annual base assessment: compute (and recompute) a programme's run, confirm it.

The scores come from the registered indicators (indicators.py); the weights, the bands of
totals and how a band changes the cap come from the programme's policy (``appraisal``), the
caps from ``base_caps``. Confirming writes the chosen bases' caps for the next year through the
projects app (``base_cap_set``), which enforces them when the bases apply then.
"""

from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import OperationalError, transaction
from django.utils import timezone

from shipei.accounts import scope
from shipei.audit.services import record
from shipei.core.clock import minute_text
from shipei.core.errors import SystemBusy
from shipei.orgs.models import Designation, Organisation
from shipei.programmes.models import Programme
from shipei.programmes.policy import Appraisal
from shipei.projects import selectors as projects
from shipei.projects import services as project_services

from .errors import (
    AlreadyConfirmed,
    NoProposal,
    NotAppraised,
    NothingChosen,
    NoWeight,
    RunNotPermitted,
    UnknownIndicator,
)
from .indicators import all_indicators
from .models import AppraisalRow, AppraisalRun

HUNDREDTH = Decimal("0.01")


def require_run(actor: Any, programme: Programme) -> None:
    """Only the ministry's admins compute and confirm (appraisal.run over the programme)."""
    if not scope.allows_programme(actor, "appraisal.run", programme):
        raise RunNotPermitted()


def settings_of(programme: Programme) -> Appraisal:
    """The programme's appraisal settings, refused where they cannot make a score."""
    rules = programme.rules
    if programme.year is None:
        raise NotAppraised(programme=programme.title, what="年度")
    if not rules.base_caps.per_kind:
        raise NotAppraised(programme=programme.title, what="基地项目数上限")
    settings = rules.appraisal
    if not settings.weights:
        raise NotAppraised(programme=programme.title, what="考核指标权重")
    known = all_indicators()
    unknown = sorted(code for code in settings.weights if code not in known)
    if unknown:
        raise UnknownIndicator(codes="、".join(unknown), known="、".join(sorted(known)))
    if sum(settings.weights.values()) <= 0:  # the policy's own check refuses it on saving
        raise NoWeight()
    return settings


def assessed_bases(programme: Programme) -> list[tuple[Organisation, str]]:
    """The bases the run covers: each organisation holding, in the programme's year, a
    designation of a kind the programme caps, once per such kind."""
    year = programme.year
    found = (
        Designation.objects.filter(kind__in=list(programme.rules.base_caps.per_kind))
        .exclude(year_from__gt=year)
        .exclude(year_to__lt=year)
        .filter(organisation__is_active=True)
        .select_related("organisation")
        .order_by("organisation__name_pinyin", "kind")
    )
    out: list[tuple[Organisation, str]] = []
    for d in found:
        if (d.organisation, d.kind) not in out:
            out.append((d.organisation, d.kind))
    return out


def weigh(
    scores: dict[str, float | None], weights: dict[str, Decimal]
) -> tuple[Decimal | None, dict[str, float]]:
    """The total of one base and each indicator's share of it: an indicator without a score is
    left out and the others' weights re-normalised; an indicator weighted 0 never counts."""
    counted = {c: w for c, w in weights.items() if w > 0 and scores.get(c) is not None}
    weight = sum(counted.values(), Decimal(0))
    if not weight:
        return None, {}
    total = sum((w * Decimal(str(scores[c])) for c, w in counted.items()), Decimal(0)) / weight
    shares = {c: float((w / weight).quantize(Decimal("0.0001"))) for c, w in counted.items()}
    return total.quantize(HUNDREDTH, ROUND_HALF_UP), shares


def proposal(
    settings: Appraisal, total: Decimal | None, cap: int | None
) -> tuple[int | None, int | None]:
    """(change, next year's cap) for a total under this year's cap; None where there is no
    total or no cap. A total in no band keeps the cap."""
    if total is None or cap is None:
        return None, None
    band = settings.band_for(total)
    change = band.change if band else 0
    if settings.cap_change == "percent":
        change = int((Decimal(cap * change) / 100).quantize(Decimal(1), ROUND_HALF_UP))
    proposed = max(settings.min_cap, cap + change)
    return proposed - cap, proposed


def _rank(rows: list[AppraisalRow]) -> None:
    """1, 2, 2, 4 by total, highest first; rows without a total get no rank."""
    ranked = sorted((r for r in rows if r.total is not None), key=lambda r: -r.total)
    for n, row in enumerate(ranked, start=1):
        row.rank = n if n == 1 or row.total != ranked[n - 2].total else ranked[n - 2].rank


def _lock(programme: Programme) -> AppraisalRun | None:
    try:
        return AppraisalRun.objects.select_for_update().filter(programme=programme).first()
    except OperationalError:
        raise SystemBusy() from None


@transaction.atomic
def appraisal_compute(*, actor: Any, programme: Programme) -> AppraisalRun:
    """Compute the programme's run afresh from today's data: every assessed base's scores,
    total, rank and proposed cap. A confirmed run is frozen."""
    require_run(actor, programme)
    settings = settings_of(programme)
    run = _lock(programme)
    if run is not None and run.is_confirmed:
        raise AlreadyConfirmed(year=run.year, at=minute_text(run.confirmed_at))
    indicators = {code: all_indicators()[code] for code in settings.weights}
    bases = assessed_bases(programme)
    ids = sorted({b.pk for b, _k in bases})
    scores = {code: ind.compute(programme.year, ids) for code, ind in indicators.items()}
    now = timezone.now()
    if run is None:
        run = AppraisalRun(programme=programme, year=programme.year)
    run.rules = settings.model_dump(mode="json")
    run.indicators = {code: str(ind.label) for code, ind in indicators.items()}
    run.computed_at, run.computed_by = now, actor
    run.save()
    run.rows.all().delete()
    rows = []
    for base, kind in bases:
        mine = {code: scores[code].get(base.pk) for code in indicators}
        total, shares = weigh(mine, settings.weights)
        cap = projects.base_cap(programme, base, kind)
        change, proposed = proposal(settings, total, cap)
        rows.append(
            AppraisalRow(
                run=run,
                base=base,
                kind=kind,
                scores=mine,
                shares=shares,
                total=total,
                cap_now=cap,
                change=change,
                cap_proposed=proposed,
            )
        )
    _rank(rows)
    AppraisalRow.objects.bulk_create(rows)
    record(
        actor,
        "appraisal.computed",
        run,
        programme=programme.pk,
        year=run.year,
        bases=len(rows),
        scored=sum(r.total is not None for r in rows),
    )
    return run


@transaction.atomic
def appraisal_confirm(
    *, actor: Any, programme: Programme, row_ids: Iterable[int] | None = None
) -> AppraisalRun:
    """Confirm the run: the chosen rows' proposed caps (all rows with a proposal when none are
    named) become the bases' caps for the next year; the run is frozen."""
    require_run(actor, programme)
    run = _lock(programme)
    if run is None:
        raise NotAppraised(programme=programme.title, what="计算结果")
    if run.is_confirmed:
        raise AlreadyConfirmed(year=run.year, at=minute_text(run.confirmed_at))
    rows: Sequence[AppraisalRow] = list(run.rows.select_related("base"))
    if row_ids is None:
        chosen = [r for r in rows if r.cap_proposed is not None]
    else:
        wanted = {int(pk) for pk in row_ids}
        chosen = [r for r in rows if r.pk in wanted]
        for row in chosen:
            if row.cap_proposed is None:
                raise NoProposal(base=row.base.name)
    if not chosen:
        raise NothingChosen()
    for row in chosen:
        project_services.base_cap_set(
            actor=actor,
            source=programme,
            base=row.base,
            kind=row.kind,
            year=run.year + 1,
            cap=row.cap_proposed,
            reason=f"{run.year}年度考核总分 {row.total}，排名第 {row.rank} 名",
        )
    AppraisalRow.objects.filter(pk__in=[r.pk for r in chosen]).update(confirmed=True)
    run.status = AppraisalRun.Status.CONFIRMED
    run.confirmed_at, run.confirmed_by = timezone.now(), actor
    run.save(update_fields=["status", "confirmed_at", "confirmed_by"])
    record(
        actor,
        "appraisal.confirmed",
        run,
        programme=programme.pk,
        year=run.year,
        adjusted=len(chosen),
        of=len(rows),
    )
    return run
