"""未报到 by hand: the admitted list a base (or the programme owner's admins, where there is no
base) works from, and the button on it and on the enrollment page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from shipei.core.errors import DomainError, NotFound
from shipei.core.views_util import per_page

from . import selectors, terms
from .forms import NoShowForm
from .models import Enrollment
from .no_show import enrollment_mark_no_show, may_mark_no_show


@require_GET
@login_required
def admitted(request: HttpRequest) -> HttpResponse:
    """已录取名单: the admitted trainees the user may mark 未报到, each with the button."""
    qs = selectors.no_show_candidates(user=request.user)
    page = Paginator(qs, per_page(request)).get_page(request.GET.get("page"))
    rows = [
        {"enrollment": e, "item": terms.item_label(e), "may": may_mark_no_show(request.user, e)}
        for e in page
    ]
    return render(
        request,
        "enrollment/admitted.html",
        {
            "page": page,
            "rows": rows,
            "form": NoShowForm(),
            "breadcrumbs": [(_("报名管理"), "enrollment:list"), (_("已录取名单"), None)],
        },
    )


@require_POST
@login_required
def no_show(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        enrollment = selectors.enrollment_list(user=request.user).get(pk=pk)
    except Enrollment.DoesNotExist:
        raise NotFound() from None
    form = NoShowForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("标记未报到须填写原因。"))
    else:
        try:
            enrollment = enrollment_mark_no_show(
                actor=request.user, enrollment=enrollment, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            kept = _("名额已释放") if not enrollment.holds_seat else _("按规定名额不释放")
            messages.success(
                request,
                _("已将%(name)s标记为未报到（%(seat)s）。")
                % {"name": enrollment.person.name, "seat": kept},
            )
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)
    return redirect(enrollment)
