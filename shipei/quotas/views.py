"""The quota matrix: items × receivers, with totals, edit in place, apportionment and history."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from shipei.accounts import scope
from shipei.core.errors import DomainError, NotPermitted
from shipei.programmes.models import Programme
from shipei.programmes.selectors import notice_table, programme_list

from . import selectors, services
from .apportion import METHODS
from .errors import QuotaBatchRefused
from .forms import AddReceiverForm, ApportionForm, MatrixForm
from .receivers import SCOPE_NOUNS, Fit, item_scopes, scope_receivers
from .selectors import Matrix, Receiver
from .weights import WeightsRefused, apportion_preview, pasted_weights, sources


def _programme(request: HttpRequest, pk: int) -> Programme:
    programme = programme_list(user=request.user).filter(pk=pk).first()
    if programme is None:
        raise Http404
    if not scope.has_any(request.user, "quota.view"):
        raise NotPermitted()
    return programme


def _at(request: HttpRequest, programme: Programme) -> Receiver | None:
    """The level the page shows: the programme's own table (None) for the admins of its owner,
    else a region or organisation the user reaches; out of reach reads as not found."""
    owner = scope.allows_programme(request.user, "quota.view", programme)
    key = request.GET.get("at")
    if key is None:
        return None if owner else selectors.default_at(request.user)
    if key == "":
        if not owner:
            raise Http404
        return None
    at = selectors.receiver_from_key(key)
    if at is None or not scope.allows_receiver(
        request.user, "quota.view", region=at.region, org=at.org
    ):
        raise Http404
    return at


def _may_edit(user: Any, programme: Programme, at: Receiver | None, matrix: Matrix) -> bool:
    if at is None:
        return scope.allows_programme(user, "quota.allocate", programme)
    # A level splits only the seats it was given: with none, there is nothing to edit.
    return bool(matrix.parents) and scope.allows_receiver(
        user, "quota.allocate", region=at.region, org=at.org
    )


def _grid(matrix: Matrix, form: MatrixForm | None, receivers: list[Receiver]) -> dict[str, Any]:
    """Rows and columns in the table's orientation, each cell with its value and its input,
    and the totals a reader expects: each row's, each column's, and at a level the split of
    the level's own seats (allocated below, kept, of those held, free)."""

    def cell(code: str, key: str) -> dict[str, Any]:
        name = f"c:{code}:{key}"
        return {
            "seats": matrix.seats(code, key),
            "quota": matrix.cells.get((code, key)),
            "field": form[name] if form is not None and name in form.fields else None,
        }

    items = [{"key": c, "label": label, "total": matrix.item_total(c)} for c, label in matrix.items]
    recv = [
        {"key": r.key, "label": r.label, "total": matrix.receiver_total(r.key)} for r in receivers
    ]
    if matrix.items_across:
        return {
            "columns": items,
            "rows": [{**r, "cells": [cell(i["key"], r["key"]) for i in items]} for r in recv],
            "total": matrix.total,
        }
    rows = []
    for i in items:
        parent = matrix.parents.get(i["key"])
        own = None
        if parent is not None:
            own = {
                "seats": parent.seats,
                "split": parent.seats_split,
                "kept": parent.seats - parent.seats_split,
                "held": parent.seats_held,
                "free": parent.seats_free,
            }
        rows.append({**i, "cells": [cell(i["key"], r["key"]) for r in recv], "own": own})
    owns = [r["own"] for r in rows if r["own"]]
    own_total = {k: sum(o[k] for o in owns) for k in ("seats", "split", "kept", "held", "free")}
    return {"columns": recv, "rows": rows, "total": matrix.total, "own_total": own_total}


def _trail(programme: Programme, at: Receiver | None) -> list[tuple[str, str | None]]:
    base = reverse("quotas:matrix", args=[programme.pk])
    crumbs: list[tuple[str, str | None]] = [
        (_("培训计划"), reverse("programmes:list")),
        (programme.title, programme.get_absolute_url()),
        (_("名额分配"), f"{base}?at=" if at else None),
    ]
    if at is not None:
        crumbs.append((at.label, None))
    return crumbs


def _choices(user: Any, programme: Programme, at: Receiver | None, matrix: Matrix) -> list:
    """Receivers a column may be added for: at the programme's own table, those its items'
    quota scopes name; at a level, those below it."""
    if at is not None:
        return selectors.child_receivers(user=user, programme=programme, at=at)
    scopes = {item_scopes(programme).get(code, "none") for code, _label in matrix.items}
    return scope_receivers(user=user, programme=programme, scopes=scopes - {"none"})


