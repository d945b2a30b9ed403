"""Spot-check pages: the list of inspections with filters, drawing a check, a draw's page (seed,
inputs, sample, 重现抽样, Excel), and an inspection's page where each person takes their step on
a phone: the admin assigns and closes, the inspector records, the base responds. Thin views over
selectors and services; a refused step keeps what was typed and says why beside the form."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shipei.accounts import scope
from shipei.accounts.models import User
from shipei.core import excel
from shipei.core.errors import DomainError, NotFound, NotPermitted
from shipei.core.forms import valid_filters
from shipei.core.tables import RequestConfig
from shipei.orgs.models import Organisation

from . import errors, exports, selectors, services
from .forms import AssignForm, CloseForm, DrawForm, InspectionFilterForm, RecordForm, RespondForm
from .models import Inspection, SpotCheck
from .tables import InspectionTable


def _crumbs(*more: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [(_("监督抽检"), reverse("supervision:index")), *more]


@require_GET
@login_required
def index(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not selectors.may_see_any(user):
        raise NotPermitted()
    form = InspectionFilterForm(request.GET or None, user=user)
    f = valid_filters(form)
    table = InspectionTable(
        selectors.inspection_list(
            user,
            selectors.InspectionFilter(
                programme=f.get("programme"),
                status=f.get("status") or "",
                base=f.get("base") or "",
                region=f.get("region") or "",
            ),
        )
    )
    RequestConfig(request).configure(table)
    return render(
        request,
        "supervision/index.html",
        {
            "form": form,
            "table": table,
            "checks": selectors.spot_checks(user)[:20],
            "may_draw": scope.has_any(user, selectors.MANAGE),
            "breadcrumbs": [(_("监督抽检"), None)],
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def draw(request: HttpRequest) -> HttpResponse:
    if not scope.has_any(request.user, selectors.MANAGE):
        raise NotPermitted()
    form = DrawForm(
        request.POST or None,
        user=request.user,
        initial={
            "size_kind": SpotCheck.SizeKind.COUNT,
            "area": scope.top_org(request.user, selectors.MANAGE),
        },
    )
    if request.method == "POST":
        programme = (
            form.fields["programme"].queryset.filter(pk=_int(request.POST.get("programme"))).first()
        )
        if programme is None:
            form.add_error("programme", _("请选择培训计划。"))
        else:
            try:
                spot_check = services.spot_check_draw(
                    actor=request.user,
                    programme=programme,
                    target=request.POST.get("target", ""),
                    area=_area(request.POST.get("area")),
                    stratify=request.POST.get("stratify", ""),
                    size_kind=request.POST.get("size_kind", ""),
                    size_value=request.POST.get("size_value", ""),
                    seed=request.POST.get("seed", ""),
                    title=request.POST.get("title", ""),
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request,
                    _("已抽取 %(n)d 个，随机种子 %(seed)s 已记录。")
                    % {"n": spot_check.sample_size, "seed": spot_check.seed},
                )
                return redirect(spot_check)
    return render(
        request,
        "supervision/draw.html",
        {"form": form, "breadcrumbs": _crumbs((_("新建抽检"), None))},
    )


def _int(value: Any) -> int:
    return int(value) if str(value or "").isdigit() else 0


def _area(value: Any) -> Organisation | None:
    """The organisation named, whoever's it is: the service says when it is outside scope."""
    if not value:
        return None
    found = Organisation.objects.filter(pk=_int(value)).first()
    if found is None:
        raise NotFound()
    return found


@require_GET
@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    spot_check = selectors.spot_check_get(request.user, pk)
    inspections = list(selectors.inspections(request.user).filter(spot_check=spot_check))
    may_manage = scope.allows(request.user, selectors.MANAGE, spot_check.area)
    return render(
        request,
        "supervision/detail.html",
        {
            "check": spot_check,
            "inspections": inspections,
            "labels": {s["key"]: s["label"] for s in spot_check.inputs["strata"]},
            "may_manage": may_manage,
            "assign_form": AssignForm(user=request.user) if may_manage else None,
            "breadcrumbs": _crumbs((spot_check.title, None)),
        },
    )


@require_GET
@login_required
def reproduce(request: HttpRequest, pk: int) -> HttpResponse:
    spot_check = selectors.spot_check_get(request.user, pk)
    result = services.spot_check_reproduce(spot_check)
    template = "supervision/_reproduce.html" if request.htmx else "supervision/reproduce.html"
    return render(
        request,
        template,
        {
            "check": spot_check,
            "result": result,
            "breadcrumbs": _crumbs(
                (spot_check.title, spot_check.get_absolute_url()), (_("重现抽样"), None)
            ),
        },
    )


@require_GET
@login_required
def export(request: HttpRequest, pk: int) -> HttpResponse:
    spot_check = selectors.spot_check_get(request.user, pk)
    inspections = list(selectors.inspections(request.user).filter(spot_check=spot_check))
    content = exports.workbook(spot_check, inspections)
    return excel.xlsx_response(content, f"抽检{spot_check.pk}_{spot_check.drawn_at:%Y%m%d}.xlsx")


