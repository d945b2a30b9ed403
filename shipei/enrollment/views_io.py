"""Participant lists in and out: imports (inline or in the background with progress) and the
notices' tables as exports (imports.py, exports.py, tasks.py)."""

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from shipei.accounts import scope
from shipei.classes.models import TrainingClass
from shipei.core import excel, uploads
from shipei.core.errors import DomainError, NotFound, NotPermitted
from shipei.core.forms import ImportForm
from shipei.core.views_util import apply_errors, client_ip
from shipei.orgs.models import Region
from shipei.programmes.models import Programme
from shipei.programmes.selectors import programme_list

from . import contacts, exports, import_templates, imports, lists, selectors
from .forms import ProvinceContactsForm
from .tasks import enrollment_import_job

DONE_MESSAGE = _(
    "导入完成：新报名 %(enrolled)d 人（其中由您审核通过 %(approved)d 人），"
    "已报名未变化 %(unchanged)d 人；新登记教师 %(people_created)d 人，补充信息 %(people_updated)d 人。"
)


def imported_url(programme: Programme | None) -> str:
    """Where an import lands: 报名管理 filtered to the programme, newest first, so the rows
    just imported are the first ones on the page."""
    url = reverse("enrollment:list")
    return f"{url}?programme={programme.pk}&sort=-submitted_at" if programme else url


def _programme(user: Any, pk: int) -> Programme:
    programme = programme_list(user=user).filter(pk=pk).first()
    if programme is None:
        raise NotFound()
    return programme


def _layout(programme: Programme, key: str) -> imports.Layout:
    layout = imports.LAYOUTS.get(key)
    if layout is None or layout not in imports.layouts_for(programme):
        raise NotFound()
    return layout


def _page(programme: Programme, layout: imports.Layout) -> dict[str, Any]:
    if layout.key == "participants":
        title = _("导入参训人员名单")
        hint = _(
            "按通知附件3《参训人员汇总表》填写，另加“身份证号”列；项目名称和承训单位须与通知一致，"
            "单位名称填平台登记的学校名称。"
        )
    else:
        title = _("导入参训教师信息汇总表")
        hint = _(
            "按通知附件3《高校参训教师信息汇总表》填写，在表格上方“填报单位（盖章）：”后写学校名称；"
            "所报证书培训班名称须与通知一致。"
        )
    return {
        "title": title,
        "programme": programme,
        "fill_hint": hint,
        "template_url": reverse("enrollment:import_template", args=[programme.pk, layout.key]),
        "template_name": layout.template_name,
        "inline_max": imports.INLINE_MAX_ROWS,
        "breadcrumbs": [
            (_("培训计划"), reverse("programmes:list")),
            (str(programme), programme.get_absolute_url()),
            (title, None),
        ],
    }


@require_http_methods(["GET", "POST"])
@login_required
def import_003(request: HttpRequest, programme_pk: int) -> HttpResponse:
    """Notice 003 附件3: a province's (or school's) participant list, channel "nomination"."""
    return _import(request, programme_pk, "participants")


@require_http_methods(["GET", "POST"])
@login_required
def import_001(request: HttpRequest, programme_pk: int) -> HttpResponse:
    """Notice 001 附件3: a university's sign-up table, channel "signup_table"."""
    return _import(request, programme_pk, "signup_table")


def _import(request: HttpRequest, programme_pk: int, key: str) -> HttpResponse:
    user = request.user
    programme = _programme(user, programme_pk)
    layout = _layout(programme, key)
    if not scope.has_any(user, "enrollment.nominate"):
        raise NotPermitted()
    form = ImportForm(request.POST or None, request.FILES or None)
    context = {"form": form, **_page(programme, layout)}
    if request.method != "POST" or not form.is_valid():
        return render(request, "enrollment/io_import.html", context)
    upload = form.cleaned_data["file"]
    data = upload.read()
    try:
        sheet = excel.read_sheet(data, layout.columns, filename=upload.name)
    except excel.ExcelFormatError as exc:
        form.add_error("file", exc.message)
        return render(request, "enrollment/io_import.html", context)
    if len(sheet.rows) > imports.INLINE_MAX_ROWS:
        token = uploads.job_create(
            user_id=user.pk,
            data=data,
            filename=upload.name,
            programme=programme.pk,
            layout=layout.key,
        )
        enrollment_import_job.enqueue(user_id=user.pk, token=token)
        return redirect("enrollment:import_progress", token=token)
    try:
        sheet, rows, problems = imports.parse_enrollments(
            user=user, programme=programme, layout=layout, upload=data, filename=upload.name
        )
    except excel.ExcelFormatError as exc:
        form.add_error("file", exc.message)
        return render(request, "enrollment/io_import.html", context)
    if problems:
        report = excel.save_report(user.pk, excel.error_copy(sheet, problems))
        context.update(problems=problems, report=report)
        return render(request, "enrollment/io_import.html", context)
    try:
        counts = imports.enrollment_import(
            actor=user, programme=programme, layout=layout, rows=rows, filename=upload.name
        )
    except (DomainError, NotPermitted, ValidationError) as exc:
        # A rule only the write can see (a concurrent registration, say): nothing stored.
        reason = "；".join(exc.messages) if isinstance(exc, ValidationError) else exc.message
        form.add_error("file", _("导入未完成，未保存任何数据：%(reason)s") % {"reason": reason})
        return render(request, "enrollment/io_import.html", context)
    messages.success(request, DONE_MESSAGE % counts)
    return redirect(imported_url(programme))


