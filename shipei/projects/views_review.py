"""The ministry's review queue (assign experts, publish in batches) and the experts' scoring."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shipei.accounts import scope
from shipei.core.errors import DomainError, NotPermitted
from shipei.core.tables import RequestConfig
from shipei.core.text import is_int
from shipei.core.views_util import apply_errors

from . import selectors, services
from .forms import ProjectFilterForm, ReviewForm
from .models import Project
from .tables import QueueTable, ReviewListTable

# --- the national admin's review queue ------------------------------------------------------


@require_GET
@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    if not scope.has_any(request.user, "project.decide"):
        raise NotPermitted()
    form = ProjectFilterForm(
        request.GET or None,
        facets=selectors.project_facets(user=request.user),
        all_label=_("全部（不含草稿）"),
    )
    filters = form.cleaned_data if form.is_valid() else {}
    table = QueueTable(selectors.review_queue(user=request.user, filters=filters))
    RequestConfig(request).configure(table)
    return render(
        request,
        "projects/queue.html",
        {
            "form": form,
            "table": table,
            "breadcrumbs": [(_("项目评审"), None)],
        },
    )


@require_POST
@login_required
def publish_batch(request: HttpRequest) -> HttpResponse:
    if not scope.has_any(request.user, "project.decide"):
        raise NotPermitted()
    ids = [v for v in request.POST.getlist("selected") if is_int(v)]
    projects = list(selectors.review_queue(user=request.user).filter(pk__in=ids))
    back = reverse("projects:queue") + (
        "?" + request.POST["query"] if request.POST.get("query") else ""
    )
    if not projects:
        messages.error(request, _("请先勾选要发布的项目（评审通过的项目）。"))
        return redirect(back)
    try:
        n = services.project_publish_batch(actor=request.user, projects=projects)
    except DomainError as exc:
        messages.error(request, _("未发布任何项目：%(why)s") % {"why": exc.message})
    else:
        messages.success(request, _("已发布 %(n)s 个项目。") % {"n": n})
    return redirect(back)


# --- experts --------------------------------------------------------------------------------


@require_GET
@login_required
def review_list(request: HttpRequest) -> HttpResponse:
    if "expert_reviewer" not in scope.roles(request.user):
        raise NotPermitted()
    state = request.GET.get("state", "")
    table = ReviewListTable(
        selectors.review_list(user=request.user, filters={"state": state}), orderable=False
    )
    RequestConfig(request).configure(table)
    return render(
        request,
        "projects/reviews.html",
        {"table": table, "state": state, "breadcrumbs": [(_("评审任务"), None)]},
    )


@require_http_methods(["GET", "POST"])
@login_required
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    review = selectors.review_get(user=request.user, pk=pk)
    project = review.project
    form = ReviewForm(request.POST or None, programme=project.programme)
    if request.method == "POST" and form.is_valid():
        try:
            services.review_submit(
                actor=request.user,
                review=review,
                scores=form.scores(),
                comment=form.cleaned_data["comment"],
            )
        except (ValidationError, DomainError) as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("评审意见已提交。"))
            return redirect("projects:reviews")
    return render(
        request,
        "projects/review.html",
        {
            "review": review,
            "project": project,
            "classes": selectors.project_classes(project),
            "attachments": project.attachments.all(),
            "form": form,
            "open": not review.is_submitted
            and project.status == Project.Status.IN_REVIEW
            and review.round == project.review_round,
            "criteria": [
                (c.label, c.max_score, review.scores.get(c.code))
                for c in project.programme.rules.projects.review_criteria
            ],
            "breadcrumbs": [(_("评审任务"), reverse("projects:reviews")), (project.title, None)],
        },
    )