def _add_all(addable: list[Receiver], programme: Programme, at: Receiver | None) -> dict | None:
    """The button that adds every column offered at once: at a level, its regions below; at
    the programme's own table, every receiver of its items' scopes ("添加全部 11 个设区市")."""
    if at is not None:
        regions = [r for r in addable if r.region is not None]
        if not regions:
            return None
        return {"value": "regions", "label": _("添加全部 %(n)s 个下级地区") % {"n": len(regions)}}
    if not addable:
        return None
    scopes = set(item_scopes(programme).values()) - {"none"}
    noun = SCOPE_NOUNS.get(next(iter(scopes))) if len(scopes) == 1 else _("接收地区或单位")
    return {
        "value": "1",
        "label": _("添加全部 %(n)s 个%(noun)s") % {"n": len(addable), "noun": noun},
    }


@require_http_methods(["GET", "POST"])
@login_required
def quota_matrix(request: HttpRequest, programme_pk: int) -> HttpResponse:
    programme = _programme(request, programme_pk)
    at = _at(request, programme)
    matrix = selectors.quota_matrix(user=request.user, programme=programme, at=at)
    may_edit = _may_edit(request.user, programme, at, matrix)
    action = request.POST.get("action") if request.method == "POST" else None
    if request.method == "POST" and not may_edit:
        raise NotPermitted()
    # Only a save binds the cells: after any other post (a preview) they show the saved seats,
    # so that a save below a preview never writes blanks.
    editing = may_edit and (request.GET.get("edit") == "1" or action == "save")
    choices = _choices(request.user, programme, at, matrix) if may_edit else []
    shown = {r.key for r in matrix.receivers}
    # Columns added so far ("add"), those just chosen in the add form ("receiver"), every
    # region below ("all=regions") or every receiver offered ("all=1").
    wanted = {*request.GET.getlist("add"), *request.GET.getlist("receiver")}
    wanted |= set(request.POST.getlist("add"))
    if request.GET.get("all") == "regions":
        wanted |= {r.key for r in choices if r.region is not None}
    elif request.GET.get("all") == "1":
        wanted |= {r.key for r in choices}
    extra = [r for r in choices if r.key in wanted and r.key not in shown]
    receivers = [*matrix.receivers, *extra]
    fit = Fit(programme, receivers) if at is None else None
    form = (
        MatrixForm(
            request.POST if action == "save" else None,
            matrix=matrix,
            extra_receivers=extra,
            fits=fit,
        )
        if editing
        else None
    )
    preview = None
    apportion_form = None
    if may_edit and matrix.items:
        apportion_form = ApportionForm(
            request.POST if action in ("preview", "apportion") else None,
            items=matrix.items,
            receivers=choices or receivers,
            sources=sources(),
            bases=_bases(request.user, programme),
            prefix="ap",
        )
    if action == "save" and form is not None and form.is_valid():
        by_key = {r.key: r for r in receivers}
        changes = []
        for code, key, seats in form.changes():
            r = by_key[key]
            changes.append((code, r.region, r.org, seats, f"c:{code}:{key}"))
        if _apply(request, programme, changes, form.cleaned_data["reason"], form):
            return redirect(_here(programme, at))
    elif action in ("preview", "apportion") and apportion_form.is_valid():
        preview = _preview(request.user, apportion_form, choices or receivers, matrix, fit)
        if preview is not None and action == "apportion" and _confirmed(apportion_form, preview):
            reason = _("按%(method)s分配 %(n)s 个名额（%(source)s）") % {
                "method": METHODS[preview.method],
                "n": preview.seats,
                "source": preview.source.label,
            }
            if _apply(request, programme, preview.changes(), reason, apportion_form):
                return redirect(_here(programme, at))
    table = notice_table(programme) if at is None else None
    addable = [r for r in choices if r.key not in shown and r.key not in wanted]
    return render(
        request,
        "quotas/matrix.html",
        {
            "programme": programme,
            "at": at,
            "outside": at is not None
            and not scope.in_area(programme.owner, region=at.region, org=at.org),
            "matrix": matrix,
            "grid": _grid(matrix, form, receivers),
            "form": form,
            "may_edit": may_edit,
            "can_import": scope.allows_programme(request.user, "quota.allocate", programme),
            "add_form": AddReceiverForm(
                receivers=[r for r in choices if r.key not in wanted | shown]
            )
            if editing
            else None,
            "add_all": _add_all(addable, programme, at),
            "added": [r.key for r in extra],
            "apportion_form": apportion_form,
            "preview": preview,
            "contradictions": _contradictions(matrix, table),
            "printed": table is not None,
            "changes": selectors.recent_changes(user=request.user, programme=programme, at=at),
            "item_labels": {i.code: i.label for i in programme.rules.items},
            "can_drill": at is None or at.region is not None,
            "breadcrumbs": _trail(programme, at),
        },
    )


