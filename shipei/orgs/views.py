"""Organisation pages: thin views over selectors and services, scoped by shipei.accounts.scope."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shipei.audit.models import AuditEntry
from shipei.core import excel
from shipei.core.access import scope
from shipei.core.errors import DomainError, NotPermitted
from shipei.core.tables import RequestConfig
from shipei.core.text import is_int
from shipei.core.views_util import apply_errors, import_page

from . import imports, selectors, services
from .forms import AliasForm, DesignationForm, OrgFilterForm, OrgForm
from .models import LEAF_KINDS, Designation, Organisation, OrganisationAlias
from .tables import OrgTable


def _org(request: HttpRequest, pk: int) -> Organisation:
    return scope.get_in_scope(
        request.user,
        "org.view",
        Organisation.objects.select_related("region", "parent"),
        via=None,
        pk=pk,
    )


@require_GET
@login_required
def org_list(request: HttpRequest) -> HttpResponse:
    if not scope.has_any(request.user, "org.view"):
        raise NotPermitted()
    form = OrgFilterForm(request.GET or None, facets=selectors.org_facets(user=request.user))
    filters = form.cleaned_data if form.is_valid() else {}
    table = OrgTable(selectors.org_list(user=request.user, filters=filters))
    RequestConfig(request).configure(table)
    return render(
        request,
        "orgs/list.html",
        {
            "form": form,
            "table": table,
            "can_create": scope.has_any(request.user, "org.create"),
            "can_import": scope.has_any(request.user, "org.import"),
            "can_export": scope.has_any(request.user, "org.export"),
            "breadcrumbs": [(_("机构管理"), None)],
        },
    )


@require_GET
@login_required
def org_detail(request: HttpRequest, pk: int) -> HttpResponse:
    org = _org(request, pk)
    user = request.user
    children = (
        org.children.filter(scope.orgs_q(user, "org.view", via=None))
        .select_related("region")
        .annotate(n_people=Count("people"))
        .order_by("name_pinyin")
    )
    history = (
        AuditEntry.objects.filter(
            target_type="orgs.organisation", target_id=str(org.pk)
        ).select_related("actor__person")[:20]
        if scope.allows(user, "audit.view", org)
        else []
    )
    ancestors = [
        o
        for o in Organisation.objects.filter(pk__in=org.ancestor_ids()).order_by("depth")
        if scope.allows(user, "org.view", o) and o.pk != org.pk
    ]
    # The organisation a role is bound to is changed from above (orgs.services.org_update).
    can_change = scope.allows_below(user, "org.change", org)
    return render(
        request,
        "orgs/detail.html",
        {
            "org": org,
            "children": children,
            "aliases": org.aliases.all(),
            "designations": org.designations.all(),
            "people_count": org.people.count(),
            "history": history,
            "can_change": can_change,
            "can_create": scope.allows(user, "org.create", org) and org.kind not in LEAF_KINDS,
            "alias_form": AliasForm(),
            "designation_form": DesignationForm(),
            "breadcrumbs": [(_("机构管理"), reverse("orgs:list"))]
            + [(a.name, a.get_absolute_url()) for a in ancestors]
            + [(org.name, None)],
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def org_create(request: HttpRequest) -> HttpResponse:
    if not scope.has_any(request.user, "org.create"):
        raise NotPermitted()
    parents = selectors.org_parent_choices(user=request.user)
    initial = {}
    if is_int(request.GET.get("parent", "")):
        initial["parent"] = request.GET["parent"]
    form = OrgForm(request.POST or None, parents=parents, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        parent = data.pop("parent")
        try:
            org = services.org_create(actor=request.user, parent=parent, **data)
        except (ValidationError, DomainError) as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已创建“%(name)s”。") % {"name": org.name})
            return redirect(org)
    return render(
        request,
        "orgs/form.html",
        {
            "form": form,
            "title": _("新建机构"),
            "breadcrumbs": [(_("机构管理"), reverse("orgs:list")), (_("新建机构"), None)],
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def org_edit(request: HttpRequest, pk: int) -> HttpResponse:
    org = _org(request, pk)
    scope.require(request.user, "org.change", org)
    parents = selectors.org_parent_choices(user=request.user).exclude(path__startswith=org.path)
    if org.parent_id and not parents.filter(pk=org.parent_id).exists():
        parents = parents | Organisation.objects.filter(pk=org.parent_id)
    form = OrgForm(
        request.POST or None, instance=Organisation.objects.get(pk=org.pk), parents=parents
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        new_parent = data.pop("parent")
        try:
            services.org_update(actor=request.user, org=org, parent=new_parent, **data)
        except (ValidationError, DomainError) as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect(org)
    return render(
        request,
        "orgs/form.html",
        {
            "form": form,
            "title": _("编辑机构"),
            "org": org,
            "breadcrumbs": [
                (_("机构管理"), reverse("orgs:list")),
                (org.name, org.get_absolute_url()),
                (_("编辑"), None),
            ],
        },
    )


@require_POST
@login_required
def org_set_active(request: HttpRequest, pk: int) -> HttpResponse:
    org = _org(request, pk)
    active = request.POST.get("active") == "1"
    try:
        services.org_set_active(actor=request.user, org=org, active=active)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已启用。") if active else _("已停用。"))
    return redirect(org)


@require_POST
@login_required
def org_alias_add(request: HttpRequest, pk: int) -> HttpResponse:
    org = _org(request, pk)
    form = AliasForm(request.POST)
    if form.is_valid():
        try:
            services.org_alias_add(actor=request.user, org=org, name=form.cleaned_data["name"])
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, _("已添加别名。"))
    else:
        messages.error(request, _("请填写别名。"))
    return redirect(org)


@require_POST
@login_required
def org_alias_remove(request: HttpRequest, pk: int, alias_pk: int) -> HttpResponse:
    org = _org(request, pk)
    alias = OrganisationAlias.objects.filter(organisation=org, pk=alias_pk).first()
    if alias is None:
        raise Http404
    services.org_alias_remove(actor=request.user, alias=alias)
    messages.success(request, _("已删除别名。"))
    return redirect(org)


@require_POST
@login_required
def org_designation_add(request: HttpRequest, pk: int) -> HttpResponse:
    org = _org(request, pk)
    form = DesignationForm(request.POST)
    if form.is_valid():
        try:
            services.designation_add(actor=request.user, org=org, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, _("已添加基地认定。"))
    else:
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
    return redirect(org)


@require_POST
@login_required
def org_designation_remove(request: HttpRequest, pk: int, designation_pk: int) -> HttpResponse:
    org = _org(request, pk)
    designation = Designation.objects.filter(organisation=org, pk=designation_pk).first()
    if designation is None:
        raise Http404
    services.designation_remove(actor=request.user, designation=designation)
    messages.success(request, _("已删除基地认定。"))
    return redirect(org)


@require_GET
@login_required
def org_export(request: HttpRequest) -> HttpResponse:
    if not scope.has_any(request.user, "org.export"):
        raise NotPermitted()
    facets = selectors.org_facets(user=request.user, action="org.export")
    form = OrgFilterForm(request.GET or None, facets=facets)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = selectors.org_list(user=request.user, action="org.export", filters=filters).order_by(
        "path"
    )
    headers = [
        _("名称"),
        _("类型"),
        _("办学层次"),
        _("学校标识码"),
        _("统一社会信用代码"),
        _("所在地区"),
        _("上级单位"),
        _("基地认定"),
        _("别名"),
        _("状态"),
    ]
    rows = (
        [
            o.name,
            o.get_kind_display(),
            o.get_school_kind_display(),
            o.school_code,
            o.credit_code,
            o.region.name if o.region_id else "",
            o.parent.name if o.parent_id else "",
            "、".join(str(d) for d in o.designations.all()),
            "、".join(a.name for a in o.aliases.all()),
            _("启用") if o.is_active else _("停用"),
        ]
        for o in qs.prefetch_related("aliases").iterator(chunk_size=1000)
    )
    content = excel.flat_xlsx(headers, rows, title=_("机构"))
    return excel.xlsx_response(content, f"机构名单-{timezone.localdate():%Y%m%d}.xlsx")


@require_GET
@login_required
def org_import_template(request: HttpRequest) -> HttpResponse:
    return excel.xlsx_response(imports.school_template(request.user), "学校导入模板.xlsx")


@require_http_methods(["GET", "POST"])
@login_required
def org_import(request: HttpRequest) -> HttpResponse:
    return import_page(
        request,
        action="org.import",
        parse=imports.parse_schools,
        apply=services.org_import_schools,
        done_message=_(
            "导入完成：新增 %(created)d 所，更新 %(updated)d 所，未变化 %(unchanged)d 所。"
        ),
        success_url=reverse("orgs:list") + "?sort=-updated_at",
        page={
            "title": _("导入学校"),
            "template_url": reverse("orgs:import_template"),
            "template_name": "学校导入模板.xlsx",
            "fill_hint": _("按模板填写，学校标识码等代码列请保持“文本”格式。"),
            "breadcrumbs": [(_("机构管理"), reverse("orgs:list")), (_("导入学校"), None)],
        },
    )


@require_GET
@login_required
def region_list(request: HttpRequest) -> HttpResponse:
    provinces = selectors.region_list().filter(parent__isnull=True).prefetch_related("children")
    return render(
        request,
        "orgs/regions.html",
        {
            "provinces": provinces,
            "breadcrumbs": [(_("行政区划"), None)],
        },
    )
