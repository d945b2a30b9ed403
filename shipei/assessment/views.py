"""Assessment pages for those who run and score classes: the classes, one class's results
(with the 附件5 score sheet), the phone scoring sheet of a component, an essay with its
near-duplicates, an admin's correction and a retry. Thin views over selectors and services;
the trainee's pages are in ``views_trainee``."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shipei.accounts import scope
from shipei.core import excel
from shipei.core.errors import DomainError, NotFound, NotPermitted
from shipei.core.views_util import client_ip

from . import components as comp
from . import exports, selectors, services
from .forms import CorrectionForm
from .models import Essay, Score


def _crumbs(*more: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [(_("考核管理"), reverse("assessment:classes")), *more]


def class_panel(request: HttpRequest, cls: Any) -> SafeString | str:
    """The class page's assessment section: how many trainees passed each component."""
    assessment = comp.for_class(cls)
    if not assessment.components:
        return ""
    results = selectors.results(list(selectors.roster(cls)))
    counts = [
        (comp.short_label(assessment, c), sum(1 for r in results if r.components[i].passed))
        for i, c in enumerate(assessment.components)
    ]
    return render_to_string(
        "assessment/_panel.html",
        {"cls": cls, "counts": counts, "total": len(results)},
        request=request,
    )


@require_GET
@login_required
def class_list(request: HttpRequest) -> HttpResponse:
    classes = list(selectors.class_list(user=request.user)[:200])
    rows = [(c, selectors.scored_by(request.user, c)) for c in classes]
    return render(
        request,
        "assessment/classes.html",
        {"rows": rows, "breadcrumbs": [(_("考核管理"), None)]},
    )


@require_GET
@login_required
def class_detail(request: HttpRequest, pk: int) -> HttpResponse:
    cls = selectors.class_get(user=request.user, pk=pk)
    assessment = comp.for_class(cls)
    return render(
        request,
        "assessment/class.html",
        {
            "cls": cls,
            "assessment": assessment,
            "labels": [comp.short_label(assessment, c) for c in assessment.components],
            "pass_mark": comp.pass_mark(assessment),
            "mine": selectors.scored_by(request.user, cls),
            "runs": selectors.runs_class(request.user, cls),
            "may_reveal": scope.has_any(request.user, "person.reveal"),
            "results": selectors.results(list(selectors.roster(cls))),
            "breadcrumbs": _crumbs((str(cls), None)),
        },
    )


def _component(cls: Any, code: str) -> Any:
    found = comp.component(comp.for_class(cls), code)
    if found is None:
        raise NotFound()
    return found


