"""Programme pages: list, detail, create, identity edit, one edit page per policy section, clone.

Pages fetch with "programme.view" (out of scope: 404); the services check "programme.manage"
over the programme's owner (in scope but not the issuer's admin: 403).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from shipei.accounts import scope
from shipei.core.errors import DomainError, NotFound, NotPermitted
from shipei.core.views_util import apply_errors
from shipei.orgs.models import Organisation

from . import chains, milestones, selectors, services
from .calendar import calendar_warnings, first_date
from .errors import PolicyInvalid, UnknownSection
from .forms import (
    CREATE_PLACES,
    CloneForm,
    ProgrammeCreateForm,
    ProgrammeForm,
    SectionEditor,
    item_conditions,
    item_facts,
    item_overrides,
    section_display,
)
from .in_force import in_force
from .models import Programme


def _programme(request: HttpRequest, pk: int) -> Programme:
    programme = (
        selectors.programme_list(user=request.user).select_related("owner").filter(pk=pk).first()
    )
    if programme is None:
        raise NotFound()
    return programme


def _managed(request: HttpRequest, pk: int) -> Programme:
    """A programme the user may change: out of view scope 404, not its issuer's admin 403."""
    programme = _programme(request, pk)
    services.require_manage(request.user, programme)
    return programme


def _crumbs(programme: Programme, label: str) -> list[tuple[str, str | None]]:
    return [
        (_("培训计划"), reverse("programmes:list")),
        (programme.title, programme.get_absolute_url()),
        (label, None),
    ]


@require_GET
@login_required
def programme_list(request: HttpRequest) -> HttpResponse:
    if not scope.has_any(request.user, "programme.view"):
        raise NotPermitted()
    return render(
        request,
        "programmes/list.html",
        {
            "programmes": selectors.programme_list(user=request.user),
            "can_create": scope.has_any(request.user, "programme.manage"),
            "breadcrumbs": [(_("培训计划"), None)],
        },
    )


