"""Survey pages: what the user has to fill in and the surveys they see, handing a form out to
a class, filling one in on a phone, and the results of a class, project, base or programme.
Thin views over selectors and services.

The page that takes an anonymous answer redirects to the list, never to anything that names
the answer, and leaves no message that could (services.py).
"""

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shipei.accounts import scope
from shipei.classes.models import TrainingClass
from shipei.core import excel
from shipei.core.errors import DomainError, NotFound

from . import errors, results, selectors, services


def _crumbs(*more: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [(_("评价问卷"), reverse("surveys:index")), *more]


@require_GET
@login_required
def index(request: HttpRequest) -> HttpResponse:
    user = request.user
    seen = list(selectors.visible(user).order_by("-closes_at", "-pk")[:100])
    counts = selectors.answer_counts(seen)
    return render(
        request,
        "surveys/index.html",
        {
            "to_fill": [(s, selectors.form_of(s)) for s in selectors.to_fill(user)],
            "seen": [
                {
                    "survey": s,
                    "form": selectors.form_of(s),
                    "count": counts.get(s.pk, 0),
                    "runs": selectors.runs(user, s),
                }
                for s in seen
            ],
            "to_open": selectors.to_open(user),
            "built": selectors.programmes_built(user),
            "staff": selectors.may_see_any(user),
            "breadcrumbs": [(_("评价问卷"), None)],
        },
    )


@require_POST
@login_required
def open_survey(request: HttpRequest) -> HttpResponse:
    cls = _class_in_scope(request, request.POST.get("training_class", ""))
    try:
        closes_on = datetime.date.fromisoformat(request.POST.get("closes_on", ""))
    except ValueError:
        messages.error(request, _("请填写截止日期。"))
        return redirect("surveys:index")
    closes_at = timezone.make_aware(datetime.datetime.combine(closes_on, datetime.time(23, 59)))
    try:
        services.survey_open(
            actor=request.user,
            form=request.POST.get("form", ""),
            training_class=cls,
            closes_at=closes_at,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已发放，学员登录后即可在手机上填写。"))
    return redirect("surveys:index")


def _class_in_scope(request: HttpRequest, pk: str) -> TrainingClass:
    found = (
        TrainingClass.objects.filter(pk=int(pk) if pk.isdigit() else 0)
        .filter(scope.orgs_q(request.user, selectors.RUN, via="project__base"))
        .select_related("project__programme", "project__base")
        .first()
    )
    if found is None:
        raise NotFound()
    return found


@require_http_methods(["GET", "POST"])
@login_required
def fill(request: HttpRequest, pk: int) -> HttpResponse:
    survey = selectors.survey_get(request.user, pk)
    form = selectors.form_of(survey)
    if selectors.respondent(request.user, survey) is None:
        raise NotFound()
    answers: dict[str, Any] = {}
    problems: dict[str, str] = {}
    error = ""
    if request.method == "POST":
        answers = {
            key: request.POST.getlist(key) for key in request.POST if key != "csrfmiddlewaretoken"
        }
        try:
            services.response_submit(user=request.user, survey=survey, answers=answers)
        except errors.BadAnswers as exc:
            problems, error = exc.problems, exc.message
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("surveys:index")
        else:
            messages.success(request, _("已提交，感谢您的评价。"))
            return redirect("surveys:index")
    return render(
        request,
        "surveys/fill.html",
        {
            "survey": survey,
            "form": form,
            "questions": [
                {"q": x, "given": answers.get(x.code, []), "problem": problems.get(x.code, "")}
                for x in selectors.survey_questions(survey)
            ],
            "error": error,
            "breadcrumbs": _crumbs((form.label, None)),
        },
        status=400 if problems else 200,
    )


@require_POST
@login_required
def close(request: HttpRequest, pk: int) -> HttpResponse:
    survey = selectors.survey_get(request.user, pk)
    if not selectors.sees(request.user, survey):
        raise NotFound()
    services.survey_close(actor=request.user, survey=survey)
    messages.success(request, _("问卷已截止。"))
    return redirect("surveys:index")


@require_GET
@login_required
def results_page(request: HttpRequest) -> HttpResponse:
    level = _level(request)
    res = level["results"]
    if request.GET.get("export") == "xlsx":
        content = results.workbook(f"{res.form.label} · {level['title']}", res)
        return excel.xlsx_response(content, f"{res.form.label}-{level['title']}.xlsx")
    return render(
        request,
        "surveys/results.html",
        {**level, "res": res, "breadcrumbs": _crumbs((level["title"], None))},
    )


def _level(request: HttpRequest) -> dict[str, Any]:
    level = selectors.level(request.user, request.GET)
    return {
        "programme": level.programme,
        "form": level.form,
        "title": level.title,
        "results": results.results(
            level.surveys,
            level.form,
            selectors.template_questions(level.programme, level.form.code),
        ),
        "query": request.GET.urlencode(),
    }


KINDS = {"single": _("单选"), "multiple": _("多选"), "scale": _("评分"), "text": _("文字")}


@require_http_methods(["GET", "POST"])
@login_required
def template(request: HttpRequest, programme_pk: int, code: str) -> HttpResponse:
    """The builder: a form's questions, one added, removed or moved up at a time."""
    programme = selectors.programme_built(request.user, programme_pk)
    form = next((f for f in selectors.forms(programme) if f.code == code), None)
    if form is None:
        raise NotFound()
    error = ""
    if request.method == "POST":
        post = request.POST
        add = None
        if post.get("action") == "add":
            kind = post.get("kind", "")
            add = {
                "label": post.get("label", "").strip(),
                "kind": kind,
                "required": post.get("required") == "on",
                "section": post.get("section", "").strip(),
            }
            if kind in ("single", "multiple"):
                add["choices"] = [
                    c.strip() for c in post.get("choices", "").splitlines() if c.strip()
                ]
            if kind == "scale" and post.get("scale_max", "").isdigit():
                add["scale_max"] = int(post["scale_max"])
        try:
            services.template_edit(
                actor=request.user,
                programme=programme,
                code=code,
                add=add,
                remove=post.get("remove", ""),
                up=post.get("up", ""),
            )
        except DomainError as exc:
            error = exc.message
        else:
            return redirect("surveys:template", programme_pk=programme.pk, code=code)
    return render(
        request,
        "surveys/template.html",
        {
            "programme": programme,
            "form": form,
            "questions": selectors.template_questions(programme, code),
            "kinds": KINDS,
            "error": error,
            "breadcrumbs": _crumbs((f"{programme} · {form.label}", None)),
        },
        status=400 if error else 200,
    )