@require_GET
@login_required
def import_progress(request: HttpRequest, token: str) -> HttpResponse:
    """The progress of a background import; the page polls its own fragment (htmx)."""
    state = uploads.job_state(request.user.pk, token)
    if state is None:
        raise NotFound()
    programme = Programme.objects.filter(pk=state.get("programme")).first()
    total = state.get("total") or 0
    share = (state.get("done", 0) / total) if total else 0
    percent = (
        100
        if state["status"] == "done"
        else int((share * 50) + (50 if state.get("phase") == "write" else 0))
    )
    context = {
        "state": state,
        "token": token,
        "percent": percent,
        "programme": programme,
        "message": DONE_MESSAGE % state["counts"] if state["status"] == "done" else "",
        "imported_url": imported_url(programme),
        "title": _("导入进度"),
        "breadcrumbs": [(_("导入进度"), None)],
    }
    template = "enrollment/io_progress_part.html" if request.htmx else "enrollment/io_progress.html"
    return render(request, template, context)


@require_GET
@login_required
def import_template(request: HttpRequest, programme_pk: int, layout: str) -> HttpResponse:
    programme = _programme(request.user, programme_pk)
    chosen = _layout(programme, layout)
    content = import_templates.import_template(programme, chosen, request.user)
    return excel.xlsx_response(content, chosen.template_name)


# ---- exports ---------------------------------------------------------------------------------


def _may_view(user: Any) -> None:
    if not scope.has_any(user, "enrollment.view"):
        raise NotPermitted()


def _province(user: Any, code: str) -> Region | None:
    """The province asked for (404 outside the user's reach), else the user's own province."""
    if code:
        region = Region.objects.filter(code=code, level=Region.Level.PROVINCE).first()
        if region is None or not scope.allows_receiver(user, "enrollment.view", region=region):
            raise NotFound()
        return region
    own = {p for p in scope.region_prefixes(user, "enrollment.view") if len(p) == 2}
    if len(own) == 1:
        return Region.objects.filter(code=f"{own.pop()}0000").first()
    return None


def _full(request: HttpRequest) -> bool:
    full = (request.POST or request.GET).get("full") == "1"
    if full and not scope.has_any(request.user, "person.reveal"):
        raise NotPermitted(_("您的角色无权导出完整的身份证号和手机号。"))
    return full


def _fmt(request: HttpRequest) -> str:
    fmt = (request.POST or request.GET).get("format", "xlsx")
    if fmt not in ("xlsx", "csv"):
        raise NotFound()
    return fmt


def _download(content: bytes, fmt: str, name: str) -> HttpResponse:
    filename = f"{name}-{timezone.localdate():%Y%m%d}.{fmt}"
    if fmt == "xlsx":
        return excel.xlsx_response(content, filename)
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def _suffix(full: bool) -> str:
    return _("（完整）") if full else ""


@require_GET
@login_required
def exports_page(request: HttpRequest, programme_pk: int) -> HttpResponse:
    """What a user may download of a programme's enrollments, and the province's submit action."""
    user = request.user
    programme = _programme(user, programme_pk)
    _may_view(user)
    province = _province(user, request.GET.get("province", ""))
    item = request.GET.get("item", "")
    items = programme.rules.leaves()
    if item and item not in {i.code for i in items}:
        item = ""
    provinces = Region.objects.filter(level=Region.Level.PROVINCE).order_by("code")
    provinces = [r for r in provinces if scope.allows_receiver(user, "enrollment.view", region=r)]
    may_submit = exports.may_submit_list(user, programme, province)
    context = {
        "programme": programme,
        "province": province,
        "provinces": provinces,
        "item": item,
        "items": [(i.code, i.label) for i in items],
        "count": exports.listed(
            actor=user, programme=programme, province=province, item=item
        ).count(),
        "may_reveal": scope.has_any(user, "person.reveal"),
        "may_submit": may_submit,
        "submit_key": uuid.uuid4().hex if may_submit else "",
        "may_edit_contacts": contacts.may_edit(user, province),
        "contacts": contacts.contacts_of(programme, province),
        "layouts": imports.layouts_for(programme)
        if scope.has_any(user, "enrollment.nominate")
        else [],
        "title": _("名单导入导出"),
        "breadcrumbs": [
            (_("培训计划"), reverse("programmes:list")),
            (str(programme), programme.get_absolute_url()),
            (_("名单导入导出"), None),
        ],
    }
    return render(request, "enrollment/io_exports.html", context)