@require_GET
@login_required
def programme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _programme(request, pk)
    rules = programme.rules
    can_manage = scope.allows_programme(request.user, "programme.manage", programme)
    sections = [
        {
            "name": name,
            "label": label,
            **section_display(rules, name, year=programme.year, code=programme.code),
        }
        for name, label in services.SECTIONS.items()
    ]
    return render(
        request,
        "programmes/detail.html",
        {
            "programme": programme,
            "rules": rules,
            "items": [
                {
                    "label": i.label,
                    "child": bool(i.parent),
                    "facts": item_facts(rules, i),
                    "conditions": item_conditions(rules, i),
                    "overrides": item_overrides(rules, i),
                }
                for i in rules.items
            ],
            "quota_scope_in_force": in_force("quota.scope"),
            "warnings": calendar_warnings(rules) if can_manage else [],
            # A chain that cannot run is everyone's concern; missing accounts the manager's.
            "chain_problems": chains.unrunnable(rules),
            "milestones": milestones.standings(programme),
            "unstaffed": chains.unstaffed(programme) if can_manage else [],
            "sections": sections,
            # Sections the notice sets nothing in: one line of links instead of empty cards.
            "unset_sections": [s for s in sections if s["unset"] and s["name"] != "items"],
            "can_manage": can_manage,
            # Only what the user may do on this programme: another province's own programme
            # offers it neither its quotas nor its lists.
            "can_see_lists": scope.reaches_area(request.user, "enrollment.view", programme.owner),
            "can_see_quotas": scope.reaches_area(request.user, "quota.view", programme.owner)
            and (
                any(
                    programme.rules.quota_scope_for(i.code) != "none" for i in programme.rules.items
                )
                or programme.quota_set.exists()
            ),
            "table": selectors.notice_table(programme),
            "breadcrumbs": [
                (_("培训计划"), reverse("programmes:list")),
                (programme.title, None),
            ],
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def programme_create(request: HttpRequest) -> HttpResponse:
    if not scope.has_any(request.user, "programme.manage"):
        raise NotPermitted()
    form = ProgrammeCreateForm(
        request.POST or None, request.FILES or None, owners=selectors.owner_choices(request.user)
    )
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in ProgrammeForm.Meta.fields}
        try:
            programme = services.programme_create(actor=request.user, policy=form.policy(), **data)
        except PolicyInvalid as exc:
            for loc, why in exc.problems:
                place = CREATE_PLACES.get(".".join(loc))
                form.add_error(place, why if place else f"{'.'.join(loc)}：{why}")
        except (ValidationError, DomainError) as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("已创建“%(title)s”，请逐项完善政策配置。") % {"title": programme.title},
            )
            return redirect(programme)
    return render(
        request,
        "programmes/form.html",
        {
            "form": form,
            "title": _("新建培训计划"),
            "cancel_url": reverse("programmes:list"),
            "breadcrumbs": [
                (_("培训计划"), reverse("programmes:list")),
                (_("新建培训计划"), None),
            ],
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def programme_edit(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _managed(request, pk)
    owners = selectors.owner_choices(request.user)
    if programme.owner_id and not owners.filter(pk=programme.owner_id).exists():
        owners = owners | Organisation.objects.filter(pk=programme.owner_id)
    form = ProgrammeForm(
        request.POST or None,
        request.FILES or None,
        instance=Programme.objects.get(pk=programme.pk),
        owners=owners,
    )
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in ProgrammeForm.Meta.fields}
        if data["owner"] is None and programme.owner_id is None:
            data.pop("owner")
        try:
            services.programme_update(actor=request.user, programme=programme, **data)
        except (ValidationError, DomainError) as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect(programme)
    return render(
        request,
        "programmes/form.html",
        {
            "form": form,
            "title": _("编辑通知信息"),
            "programme": programme,
            "cancel_url": programme.get_absolute_url(),
            "breadcrumbs": _crumbs(programme, _("编辑通知信息")),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def programme_edit_section(request: HttpRequest, pk: int, section: str) -> HttpResponse:
    programme = _programme(request, pk)
    if section not in services.SECTIONS:
        raise NotFound(UnknownSection(section=section[:40], known="").message)
    services.require_manage(request.user, programme)
    add_row = request.POST.get("add_row", "") if request.method == "POST" else ""
    editor = SectionEditor(
        section,
        programme.rules,
        data=request.POST if request.method == "POST" else None,
        add_row=add_row,
        tables=selectors.printed_table_choices(programme) if section == "quota" else (),
    )
    if request.method == "POST" and not add_row:
        if editor.is_valid():
            try:
                services.programme_update_section(
                    actor=request.user,
                    programme=programme,
                    section=section,
                    data=editor.data(),
                    reason=request.POST.get("reason", ""),
                )
            except PolicyInvalid as exc:
                editor.add_problems(exc.problems)
            except (ValidationError, DomainError) as exc:
                reason = exc.message if isinstance(exc, DomainError) else "；".join(exc.messages)
                editor.problems.append(reason)
            else:
                messages.success(request, _("已保存“%(section)s”。") % {"section": editor.label})
                return redirect(programme)
        else:
            editor.problems.append(_("请按标出的提示修改后再保存。"))
    label = _("编辑：%(section)s") % {"section": editor.label}
    return render(
        request,
        "programmes/section_form.html",
        {
            "editor": editor,
            "programme": programme,
            # The programme's window is the registration of items without one of their own.
            "warnings": calendar_warnings(programme.rules) if section == "enrollment" else [],
            "title": label,
            "breadcrumbs": _crumbs(programme, label),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def programme_clone(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _managed(request, pk)
    next_year = (programme.year or 2000) + 1
    initial = {"year": next_year}
    if programme.year:
        initial["code"] = programme.code.replace(str(programme.year), str(next_year))
        if initial["code"] == programme.code:
            initial["code"] = f"{programme.code}-{next_year}"
    form = CloneForm(
        request.POST or None,
        initial=initial,
        first_date=first_date(programme.rules),
        has_quotas=programme.quota_set.exists(),
    )
    if request.method == "POST" and form.is_valid():
        kwargs = form.clone_kwargs()
        try:
            clone = services.programme_clone(actor=request.user, programme=programme, **kwargs)
        except PolicyInvalid as exc:
            form.add_error(None, exc.messages)
        except (ValidationError, DomainError) as exc:
            apply_errors(form, exc)
        else:
            if "days" in kwargs and kwargs["days"] >= 0:
                moved = _("日程整体推后 %(days)d 天") % {"days": kwargs["days"]}
            elif "days" in kwargs:
                moved = _("日程整体提前 %(days)d 天") % {"days": -kwargs["days"]}
            else:
                moved = _("日期已顺延到 %(year)d 年度") % {"year": clone.year}
            if "copy_quotas" in kwargs:
                copied = _("已复制 %(n)d 个名额（按原数的 %(p)d%%），申报项目未复制") % {
                    "n": clone.quota_set.count(),
                    "p": kwargs["copy_quotas"],
                }
            else:
                copied = _("名额和申报项目未复制")
            messages.success(
                request,
                _("已复制为“%(title)s”，%(moved)s；%(copied)s。")
                % {"title": clone.title, "moved": moved, "copied": copied},
            )
            return redirect(clone)
    return render(
        request,
        "programmes/form.html",
        {
            "form": form,
            "title": _("复制为新年度"),
            "programme": programme,
            "intro": _(
                "复制通知信息和全部政策配置，日程中的全部日期一起平移，先后顺序不变；"
                "文号、发文日期、通知附表不复制，申报项目也不复制；名额可选择一并复制。"
            ),
            "cancel_url": programme.get_absolute_url(),
            "breadcrumbs": _crumbs(programme, _("复制为新年度")),
        },
    )


@require_GET
@login_required
def programme_notice_file(request: HttpRequest, pk: int) -> HttpResponse:
    """The attached notice, only for those who may see the programme (uploads are not public)."""
    programme = _programme(request, pk)
    if not programme.notice_file:
        raise NotFound()
    return FileResponse(
        programme.notice_file.open("rb"),
        as_attachment=True,
        filename=programme.notice_file.name.rsplit("/", 1)[-1],
    )