@require_POST
@login_required
def assign_many(request: HttpRequest, pk: int) -> HttpResponse:
    """One inspector for the chosen inspections of a draw (often one expert visits several)."""
    spot_check = selectors.spot_check_get(request.user, pk)
    form = AssignForm(request.POST, user=request.user)
    chosen = list(
        selectors.inspections(request.user).filter(
            spot_check=spot_check, pk__in=[_int(v) for v in request.POST.getlist("selected")]
        )
    )
    if not form.is_valid():
        messages.error(request, _("请选择检查人。"))
    elif not chosen:
        messages.error(request, _("请勾选要指派的检查。"))
    else:
        done = 0
        for inspection in chosen:
            try:
                services.inspection_assign(
                    actor=request.user,
                    inspection=inspection,
                    inspector=form.cleaned_data["inspector"],
                )
            except DomainError as exc:
                messages.error(request, f"{inspection}：{exc.message}")
            else:
                done += 1
        if done:
            messages.success(request, _("已指派 %(n)d 项检查。") % {"n": done})
    return redirect(spot_check)


@require_http_methods(["GET", "POST"])
@login_required
def inspection(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    item = selectors.inspection_get(user, pk)
    may_manage = scope.allows(user, selectors.MANAGE, item.spot_check.area)
    S = Inspection.Status
    forms: dict[str, Any] = {}
    if may_manage and item.status in (S.DRAWN, S.ASSIGNED):
        forms["assign"] = AssignForm(
            user=user, initial={"inspector": item.inspector_id}, prefix="assign"
        )
    if item.status == S.ASSIGNED and item.inspector_id == user.pk:
        forms["record"] = RecordForm(prefix="record")
    if item.status == S.INSPECTED and scope.allows(user, selectors.RESPOND, item.base):
        forms["respond"] = RespondForm(prefix="respond")
    if may_manage and item.status == S.RESPONDED:
        forms["close"] = CloseForm(prefix="close")
    error = ""
    if request.method == "POST":
        step = request.POST.get("step", "")
        if step not in _DONE:
            raise NotPermitted()
        if step not in forms:
            # A page left open while someone else moved the check on: the service says why
            # (or 403 for a role that may never take the step).
            try:
                _take(step, user, item, request.POST, request.FILES)
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _DONE[step])
            return redirect(item)
        data, files = request.POST, request.FILES
        forms[step] = type(forms[step])(
            data, files, prefix=step, **({"user": user} if step == "assign" else {})
        )
        try:
            _take(step, user, item, data, files)
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(request, _DONE[step])
            return redirect(item)
    return render(
        request,
        "supervision/inspection.html",
        {
            "item": item,
            "forms": forms,
            "step_error": error,
            "labels": {s["key"]: s["label"] for s in item.spot_check.inputs["strata"]},
            "findings_files": [f for f in item.files.all() if f.kind == "finding"],
            "response_files": [f for f in item.files.all() if f.kind == "response"],
            "may_see_check": selectors.spot_checks(user).filter(pk=item.spot_check_id).exists(),
            "breadcrumbs": _crumbs((str(item), None)),
        },
    )


_DONE = {
    "assign": _("已指派检查人，并已通知。"),
    "record": _("检查结果已记录，已通知基地回复。"),
    "respond": _("回复已提交。"),
    "close": _("已结案。"),
}


def _take(step: str, user: Any, item: Inspection, data: Any, files: Any) -> None:
    if step == "assign":
        inspector = User.objects.filter(pk=_int(data.get("assign-inspector"))).first()
        if inspector is None:
            raise errors.InspectorMissing()
        services.inspection_assign(actor=user, inspection=item, inspector=inspector)
    elif step == "record":
        services.inspection_record(
            actor=user,
            inspection=item,
            findings=data.get("record-findings", ""),
            rating=data.get("record-rating", ""),
            files=files.getlist("record-files"),
        )
    elif step == "respond":
        services.inspection_respond(
            actor=user,
            inspection=item,
            response=data.get("respond-response", ""),
            files=files.getlist("respond-files"),
        )
    else:
        services.inspection_close(actor=user, inspection=item, note=data.get("close-note", ""))


@require_GET
@login_required
def file_download(request: HttpRequest, pk: int, file_pk: int) -> FileResponse:
    item = selectors.inspection_get(request.user, pk)
    kept = item.files.filter(pk=file_pk).first()
    if kept is None:
        raise NotFound()
    try:
        handle = kept.file.open("rb")
    except FileNotFoundError:
        raise NotFound(_("附件文件已不存在。")) from None
    # Photos are shown in the page; everything else is downloaded.
    response = FileResponse(handle, as_attachment=not kept.is_image, filename=kept.name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
