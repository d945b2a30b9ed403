"""Attendance pages: the classes in scope, one class (its sessions, who is near the absence
limit, exports, import), the phone grid for one session, the room's screen with its rotating
code, and the trainee's check-in. Thin views over selectors and services."""

import functools
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from shipei.core import excel
from shipei.core.errors import DomainError, NotFound, NotPermitted
from shipei.core.views_util import import_page
from shipei.schedule.models import Session

from . import exports, imports, qr, selectors, services
from .models import CYCLE, AttendanceRecord

S = AttendanceRecord.Status


def _crumbs(*more: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [(_("考勤管理"), reverse("attendance:classes")), *more]


@require_GET
@login_required
def class_list(request: HttpRequest) -> HttpResponse:
    classes = list(selectors.class_list(user=request.user)[:200])
    return render(
        request,
        "attendance/classes.html",
        {"classes": classes, "breadcrumbs": [(_("考勤管理"), None)]},
    )


@require_GET
@login_required
def class_detail(request: HttpRequest, pk: int) -> HttpResponse:
    cls = selectors.class_get(user=request.user, pk=pk)
    now = timezone.now()
    standings = selectors.standings(cls, now)
    sheet = selectors.sheet(cls)
    recorded = [
        sum(1 for _e, records in sheet.rows if records[i]) for i in range(len(sheet.sessions))
    ]
    runs = selectors.runs_class(request.user, cls)
    return render(
        request,
        "attendance/class.html",
        {
            "cls": cls,
            "running": selectors.is_running(cls),
            "state": selectors.state_label(cls),
            "runs": runs,
            "sessions": [
                {
                    "session": s,
                    "held": selectors.held(s, now),
                    "check_in_open": _check_in_open(s, now),
                    "recorded": recorded[i],
                    "may_take": runs or selectors.teaches(request.user, s),
                }
                for i, s in enumerate(sheet.sessions)
            ],
            "roster_size": len(sheet.rows),
            "watch": [s for s in standings if s.barred or s.at_risk],
            "standings": standings,
            "limit": standings[0].limit if standings else None,
            "breadcrumbs": _crumbs((str(cls), None)),
        },
    )


def _check_in_open(session: Any, now: Any) -> bool:
    return session.starts_at - services.CHECK_IN_OPENS_BEFORE <= now <= session.ends_at


def session_actions(user: Any, session: Any) -> list[tuple[str, str]]:
    """What the class's attendance page offers on a session the user may take attendance of,
    while the class runs: the roll call once it began, the check-in code while it is open."""
    if not (
        session.holds_people
        and selectors.is_running(session.training_class)
        and selectors.may_take(user, session)
    ):
        return []
    now = timezone.now()
    actions = []
    if selectors.held(session, now):
        actions.append((_("点名"), reverse("attendance:grid", args=[session.pk])))
    if _check_in_open(session, now):
        actions.append((_("签到码"), reverse("attendance:screen", args=[session.pk])))
    return actions


def class_panel(request: HttpRequest, cls: Any) -> SafeString | str:
    """The class page's attendance section (whoever sees the page sees the class's
    attendance): who is barred, or one absence from it."""
    if not selectors.sessions(cls).exists():
        return ""
    standings = selectors.standings(cls)
    return render_to_string(
        "attendance/_panel.html",
        {
            "cls": cls,
            "watch": [s for s in standings if s.barred or s.at_risk],
            "limit": standings[0].limit if standings else None,
        },
        request=request,
    )


@require_http_methods(["GET", "POST"])
@login_required
def grid(request: HttpRequest, pk: int) -> HttpResponse:
    """The phone grid: every trainee one button that a tap moves to the next status, the
    whole class saved with one submit."""
    session = selectors.session_get(user=request.user, pk=pk)
    if not selectors.may_take(request.user, session):
        raise NotPermitted()
    cls = session.training_class
    roster = list(selectors.roster(cls))
    existing = selectors.session_records(session)
    marks = {e.pk: (existing[e.pk].status if e.pk in existing else S.PRESENT) for e in roster}
    error = ""
    if request.method == "POST":
        marks = {
            int(key[2:]): value
            for key, value in request.POST.items()
            if key.startswith("e_") and key[2:].isdigit()
        }
        try:
            counts = services.attendance_mark(actor=request.user, session=session, marks=marks)
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(
                request,
                _("已保存 %(n)d 名学员的考勤（新记录 %(c)d 条，修改 %(u)d 条）。")
                % {"n": len(marks), "c": counts["created"], "u": counts["changed"]},
            )
            return redirect("attendance:class", cls.pk)
    labels = dict(S.choices)
    rows = [
        {
            "enrollment": e,
            "status": marks.get(e.pk, S.PRESENT),
            "label": labels.get(marks.get(e.pk, S.PRESENT), marks.get(e.pk)),
            "recorded": existing.get(e.pk),
        }
        for e in roster
    ]
    return render(
        request,
        "attendance/grid.html",
        {
            "session": session,
            "cls": cls,
            "rows": rows,
            "cycle": [(s.value, s.label) for s in CYCLE],
            "error": error,
            "held": selectors.held(session),
            "breadcrumbs": _crumbs(
                (str(cls), reverse("attendance:class", args=[cls.pk])), (_("点名"), None)
            ),
        },
        status=200,
    )


def _screen_context(request: HttpRequest, session: Any) -> dict[str, Any]:
    now = timezone.now()
    code = qr.code_for(session.pk, now)
    url = request.build_absolute_uri(
        reverse("attendance:check_in", args=[session.pk, code.slot, code.sig])
    )
    return {
        "session": session,
        "svg": SafeString(qr.svg(url)),
        "seconds_left": code.seconds_left(now),
        "checked_in": AttendanceRecord.objects.filter(
            session=session, status__in=(S.PRESENT, S.LATE)
        ).count(),
        "roster_size": selectors.roster(session.training_class).count(),
        "url": url,
    }


@require_GET
@login_required
def screen(request: HttpRequest, pk: int) -> HttpResponse:
    """The room's screen: the code (a new one every 30 s, fetched by htmx) and the count so
    far. Only the class's staff open it: a trainee with the page could check in from home."""
    session = selectors.session_get(user=request.user, pk=pk)
    if not selectors.may_take(request.user, session):
        raise NotPermitted()
    context = _screen_context(request, session)
    if request.htmx:
        return render(request, "attendance/_code.html", context)
    cls = session.training_class
    context["breadcrumbs"] = _crumbs(
        (str(cls), reverse("attendance:class", args=[cls.pk])), (_("签到码"), None)
    )
    return render(request, "attendance/screen.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def check_in(request: HttpRequest, pk: int, slot: int, sig: str) -> HttpResponse:
    """What the trainee's phone opens from the code: the session and one button; the code is
    checked on opening (an old photo says so at once) and again on the tap."""
    error, done = "", None
    try:
        qr.verify(pk, slot, sig, timezone.now())
        if request.method == "POST":
            done = services.attendance_check_in(
                actor=request.user, session_id=pk, slot=slot, sig=sig
            )
    except DomainError as exc:
        error = exc.message
    session = None if error else Session.objects.filter(pk=pk).first()
    standing = None
    if done is not None:
        standing = selectors.standing(done.record.enrollment)
    return render(
        request,
        "attendance/check_in.html",
        {"session": session, "error": error, "done": done, "standing": standing},
    )


@require_GET
@login_required
def export(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """The sheet (trainees × sessions; the import reads it back) or the hours per trainee."""
    if kind not in ("sheet", "hours"):
        raise NotFound()
    cls = selectors.class_get(user=request.user, pk=pk)
    if kind == "sheet":
        return excel.xlsx_response(exports.attendance_sheet(cls), f"考勤表-{cls}.xlsx")
    return excel.xlsx_response(exports.hours_per_trainee(cls), f"学时统计-{cls}.xlsx")


@require_http_methods(["GET", "POST"])
@login_required
def import_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    cls = selectors.class_get(user=request.user, pk=pk)
    if not selectors.runs_class(request.user, cls):
        raise NotPermitted()
    url = reverse("attendance:class", args=[cls.pk])
    return import_page(
        request,
        action=selectors.RUN,
        parse=functools.partial(imports.parse_sheet, training_class=cls),
        apply=functools.partial(services.attendance_import, training_class=cls),
        done_message=_(
            "考勤已导入：新记录 %(created)d 条，修改 %(changed)d 条，未变 %(unchanged)d 条。"
        ),
        success_url=url,
        page={
            "title": _("导入考勤：%(cls)s") % {"cls": cls},
            "template_url": reverse("attendance:export", args=[cls.pk, "sheet"]),
            "template_name": _("本班考勤表（.xlsx）"),
            "fill_hint": _(
                "在每位学员每个课次的格子里填写出勤、迟到、请假或缺勤；留空的格子不改动。"
                "请勿修改“学员编号”“姓名”和课次列的表头。"
            ),
            "breadcrumbs": _crumbs((str(cls), url), (_("导入考勤"), None)),
        },
    )
