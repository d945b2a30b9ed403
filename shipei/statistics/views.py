"""The statistics dashboard: one page per scope (the country, an area, a city, an organisation),
each chart with its table and an .xlsx export of that table."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from shipei.core.errors import DomainError
from shipei.core.excel import flat_xlsx, xlsx_response

from . import selectors
from .errors import OutOfScope


@require_GET
@login_required
def dashboard_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    context: dict = {"breadcrumbs": [(_("统计分析"), None)]}
    try:
        where = selectors.scope_for(user, request.GET.get("org"))
    except OutOfScope as exc:
        context["error"] = exc.message
        return render(request, "statistics/dashboard.html", context, status=404)
    try:
        year = selectors.parse_year(request.GET.get("year"))
    except DomainError as exc:
        context["error"] = exc.message
        return render(request, "statistics/dashboard.html", context, status=400)
    export = request.GET.get("export")
    data = selectors.dashboard(user, where, year, limit=None if export else selectors.PAGE_ROWS)
    if export:
        table = selectors.table_of(data, export)
        if table is None:
            context["error"] = _("没有名为“%(key)s”的统计表。") % {"key": export}
            return render(request, "statistics/dashboard.html", context, status=404)
        content = flat_xlsx([table.first, *table.headers], table.export_rows, title=table.title)
        name = f"{where.org.name}{year}年{table.title}.xlsx"
        return xlsx_response(content, name)
    context.update(data)
    context["years"] = range(selectors.FIRST_YEAR + 20, selectors.parse_year(None) + 2)
    return render(request, "statistics/dashboard.html", context)
