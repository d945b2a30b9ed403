"""Quota table download and upload in the notice's layout (exports.py, imports.py)."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from shipei.accounts import scope
from shipei.core import excel
from shipei.core.errors import NotFound
from shipei.core.views_util import import_page
from shipei.programmes.models import Programme
from shipei.programmes.selectors import programme_list

from . import exports, imports, selectors


def _programme(user: Any, pk: int) -> Programme:
    """The programme, if the user may see its quota table as a whole or any quota of it;
    otherwise 404, the same as a programme that does not exist (STYLE.md §3)."""
    programme = programme_list(user=user).filter(pk=pk).first()
    if programme is None or not (
        scope.allows_programme(user, "quota.view", programme)
        or selectors.quota_list(user=user, programme=programme).exists()
    ):
        raise NotFound()
    return programme


@require_GET
@login_required
def quota_export(request: HttpRequest, programme_pk: int) -> HttpResponse:
    """?format=xlsx (the notice's layout) or csv (item,region,quota). Whoever views the
    programme's quotas as a whole gets the whole table; anyone else the regions it reaches."""
    programme = _programme(request.user, programme_pk)
    fmt = request.GET.get("format", "xlsx")
    if fmt == "csv":
        response = HttpResponse(
            exports.quota_csv(programme, user=request.user), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = content_disposition_header(
            True, f"名额表-{programme.code}.csv"
        )
        return response
    if fmt != "xlsx":
        raise Http404
    content = exports.quota_xlsx(programme, user=request.user)
    return excel.xlsx_response(content, f"名额表-{programme.code}.xlsx")


@require_http_methods(["GET", "POST"])
@login_required
def quota_import(request: HttpRequest, programme_pk: int) -> HttpResponse:
    """Upload a quota table; the cells of a notice's table are the programme owner's to set,
    so the page is for those `quota_set` allows (403 for anyone else who can see it)."""
    programme = _programme(request.user, programme_pk)
    scope.require_programme(request.user, "quota.allocate", programme)

    def parse(*, user: Any, upload: Any) -> tuple[Any, Any, list[Any]]:
        return imports.parse_quota_table(programme=programme, upload=upload)

    def apply(*, actor: Any, rows: imports.QuotaUpload, filename: str) -> dict[str, int]:
        counts = imports.quota_table_import(
            actor=actor, programme=programme, upload=rows, filename=filename
        )
        for warning in rows.warnings:
            messages.warning(request, warning)
        return counts

    matrix = reverse("quotas:matrix", args=[programme.pk])
    return import_page(
        request,
        action="quota.allocate",
        parse=parse,
        apply=apply,
        done_message=_(
            "导入完成：共 %(cells)d 个名额单元格，调整 %(changed)d 个，未变化 %(unchanged)d 个。"
        ),
        success_url=matrix,
        page={
            "title": _("导入名额表"),
            "template_url": reverse("quotas:export", args=[programme.pk]) + "?format=xlsx",
            "template_name": _("当前名额表（按通知版式）.xlsx"),
            "fill_hint": _(
                "在下载的名额表中修改各地区的名额后上传，可为 .xlsx、.xls 或 .csv；"
                "地区可写全称或简称（北京、新疆兵团），空白单元格即 0 个名额，合计行和小计列不导入"
                "（按需报名的项目名额填在小计列）。"
            ),
            "breadcrumbs": [
                (_("培训计划"), reverse("programmes:list")),
                (programme.title, programme.get_absolute_url()),
                (_("名额分配"), matrix),
                (_("导入名额表"), None),
            ],
        },
    )