@require_http_methods(["GET", "POST"])
@login_required
def score_sheet(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """The phone sheet: a card per trainee with the scorer's own score; 保存 keeps drafts,
    提交 fixes what is filled in. Every value is checked first: one wrong and nothing is
    saved, the wrong ones marked beside their trainee."""
    cls = selectors.class_get(user=request.user, pk=pk)
    c = _component(cls, code)
    if not selectors.is_scorer(request.user, cls, c):
        raise NotPermitted()
    errors: dict[int, str] = {}
    typed: dict[int, str] = {}
    error = ""
    if request.method == "POST":
        submit = request.POST.get("action") == "submit"
        rows = {r.enrollment.pk: r for r in selectors.sheet(request.user, cls, c)}
        for e_pk, row in rows.items():
            value = request.POST.get(f"s_{e_pk}", "").strip()
            if not value or row.locked or row.barred or row.decided:
                continue
            typed[e_pk] = value
            try:
                services.parse_score(value)
            except DomainError as exc:
                errors[e_pk] = exc.message
        if not errors and typed:
            try:
                with transaction.atomic():
                    for e_pk, value in typed.items():
                        services.score_save(
                            actor=request.user,
                            enrollment=rows[e_pk].enrollment,
                            component=c.code,
                            value=value,
                            submit=submit,
                        )
            except DomainError as exc:
                error = exc.message
            else:
                messages.success(
                    request,
                    (_("已提交 %(n)d 人的评分。") if submit else _("已保存 %(n)d 人的评分草稿。"))
                    % {"n": len(typed)},
                )
                return redirect("assessment:sheet", pk=cls.pk, code=c.code)
        elif not errors:
            error = _("没有填写需要保存的分数。")
    rows = selectors.sheet(request.user, cls, c)
    return render(
        request,
        "assessment/sheet.html",
        {
            "cls": cls,
            "component": c,
            "pass_mark": comp.pass_mark(comp.for_class(cls)),
            "rows": [
                {
                    "row": r,
                    "typed": typed.get(r.enrollment.pk),
                    "error": errors.get(r.enrollment.pk),
                }
                for r in rows
            ],
            "open": sum(1 for r in rows if not (r.locked or r.barred or r.decided)),
            "error": error,
            "breadcrumbs": _crumbs(
                (str(cls), reverse("assessment:class", args=[cls.pk])), (c.label, None)
            ),
        },
    )


@require_GET
@login_required
def essay_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An essay for its reviewer (and whoever reaches the class), with the essays it resembles
    and the passages they share."""
    essay = (
        Essay.objects.filter(
            selectors.classes_q(request.user, via="attempt__enrollment__training_class__"), pk=pk
        )
        .select_related("attempt__enrollment__person", "attempt__enrollment__training_class")
        .distinct()
        .first()
    )
    if essay is None:
        raise NotFound()
    cls = essay.attempt.enrollment.training_class
    return render(
        request,
        "assessment/essay.html",
        {
            "essay": essay,
            "cls": cls,
            "matches": essay.matches.select_related(
                "other__attempt__enrollment__person", "other__attempt__enrollment__training_class"
            ),
            "breadcrumbs": _crumbs(
                (str(cls), reverse("assessment:class", args=[cls.pk])), (essay.title, None)
            ),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def correct(request: HttpRequest, pk: int) -> HttpResponse:
    """An admin's correction of a submitted score, with its reason (audited)."""
    score = (
        Score.objects.filter(
            selectors.classes_q(request.user, via="attempt__enrollment__training_class__"), pk=pk
        )
        .select_related(
            "attempt__enrollment__person", "attempt__enrollment__training_class", "scorer"
        )
        .distinct()
        .first()
    )
    if score is None:
        raise NotFound()
    cls = score.attempt.enrollment.training_class
    if not selectors.runs_class(request.user, cls):
        raise NotPermitted()
    form = CorrectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.score_correct(actor=request.user, score=score, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("评分已更正，更正记录已存档。"))
            return redirect("assessment:class", pk=cls.pk)
    return render(
        request,
        "assessment/correct.html",
        {
            "score": score,
            "form": form,
            "cls": cls,
            "breadcrumbs": _crumbs(
                (str(cls), reverse("assessment:class", args=[cls.pk])), (_("更正评分"), None)
            ),
        },
    )


@require_POST
@login_required
def retry(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    enrollment = selectors.enrollment_get(user=request.user, pk=pk)
    try:
        services.attempt_retry(actor=request.user, enrollment=enrollment, component=code)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已为%(name)s开放补考。") % {"name": enrollment.person.name})
    return redirect("assessment:class", pk=enrollment.training_class_id)


@require_GET
@login_required
def export(request: HttpRequest, pk: int) -> HttpResponse:
    """The 附件5 score sheet; ID numbers and mobiles masked unless ?full=1 and the user may
    reveal them (audited)."""
    cls = selectors.class_get(user=request.user, pk=pk)
    full = request.GET.get("full") == "1"
    content = exports.score_sheet(
        actor=request.user, training_class=cls, full=full, ip=client_ip(request)
    )
    suffix = _("（完整）") if full else ""
    return excel.xlsx_response(content, f"{cls}成绩单{suffix}.xlsx")
