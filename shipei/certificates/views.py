"""Certificates in the platform: a trainee's own (PDF and signed credential), a class's or a
programme's for those who run it (issue one, issue all in the background, download all as one
ZIP), and one certificate's page (revoke, re-issue). Thin: the services and selectors decide."""

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from shipei.accounts import scope
from shipei.classes.models import TrainingClass
from shipei.core.errors import DomainError, NotFound, NotPermitted
from shipei.enrollment.models import Enrollment
from shipei.programmes.models import Programme

from . import batches, eligibility, selectors, services
from . import render as renderer
from .credential import enveloped
from .errors import NotElectronic
from .models import Batch, Certificate

SHOWN = 300  # enrollments listed on a scope's page; the batch and the ZIP take them all


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "certificates/mine.html",
        {"certificates": selectors.my_certificates(user=request.user)},
    )


def _viewable(request: HttpRequest, pk: int) -> Certificate:
    """The holder's own, where the programme issues electronic certificates (``certificate.
    electronic``); else one in the user's scope."""
    own = selectors.my_certificates(user=request.user).filter(pk=pk).first()
    if own is None:
        return selectors.certificate_get(user=request.user, pk=pk)
    if not own.programme.rules.certificate.electronic:
        raise NotElectronic()
    return own


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    certificate = selectors.certificate_get(user=request.user, pk=pk)
    return render(
        request,
        "certificates/detail.html",
        {
            "c": certificate,
            "may_manage": services.may_issue(request.user, certificate.enrollment),
            "reasons": [r for r in Certificate.Reason.choices if r[0] != "reissued"],
        },
    )


@login_required
@require_GET
def pdf(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        certificate = _viewable(request, pk)
    except NotElectronic as exc:
        messages.error(request, exc.message)
        return redirect("certificates:mine")
    response = HttpResponse(renderer.certificate_pdf(certificate), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{renderer.filename(certificate)}"'
    return response


@login_required
@require_GET
def credential_json(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        certificate = _viewable(request, pk)
    except NotElectronic as exc:
        messages.error(request, exc.message)
        return redirect("certificates:mine")
    body = json.dumps(enveloped(certificate.credential), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{certificate.number}.json"'
    return response


@login_required
@require_POST
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    certificate = selectors.certificate_get(user=request.user, pk=pk)
    try:
        services.certificate_revoke(
            actor=request.user,
            certificate=certificate,
            reason=request.POST.get("reason", ""),
            note=request.POST.get("note", ""),
        )
        messages.success(request, _("证书 %(no)s 已撤销。") % {"no": certificate.number})
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(certificate.get_absolute_url())


@login_required
@require_POST
def reissue(request: HttpRequest, pk: int) -> HttpResponse:
    certificate = selectors.certificate_get(user=request.user, pk=pk)
    try:
        new = services.certificate_reissue(
            actor=request.user, certificate=certificate, note=request.POST.get("note", "")
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(certificate.get_absolute_url())
    messages.success(request, _("已换发新证书 %(no)s。") % {"no": new.number})
    return redirect(new.get_absolute_url())


# ---- a class's or a programme's certificates -------------------------------------------------


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """Where the user issues: the classes its bases ran, the programmes it manages."""
    return render(
        request,
        "certificates/index.html",
        {
            "classes": selectors.issuing_classes(user=request.user)[:SHOWN],
            "programmes": selectors.issuing_programmes(user=request.user),
        },
    )


def _scope_of(request: HttpRequest, kind: str, pk: int) -> tuple[Programme, TrainingClass | None]:
    if kind not in ("class", "programme"):
        raise NotFound()
    if kind == "class":
        klass = get_object_or_404(
            TrainingClass.objects.select_related("project__programme__owner", "project__base"),
            pk=pk,
        )
        programme = klass.project.programme
    else:
        klass = None
        programme = get_object_or_404(Programme.objects.select_related("owner"), pk=pk)
    if not batches.may_batch(request.user, programme, klass):
        raise NotFound()
    return programme, klass


def _enrollments(programme: Programme, klass: TrainingClass | None) -> Any:
    qs = Enrollment.objects.filter(programme=programme, status__in=batches.CANDIDATES)
    if klass is not None:
        qs = qs.filter(training_class=klass)
    held = Certificate.objects.filter(enrollment=OuterRef("pk"), status=Certificate.Status.VALID)
    return (
        qs.annotate(held=Exists(held))
        .select_related("person", "org", "base", "project", "training_class", "programme__owner")
        .order_by("person__name_pinyin", "pk")
    )


@login_required
@require_GET
def scope_page(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    programme, klass = _scope_of(request, kind, pk)
    rows = []
    for enrollment in _enrollments(programme, klass)[:SHOWN]:
        refusals = [] if enrollment.held else eligibility.problems(enrollment)
        rows.append({"e": enrollment, "refusals": refusals})
    certificates = Certificate.objects.filter(programme=programme)
    if klass is not None:
        certificates = certificates.filter(enrollment__training_class=klass)
    batch = Batch.objects.filter(programme=programme, training_class=klass).first()
    return render(
        request,
        "certificates/scope.html",
        {
            "programme": programme,
            "klass": klass,
            "kind": kind,
            "pk": pk,
            "rows": rows,
            "certificates": certificates.select_related("replaces").order_by("number"),
            "batch": batch,
            "progress": batches.batch_progress(batch) if batch else None,
        },
    )


@login_required
@require_POST
def issue(request: HttpRequest, enrollment_pk: int) -> HttpResponse:
    enrollment = get_object_or_404(
        Enrollment.objects.filter(scope.enrollments_q(request.user)), pk=enrollment_pk
    )
    try:
        certificate = services.certificate_issue(actor=request.user, enrollment=enrollment)
        messages.success(request, _("已发证：%(no)s。") % {"no": certificate.number})
    except (DomainError, NotPermitted) as exc:
        messages.error(request, exc.message)
    if enrollment.training_class_id:
        return redirect("certificates:scope", kind="class", pk=enrollment.training_class_id)
    return redirect("certificates:scope", kind="programme", pk=enrollment.programme_id)


@login_required
@require_POST
def batch_start(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    programme, klass = _scope_of(request, kind, pk)
    batches.batch_start(actor=request.user, programme=programme, training_class=klass)
    return redirect("certificates:scope", kind=kind, pk=pk)


@login_required
@require_GET
def batch_progress(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    programme, klass = _scope_of(request, kind, pk)
    batch = Batch.objects.filter(programme=programme, training_class=klass).first()
    if batch is None:
        raise NotFound()
    return render(
        request,
        "certificates/_progress.html",
        {"batch": batch, "progress": batches.batch_progress(batch), "kind": kind, "pk": pk},
    )


@login_required
@require_GET
def download_zip(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    programme, klass = _scope_of(request, kind, pk)
    certificates = selectors.certificate_list(
        user=request.user, programme=programme, training_class=klass
    ).filter(status=Certificate.Status.VALID)
    name = f"certificates-{kind}-{pk}.zip"
    response = HttpResponse(renderer.certificates_zip(certificates), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
