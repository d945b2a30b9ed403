"""Pages of the annual base assessment: the programmes assessed, and one programme's ranked
table, where the ministry computes, recomputes and confirms it; the same table as .xlsx."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from shipei.core.errors import DomainError, NotFound, NotPermitted
from shipei.core.excel import xlsx_response

from . import selectors, services
from .exports import ranked_xlsx
from .models import AppraisalRun


def _crumbs(*more: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [(_("基地年度考核"), reverse("appraisal:index")), *more]


@require_GET
@login_required
def index(request: HttpRequest) -> HttpResponse:
    if not selectors.may_see_any(request.user):
        raise NotPermitted()
    programmes = selectors.programmes_assessed(request.user)
    runs = {r.programme_id: r for r in AppraisalRun.objects.filter(programme__in=programmes)}
    return render(
        request,
        "appraisal/index.html",
        {
            "entries": [(p, runs.get(p.pk)) for p in programmes],
            "breadcrumbs": [(_("基地年度考核"), None)],
        },
    )


def band_words(run: AppraisalRun) -> list[str]:
    """The bands highest first, as an admin reads them: "总分 85 分及以上：增加 2 个"."""
    percent = run.rules.get("cap_change") == "percent"
    out = []
    for band in sorted(run.rules.get("bands", []), key=lambda b: -float(b["min_total"])):
        n = band["change"]
        amount = f"{abs(n)}%" if percent else _("%(n)s 个") % {"n": abs(n)}
        change = (
            _("增加 %(a)s") % {"a": amount}
            if n > 0
            else (_("减少 %(a)s") % {"a": amount} if n < 0 else _("不变"))
        )
        low = f"{float(band['min_total']):g}"
        out.append(_("总分 %(low)s 分及以上：%(change)s") % {"low": low, "change": change})
    return out


def _page(request: HttpRequest, programme: Any) -> dict[str, Any]:
    user = request.user
    run = selectors.run_of(user, programme)
    may_run = selectors.may_run(user, programme)
    problem = ""
    if may_run:
        try:
            services.settings_of(programme)
        except DomainError as exc:
            problem = exc.message
    context: dict[str, Any] = {
        "programme": programme,
        "run": run,
        "may_run": may_run,
        "problem": problem,
        "next_year": programme.year + 1 if programme.year else None,
        "breadcrumbs": _crumbs((str(programme), None)),
    }
    if run is not None:
        cols = selectors.columns(run)
        rows = list(selectors.rows_of(user, run))
        context.update(
            columns=cols,
            rows=[(row, selectors.cells(row, cols)) for row in rows],
            bands=band_words(run),
            total_rows=run.rows.count(),
        )
    return context


@require_GET
@login_required
def programme_page(request: HttpRequest, pk: int) -> HttpResponse:
    programme = selectors.programme_get(request.user, pk)
    return render(request, "appraisal/programme.html", _page(request, programme))


@require_POST
@login_required
def compute(request: HttpRequest, pk: int) -> HttpResponse:
    programme = selectors.programme_get(request.user, pk)
    try:
        run = services.appraisal_compute(actor=request.user, programme=programme)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("已按当前数据计算 %(n)s 个基地的考核结果，请核对后确认。") % {"n": run.rows.count()},
        )
    return redirect("appraisal:programme", programme.pk)


@require_POST
@login_required
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    programme = selectors.programme_get(request.user, pk)
    chosen = [v for v in request.POST.getlist("selected") if v.isdigit()]
    try:
        run = services.appraisal_confirm(actor=request.user, programme=programme, row_ids=chosen)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        n = run.rows.filter(confirmed=True).count()
        messages.success(
            request,
            _("已确认 %(year)s 年度考核，%(n)s 个基地 %(next)s 年度的项目数上限已调整。")
            % {"year": run.year, "n": n, "next": run.year + 1},
        )
    return redirect("appraisal:programme", programme.pk)


@require_GET
@login_required
def export(request: HttpRequest, pk: int) -> HttpResponse:
    programme = selectors.programme_get(request.user, pk)
    run = selectors.run_of(request.user, programme)
    if run is None:
        raise NotFound()
    content = ranked_xlsx(run, selectors.rows_of(request.user, run))
    return xlsx_response(content, f"{run.year}年度培训基地考核-{programme.code}.xlsx")
