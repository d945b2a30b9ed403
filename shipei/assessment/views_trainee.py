"""The trainee's assessment pages: their components and results, writing the essay, and
taking the on-line test (answers saved as they go, handed in by them or by the deadline)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shipei.core.errors import DomainError, NotFound
from shipei.enrollment.models import CHAIN_COMPLETED, Enrollment

from . import components as comp
from . import essays, papers, selectors, text
from .forms import EssayForm
from .models import Paper, Question


def _mine_crumbs(*more: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [(_("我的考核"), reverse("assessment:mine")), *more]


def _own_enrollment(request: HttpRequest, pk: int) -> Enrollment:
    found = (
        Enrollment.objects.filter(
            pk=pk, person_id=request.user.person_id or 0, status__in=CHAIN_COMPLETED
        )
        .select_related("programme", "training_class__project", "base", "person")
        .first()
    )
    if found is None or found.training_class_id is None:
        raise NotFound()
    return found


@require_GET
@login_required
def mine(request: HttpRequest) -> HttpResponse:
    enrollments = list(
        Enrollment.objects.filter(
            person_id=request.user.person_id or 0,
            status__in=CHAIN_COMPLETED,
            training_class__isnull=False,
        )
        .select_related("programme", "training_class__project", "base", "person")
        .order_by("-pk")
    )
    return render(
        request,
        "assessment/mine.html",
        {"results": selectors.results(enrollments), "breadcrumbs": [(_("我的考核"), None)]},
    )


@require_http_methods(["GET", "POST"])
@login_required
def essay_write(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    enrollment = _own_enrollment(request, pk)
    assessment = comp.for_enrollment(enrollment)
    c = comp.component(assessment, code)
    if c is None or c.kind_of != "essay":
        raise NotFound()
    form = EssayForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            essays.essay_submit(
                actor=request.user, enrollment=enrollment, component=code, **form.cleaned_data
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("论文已提交，等待评阅。"))
            return redirect("assessment:mine")
    body = form.data.get("body", "") if form.is_bound else ""
    return render(
        request,
        "assessment/essay_write.html",
        {
            "form": form,
            "component": c,
            "enrollment": enrollment,
            "minimum": assessment.essay_min_chars,
            "length": text.length(body),
            "barred": selectors.bar(enrollment, c, assessment),
            "breadcrumbs": _mine_crumbs((c.label, None)),
        },
    )


@require_POST
@login_required
def test_start(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    enrollment = _own_enrollment(request, pk)
    try:
        paper = papers.paper_start(actor=request.user, enrollment=enrollment, component=code)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("assessment:mine")
    return redirect("assessment:paper", pk=paper.pk)


def _own_paper(request: HttpRequest, pk: int) -> Paper:
    found = (
        Paper.objects.filter(pk=pk, attempt__enrollment__person_id=request.user.person_id or 0)
        .select_related("attempt__enrollment__programme")
        .first()
    )
    if found is None:
        raise NotFound()
    # A paper whose time is up is handed in when shown; an answer sent late is refused (and
    # the paper handed in) by the service, which says why.
    return papers.finish_if_due(found) if request.method == "GET" else found


def _paper_context(paper: Paper) -> dict:
    by_id = Question.objects.in_bulk(paper.questions)
    items = []
    for n, q_id in enumerate(paper.questions, start=1):
        q = by_id[q_id]
        chosen = paper.answers.get(str(q_id), [])
        items.append(
            {
                "n": n,
                "q": q,
                "options": [
                    (
                        i,
                        label,
                        i in chosen,
                        "" if q.kind == Question.Kind.TRUE_FALSE else "ABCDEF"[i],
                    )
                    for i, label in enumerate(q.options)
                ],
                "multiple": q.kind == Question.Kind.MULTIPLE,
            }
        )
    enrollment = paper.attempt.enrollment
    c = comp.component(comp.for_enrollment(enrollment), paper.attempt.component)
    return {
        "paper": paper,
        "items": items,
        "component": c,
        "answered": len(paper.answers),
        "seconds_left": max(int((paper.deadline - timezone.now()).total_seconds()), 0),
        "breadcrumbs": _mine_crumbs((c.label if c else _("在线测试"), None)),
    }


@require_http_methods(["GET", "POST"])
@login_required
def paper_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The test: one answer saved per change (htmx), or every answer with 交卷."""
    paper = _own_paper(request, pk)
    error = ""
    if request.method == "POST" and paper.finished_at is None:
        try:
            for q_id in paper.questions:
                chosen = request.POST.getlist(f"q_{q_id}")
                if chosen:
                    paper = papers.paper_answer(
                        actor=request.user,
                        paper=paper,
                        question=q_id,
                        choices=[int(x) for x in chosen if x.isdigit()],
                    )
            if request.POST.get("action") == "finish":
                paper = papers.paper_finish(actor=request.user, paper=paper)
                messages.success(request, _("已交卷。"))
        except DomainError as exc:
            error = exc.message
        paper.refresh_from_db()
        if request.htmx:
            return render(
                request, "assessment/_paper_status.html", {**_paper_context(paper), "error": error}
            )
    return render(request, "assessment/paper.html", {**_paper_context(paper), "error": error})
