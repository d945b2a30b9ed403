"""继续教育学时 in the platform: a teacher's own ledger and claims (phone first), the totals of
the teachers an admin reaches with one teacher's ledger, the school's claims to decide, the
ledger as .xlsx and transcripts as .xlsx and PDF. Thin: the services and selectors decide."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shipei.accounts.models import Person
from shipei.assessment import selectors as assessment
from shipei.core.errors import DomainError, NotFound
from shipei.core.excel import xlsx_response

from . import exports, selectors, services, transcripts
from .proofs import content_type

SHOWN = 300  # teachers listed on the totals page; the export takes them all


def _year(request: HttpRequest) -> int | None:
    value = request.GET.get("year", "")
    return int(value) if value.isdigit() and 2000 <= int(value) <= 2100 else None


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    person = request.user.person
    if person is None:
        raise NotFound()
    return render(
        request,
        "credits/mine.html",
        {
            "ledger": selectors.ledger(person),
            "claims": selectors.my_claims(user=request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def claim_new(request: HttpRequest) -> HttpResponse:
    errors: dict[str, Any] = {}
    refusal = ""
    if request.method == "POST":
        try:
            services.claim_submit(
                actor=request.user,
                title=request.POST.get("title", ""),
                organiser=request.POST.get("organiser", ""),
                starts_on=request.POST.get("starts_on", ""),
                ends_on=request.POST.get("ends_on", ""),
                hours=request.POST.get("hours", ""),
                proof=request.FILES.get("proof"),
            )
        except ValidationError as exc:
            errors = {k: v[0] for k, v in exc.message_dict.items()}
        except DomainError as exc:
            refusal = exc.message
        else:
            messages.success(request, _("已提交，学校审核通过后计入您的学时台账。"))
            return redirect("credits:mine")
    return render(
        request,
        "credits/claim_new.html",
        {"errors": errors, "refusal": refusal, "data": request.POST},
        status=400 if errors or refusal else 200,
    )


@login_required
@require_GET
def proof(request: HttpRequest, pk: int) -> HttpResponse:
    claim = selectors.claim_get(user=request.user, pk=pk)
    response = FileResponse(claim.proof.open("rb"), content_type=content_type(claim.proof_name))
    response["Content-Disposition"] = content_disposition_header(False, claim.proof_name)
    return response


@login_required
@require_GET
def review(request: HttpRequest) -> HttpResponse:
    if not selectors.may_decide_any(request.user):
        raise NotFound()
    return render(
        request, "credits/review.html", {"claims": selectors.to_decide(user=request.user)}
    )


@login_required
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    claim = selectors.claim_get(user=request.user, pk=pk)
    approve = request.POST.get("decision") == "approve"
    try:
        services.claim_decide(
            actor=request.user, claim=claim, approve=approve, reason=request.POST.get("reason", "")
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        done = _("已通过，计入学时台账") if approve else _("已退回")
        messages.success(request, f"{claim.person.name}：{claim.title}，{done}。")
    return redirect("credits:review")


@login_required
@require_GET
def people(request: HttpRequest) -> HttpResponse:
    if not selectors.may_see_totals(request.user):
        raise NotFound()
    year, name = _year(request), request.GET.get("q", "").strip()[:50]
    found = selectors.totals(user=request.user, year=year, name=name)
    return render(
        request,
        "credits/people.html",
        {
            "people": found[:SHOWN],
            "count": found.count(),
            "sum": selectors.totals_sum(user=request.user, year=year, name=name),
            "shown": SHOWN,
            "year": year,
            "q": name,
            "years": selectors.years(user=request.user),
        },
    )


@login_required
@require_GET
def person(request: HttpRequest, pk: int) -> HttpResponse:
    teacher = selectors.person_get(user=request.user, pk=pk)
    return render(
        request,
        "credits/person.html",
        {"ledger": selectors.ledger(teacher), "claims": teacher.credit_claims.all()},
    )


@login_required
@require_GET
def export(request: HttpRequest) -> HttpResponse:
    """The ledger lines the user reaches: ?person= one teacher's (their own, or one in scope),
    else every teacher in scope (of ?year= where given)."""
    entries = selectors.entry_list(user=request.user)
    pk = request.GET.get("person", "")
    if pk:
        entries = entries.filter(person=selectors.person_get(user=request.user, pk=pk))
    elif not selectors.may_see_totals(request.user):
        entries = entries.filter(person_id=request.user.person_id)
    if year := _year(request):
        entries = entries.filter(year=year)
    return xlsx_response(exports.ledger_xlsx(entries.iterator()), "继续教育学时台账.xlsx")


def _transcript_response(transcript: transcripts.Transcript, fmt: str) -> HttpResponse:
    if fmt == "pdf":
        response = HttpResponse(transcripts.pdf(transcript), content_type="application/pdf")
        response["Content-Disposition"] = content_disposition_header(
            True, f"{transcript.title}.pdf"
        )
        return response
    return xlsx_response(transcripts.xlsx(transcript), f"{transcript.title}.xlsx")


@login_required
@require_GET
def transcript_person(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    teacher: Person = selectors.person_get(user=request.user, pk=pk)
    return _transcript_response(transcripts.of_person(teacher), fmt)


@login_required
@require_GET
def transcript_class(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """For those who run the class or score in it (assessment's reach)."""
    training_class = assessment.class_get(user=request.user, pk=pk)
    return _transcript_response(transcripts.of_class(training_class), fmt)