def _here(programme: Programme, at: Receiver | None) -> str:
    return f"{reverse('quotas:matrix', args=[programme.pk])}?at={at.key if at else ''}"


def _apply(request: HttpRequest, programme: Programme, changes: list, reason: str, form) -> bool:
    if not changes:
        messages.info(request, _("名额没有变化。"))
        return True
    try:
        n = services.quota_set_many(
            actor=request.user, programme=programme, changes=changes, reason=reason
        )
    except QuotaBatchRefused as exc:
        form.add_error(None, exc.message)
        for key, message in exc.problems.items():
            if key in form.fields:
                form.add_error(key, message)
            else:
                form.add_error(None, message)
        return False
    except (DomainError, NotPermitted) as exc:
        form.add_error(None, exc.message)
        return False
    messages.success(request, _("已保存 %(n)s 处名额调整。") % {"n": n})
    return True


def _bases(user: Any, programme: Programme) -> list[tuple[str, list[tuple[str, str]]]]:
    """What enrollments may be counted: each programme the user sees (this one first), as a
    whole or one of its items."""
    visible = [programme, *programme_list(user=user).exclude(pk=programme.pk).order_by("-year")]
    out = []
    for p in visible:
        options = [(f"{p.pk}:", _("全部培训项目"))]
        options += [(f"{p.pk}:{i.code}", i.label) for i in p.rules.leaves()]
        out.append((p.title, options))
    return out


def _preview(
    user: Any, form: ApportionForm, offered: list[Receiver], matrix: Matrix, fit: Fit | None
) -> Any:
    """The share asked for, or None with the form's error saying why it cannot be made."""
    data = form.cleaned_data
    source = form.sources[data["source"]]
    item = data["item"]
    try:
        if source.count is None:
            chosen, weights = pasted_weights(data["pasted"], offered)
        else:
            by_key = {r.key: r for r in offered}
            chosen = [by_key[k] for k in data["receivers"] if k in by_key]
            basis, basis_item = None, None
            if source.per_programme:
                pk, _sep, basis_item = data["basis"].partition(":")
                basis = programme_list(user=user).filter(pk=int(pk)).first()
            weights = source.count(chosen, basis, basis_item or None)
        if fit is not None:
            outside = [
                r.label for r in chosen if not fit(item, r) and (item, r.key) not in matrix.cells
            ]
            if outside:
                raise WeightsRefused(
                    [
                        _("%(who)s不在本项目的分配范围（%(scope)s）内。")
                        % {"who": "、".join(outside), "scope": fit.explain(item)}
                    ]
                )
        return apportion_preview(
            matrix=matrix,
            item=item,
            seats=data["seats"],
            method=data["method"],
            source=source,
            receivers=chosen,
            weights=weights,
        )
    except WeightsRefused as exc:
        for problem in exc.problems:
            form.add_error(None, problem)
        return None


def _confirmed(form: ApportionForm, preview: Any) -> bool:
    """Whether the save carries the seats of the preview just computed; if the counts changed
    since the admin looked, the new preview is shown instead of saving."""
    if preview.short:
        return False  # the preview says why
    if form.cleaned_data.get("expect") == preview.key:
        return True
    form.add_error(
        None,
        _("预览后数据已有变化，以下为最新预览，请核对后再保存。")
        if form.cleaned_data.get("expect")
        else _("请先预览，核对后再保存。"),
    )
    return False


def _contradictions(matrix: Matrix, table: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The notice's own contradictions, each with today's sum: resolved once an admin's
    audited edit makes the cells agree with the printed total (or the other way round)."""
    if not table or not table["contradictions"]:
        return []
    out = []
    for c in table["contradictions"]:
        now = None
        if c.get("kind") == "row" and c.get("row") and c["row"] <= len(matrix.items):
            now = matrix.item_total(matrix.items[c["row"] - 1][0])
        elif c.get("column"):
            key = next((r.key for r in matrix.receivers if r.label == c["column"]), None)
            if key:
                now = sum(
                    q.seats for (_i, k), q in matrix.cells.items() if k == key and not q.on_demand
                )
        elif c.get("kind") == "grand":
            now = matrix.total
        out.append({**c, "now": now, "resolved": now == c["printed_total"]})
    return out