@require_GET
@login_required
def export_summary_000(request: HttpRequest, programme_pk: int) -> HttpResponse:
    """Notice 000 附件2 参训信息汇总表 of a province."""
    user = request.user
    programme = _programme(user, programme_pk)
    _may_view(user)
    province = _province(user, request.GET.get("province", ""))
    full, fmt = _full(request), _fmt(request)
    content = exports.participant_summary(
        actor=user,
        programme=programme,
        province=province,
        full=full,
        fmt=fmt,
        ip=client_ip(request),
    )
    where = province.name if province else _("全部")
    return _download(content, fmt, f"参训信息汇总表-{where}{_suffix(full)}")


@require_http_methods(["GET", "POST"])
@login_required
def summary_contacts(request: HttpRequest, programme_pk: int) -> HttpResponse:
    """Notice 000 附件2: the province's 省级负责人 and 省级联系人, kept for its 参训信息汇总表 (which
    can be downloaded at once, before registration opens)."""
    user = request.user
    programme = _programme(user, programme_pk)
    _may_view(user)
    province = _province(user, (request.POST or request.GET).get("province", ""))
    if not contacts.may_edit(user, province):
        raise NotPermitted(_("省级负责人和联系人由省级教育行政部门填写，请先选择省份。"))
    stored = contacts.contacts_of(programme, province)
    form = ProvinceContactsForm(
        request.POST or None, initial=ProvinceContactsForm.initial_from(stored)
    )
    lists = reverse("enrollment:io_exports", args=[programme.pk]) + f"?province={province.code}"
    if request.method == "POST" and form.is_valid():
        try:
            contacts.province_contacts_save(
                actor=user, programme=programme, province=province, contacts=form.contacts()
            )
        except DomainError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request, _("已保存%(province)s的省级负责人和联系人。") % {"province": province.name}
            )
            return redirect(lists)
    title = _("省级负责人及联系人")
    context = {
        "programme": programme,
        "province": province,
        "form": form,
        "title": title,
        "breadcrumbs": [
            (_("培训计划"), reverse("programmes:list")),
            (str(programme), programme.get_absolute_url()),
            (_("名单导入导出"), lists),
            (title, None),
        ],
    }
    return render(request, "enrollment/summary_contacts.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def export_list_003(request: HttpRequest, programme_pk: int) -> HttpResponse:
    """Notice 003 附件3 参训人员汇总表 of a province (and project). POST: the province confirms
    and submits its list: the same file, with an audit entry."""
    user = request.user
    programme = _programme(user, programme_pk)
    _may_view(user)
    params = request.POST or request.GET
    province = _province(user, params.get("province", ""))
    item = params.get("item", "")
    if item and item not in {i.code for i in programme.rules.items}:
        raise NotFound()
    full, fmt = _full(request), _fmt(request)
    where = province.name if province else _("全部")
    if request.method == "POST":
        if province is None:
            raise NotPermitted(_("参训人员名单由省级教育行政部门报送。"))
        raw_key = request.POST.get("key", "")[:64]
        try:
            plist = lists.list_submit(
                actor=user,
                programme=programme,
                province=province,
                item=item,
                scan=request.FILES.get("scan"),
                key=f"{user.pk}:{raw_key}"[:64] if raw_key else None,
                ip=client_ip(request),
            )
        except DomainError as exc:
            messages.error(request, _("未报送：%(why)s") % {"why": exc.message})
            return redirect("enrollment:io_exports", programme.pk)
        messages.success(
            request,
            _("已报送%(where)s的参训人员名单（第 %(v)s 版，%(n)s 人）。")
            % {"where": where, "v": plist.version, "n": len(plist.rows)},
        )
        return redirect("enrollment:list_detail", plist.pk)
    content = exports.participant_list(
        actor=user,
        programme=programme,
        province=province,
        item=item,
        full=full,
        fmt=fmt,
        ip=client_ip(request),
    )
    return _download(content, fmt, f"参训人员汇总表-{where}{item and '-' + item}{_suffix(full)}")


@require_GET
@login_required
def export_roster(request: HttpRequest, class_pk: int) -> HttpResponse:
    """A class's roster: for its base, and for whoever sees enrollments of it."""
    user = request.user
    training_class = (
        TrainingClass.objects.select_related("project__programme", "project__base")
        .filter(pk=class_pk)
        .first()
    )
    if training_class is None:
        raise NotFound()
    at_base = scope.allows(user, "enrollment.view_base", training_class.project.base)
    sees_some = (
        selectors.enrollment_list(user=user, programme=training_class.project.programme)
        .filter(training_class=training_class)
        .exists()
    )
    if not (at_base or sees_some):
        raise NotFound()
    full, fmt = _full(request), _fmt(request)
    content = exports.class_roster(
        actor=user, training_class=training_class, full=full, fmt=fmt, ip=client_ip(request)
    )
    return _download(content, fmt, f"学员名单-{training_class}{_suffix(full)}")
