"""Enrollment pages for the three channels and the approval chain.

- Teachers (self-registration, 000/004): 我的报名 (报名 itself is in views_teacher.py).
- School coordinators (nomination 001/003, coordinator enrollment into a class 002): pick the
  programme and item or class, tick teachers of the school, submit; the school's list.
- Approvers (city, province, base, ministry as the policy's chain says): 待我审核 with batch
  decisions, and each enrollment's page with its history and the decision forms.

Thin views over ``selectors`` and ``services``; every page is scoped by shipei.accounts.scope.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shipei.accounts import scope
from shipei.accounts import selectors as people
from shipei.accounts.models import Person, Role
from shipei.classes.models import TrainingClass
from shipei.core.errors import DomainError, NotFound, NotPermitted
from shipei.core.tables import RequestConfig
from shipei.core.text import clean_name, is_int
from shipei.orgs.models import Organisation
from shipei.programmes.models import Programme
from shipei.projects.models import LISTED

from . import approvals, navigation, selectors, services, terms
from .forms import (
    BatchDecideForm,
    EnrollmentFilterForm,
    NominateForm,
    new_key,
)
from .lifecycle import WITHDRAWABLE
from .models import Enrollment
from .tables import (
    AwaitingTable,
    EnrollmentTable,
    TeacherPickTable,
    step_deadline,
    window_info,
)

Channel = Enrollment.Channel


# --- helpers ---------------------------------------------------------------------------------


def _person(request: HttpRequest) -> Person:
    """The teacher behind the account; accounts without a person record have no such pages."""
    person = getattr(request.user, "person", None)
    if person is None:
        raise NotPermitted(_("当前账号未关联人员信息，不能报名。"))
    return person


def _enrollment(request: HttpRequest, pk: int) -> Enrollment:
    """Fetch and authorise in one step: out of scope looks like missing (404)."""
    try:
        return selectors.enrollment_list(user=request.user).get(pk=pk)
    except Enrollment.DoesNotExist:
        raise NotFound() from None


def _programmes_with(channels: set[str], *, reaching: Any) -> list[Programme]:
    """Programmes that enroll through one of `channels`, newest first, whose owner's area
    `reaching` (a teacher's organisation, or a user who nominates) lies in: a province's own
    programme is not offered to another province."""

    def covers(programme: Programme) -> bool:
        if isinstance(reaching, Organisation):
            return scope.in_area(programme.owner, org=reaching)
        return scope.reaches_area(reaching, "enrollment.nominate", programme.owner)

    return [
        p
        for p in Programme.objects.select_related("owner").order_by("-year", "-pk")
        if set(p.rules.all_channels()) & channels and covers(p)
    ]


def _approve_label(user: Any) -> str:
    """A base's approval is called 核准 in the notices (002, 004)."""
    return _("核准") if scope.roles(user) == {Role.BASE_ADMIN} else _("通过")


def _filtered(qs: QuerySet[Enrollment], data: dict[str, Any]) -> QuerySet[Enrollment]:
    if data.get("programme"):
        qs = qs.filter(programme=data["programme"])
    if data.get("item"):
        qs = qs.filter(item=data["item"])
    if data.get("status"):
        qs = qs.filter(status=data["status"])
    term = clean_name(data.get("q") or "")
    if term:
        qs = qs.filter(
            Q(person__name__contains=term) | Q(person__name_pinyin__contains=term.lower())
        )
    return qs


def _programmes_of(qs: QuerySet[Enrollment]) -> list[Programme]:
    return list(Programme.objects.filter(pk__in=qs.values("programme")).order_by("-year", "-pk"))


# --- the teacher: 我的报名 and 报名 ----------------------------------------------------------------


@require_GET
@login_required
def my_enrollments(request: HttpRequest) -> HttpResponse:
    person = _person(request)
    rows = [
        {
            "enrollment": e,
            "item": selectors.enrollment_title(e),
            "next": approvals.next_step(e),
            "deadline": step_deadline(e),
            "can_withdraw": e.status in WITHDRAWABLE
            and not services.withdrawal_closed(request.user, e),
            "can_resubmit": e.status == Enrollment.Status.RETURNED
            and e.channel == Enrollment.Channel.SELF_REGISTRATION,
        }
        for e in selectors.my_enrollments(user=request.user)
    ]
    return render(
        request,
        "enrollment/mine.html",
        {
            "rows": rows,
            "person": person,
            "can_apply": bool(_programmes_with({Channel.SELF_REGISTRATION}, reaching=person.org)),
            "breadcrumbs": [(_("我的报名"), None)],
        },
    )


# --- the school coordinator: nominate teachers, or enroll them in a class -----------------------


def _channel_for(programme: Programme) -> str:
    """The nominating channel a coordinator's page uses for the programme."""
    channels = programme.rules.all_channels()
    for channel in (
        Enrollment.Channel.COORDINATOR_ENROLLMENT,
        Enrollment.Channel.NOMINATION,
        Enrollment.Channel.SIGNUP_TABLE,
    ):
        if channel in channels:
            return channel
    raise NotFound()


def _pick(request: HttpRequest, programmes: list[Programme]) -> dict[str, Any]:
    """What the coordinator has chosen so far (from the URL, or the posted form)."""
    source = request.POST if request.method == "POST" else request.GET
    value = source.get("programme", "")
    chosen: dict[str, Any] = {"programme": None, "item": None, "training_class": None}
    if not value:
        return chosen
    programme = next((p for p in programmes if str(p.pk) == value), None)
    if programme is None:
        raise NotFound()
    chosen["programme"] = programme
    chosen["channel"] = _channel_for(programme)
    if chosen["channel"] == Enrollment.Channel.COORDINATOR_ENROLLMENT:
        class_pk = source.get("training_class", "")
        if class_pk:
            training_class = (
                TrainingClass.objects.filter(
                    project__programme=programme, project__status__in=LISTED
                )
                .select_related("project__base")
                .filter(pk=class_pk if is_int(class_pk) else -1)
                .first()
            )
            if training_class is None:
                raise NotFound()
            chosen["training_class"] = training_class
            chosen["item"] = training_class.project.item
    else:
        code = source.get("item", "")
        if code:
            if code not in {i.code for i in programme.rules.leaves()}:
                raise NotFound()
            chosen["item"] = code
    return chosen


@require_http_methods(["GET", "POST"])
@login_required
def nominate(request: HttpRequest) -> HttpResponse:
    if not scope.has_any(request.user, "enrollment.nominate"):
        raise NotPermitted()
    programmes = _programmes_with(
        {Channel.NOMINATION, Channel.SIGNUP_TABLE, Channel.COORDINATOR_ENROLLMENT},
        reaching=request.user,
    )
    chosen = _pick(request, programmes)
    programme = chosen["programme"]
    crumbs: list[tuple[str, str | None]] = [(_("报名管理"), reverse("enrollment:list"))]
    if programme is None:
        offers = [
            {"programme": p, "channel": _channel_for(p), "window": _programme_window(p)}
            for p in programmes
        ]
        return render(
            request,
            "enrollment/nominate_programme.html",
            {"offers": offers, "breadcrumbs": [*crumbs, (_("报名教师"), None)]},
        )
    crumbs.append((_("报名教师"), reverse("enrollment:nominate")))
    if chosen["item"] is None:
        return _pick_item_page(request, programme, chosen["channel"], crumbs)
    return _teachers_page(request, chosen, crumbs)


def _programme_window(programme: Programme) -> dict[str, Any]:
    window = programme.rules.enrollment.window
    if window is None:
        return {"text": _("见各培训项目"), "open": True, "left": ""}
    items = programme.rules.leaves()
    return window_info(programme, items[0].code) if items else {"text": "", "left": ""}


def _pick_item_page(
    request: HttpRequest, programme: Programme, channel: str, crumbs: list
) -> HttpResponse:
    context: dict[str, Any] = {
        "programme": programme,
        "channel": channel,
        "breadcrumbs": [*crumbs, (str(programme), None)],
    }
    if channel == Enrollment.Channel.COORDINATOR_ENROLLMENT:
        classes = (
            TrainingClass.objects.filter(project__programme=programme, project__status__in=LISTED)
            .select_related("project__base")
            .order_by("starts_on", "project__title", "seq")
        )
        context["classes"] = [
            {
                "training_class": c,
                "left": max(c.capacity - c.seats_taken, 0),
                "item": next(
                    (i.label for i in programme.rules.items if i.code == c.project.item),
                    c.project.item,
                ),
                "window": window_info(programme, c.project.item),
            }
            for c in classes
        ]
    else:
        context["items"] = [
            {"item": i, "window": window_info(programme, i.code)} for i in programme.rules.leaves()
        ]
    return render(request, "enrollment/nominate_item.html", context)


def _teachers_page(request: HttpRequest, chosen: dict[str, Any], crumbs: list) -> HttpResponse:
    programme, item = chosen["programme"], chosen["item"]
    training_class = chosen["training_class"]
    form = NominateForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        done = _submit_nominations(request, chosen, form)
        if done is not None:
            return done
    term = request.GET.get("q", "").strip()[:50]
    teachers = people.person_list(
        user=request.user, action="enrollment.nominate", filters={"q": term, "teacher": "yes"}
    )
    enrolled = {
        e.person_id: e
        for e in Enrollment.objects.filter(
            programme=programme, item=item, live=True, person__in=teachers
        )
    }
    table = TeacherPickTable(teachers, programme=programme, item=item, enrolled=enrolled)
    RequestConfig(request).configure(table)
    label = terms.item_title(programme, item)
    back = reverse("enrollment:nominate") + f"?programme={programme.pk}"
    return render(
        request,
        "enrollment/nominate_teachers.html",
        {
            "programme": programme,
            "item": item,
            "item_label": label,
            "training_class": training_class,
            "seats_left": (
                max(training_class.capacity - training_class.seats_taken, 0)
                if training_class
                else None
            ),
            "channel": chosen["channel"],
            "window": window_info(programme, item),
            "table": table,
            "form": form,
            "key": form.data.get("key") if form.is_bound else new_key(),
            "q": term,
            "breadcrumbs": [*crumbs, (str(programme), back), (str(training_class or label), None)],
        },
    )


def _submit_nominations(
    request: HttpRequest, chosen: dict[str, Any], form: NominateForm
) -> HttpResponse | None:
    """Enroll each ticked teacher; each is its own operation (a refusal for one teacher, say a
    full quota, leaves the others), and the page key makes a second post create nothing."""
    if not form.is_valid():
        return None
    programme, item = chosen["programme"], chosen["item"]
    key = form.cleaned_data["key"]
    candidates = people.person_list(user=request.user, action="enrollment.nominate").filter(
        pk__in=form.cleaned_data["selected"]
    )
    done, failed = [], []
    for person in candidates.order_by("name_pinyin", "pk"):
        person_key = f"{key}-{person.pk}"
        try:
            done.append(
                services.enrollment_submit(
                    actor=request.user,
                    programme=programme,
                    item=item,
                    person=person,
                    channel=chosen["channel"],
                    training_class=chosen["training_class"],
                    key=person_key,
                )
            )
        except DomainError as exc:
            failed.append(f"{person.name}：{exc.message}")
    missing = len(form.cleaned_data["selected"]) - len(done) - len(failed)
    if missing > 0:
        failed.append(_("%(n)s 位教师不在可报名范围内。") % {"n": missing})
    for message in failed:
        form.add_error(None, message)
    if not done:
        return None
    messages.success(request, _("已为 %(n)s 位教师提交报名。") % {"n": len(done)})
    for message in failed:
        messages.error(request, message)
    return redirect(reverse("enrollment:list") + f"?programme={programme.pk}&item={item}")


# --- lists: the scoped list and the approver's to-do ---------------------------------------------


@require_GET
@login_required
def enrollment_list(request: HttpRequest) -> HttpResponse:
    if not selectors.may_view_enrollments(request.user):
        raise NotPermitted()
    qs = selectors.enrollment_list(user=request.user)
    form = EnrollmentFilterForm(request.GET or None, programmes=_programmes_of(qs))
    data = form.cleaned_data if form.is_valid() else {}
    table = EnrollmentTable(_filtered(qs, data))
    RequestConfig(request).configure(table)
    title = (
        _("本校报名") if scope.roles(request.user) == {Role.SCHOOL_COORDINATOR} else _("报名管理")
    )
    return render(
        request,
        "enrollment/list.html",
        {
            "form": form,
            "table": table,
            "title": title,
            "can_nominate": scope.has_any(request.user, "enrollment.nominate"),
            "sees_admitted": scope.has_any(request.user, "enrollment.view_base")
            or scope.has_any(request.user, "programme.manage"),
            "breadcrumbs": [(title, None)],
        },
    )


def _awaiting_page(
    request: HttpRequest,
    query: QueryDict,
    batch_form: BatchDecideForm | None = None,
    checked: set[int] | None = None,
) -> HttpResponse:
    qs = selectors.awaiting(user=request.user)
    form = EnrollmentFilterForm(query or None, programmes=_programmes_of(qs), statuses=False)
    data = form.cleaned_data if form.is_valid() else {}
    table = AwaitingTable(_filtered(qs, data), checked=checked or set())
    RequestConfig(request).configure(table)
    approve = _approve_label(request.user)
    return render(
        request,
        "enrollment/awaiting.html",
        {
            "form": form,
            "table": table,
            "batch_form": batch_form or BatchDecideForm(approve_label=approve),
            "query": query.urlencode(),
            "approve_label": approve,
            "breadcrumbs": navigation.awaiting_trail(here=True),
        },
    )


@require_GET
@login_required
def awaiting(request: HttpRequest) -> HttpResponse:
    if not selectors.may_view_enrollments(request.user):
        raise NotPermitted()
    return _awaiting_page(request, request.GET)


@require_POST
@login_required
def decide_batch(request: HttpRequest) -> HttpResponse:
    if not selectors.may_view_enrollments(request.user):
        raise NotPermitted()
    query = QueryDict(request.POST.get("query", ""))
    back = reverse("enrollment:awaiting") + (f"?{query.urlencode()}" if query else "")
    ids = {int(v) for v in request.POST.getlist("selected") if is_int(v)}
    enrollments = list(selectors.enrollment_list(user=request.user).filter(pk__in=ids))
    if not enrollments:
        messages.error(request, _("请先勾选要审核的报名。"))
        return redirect(back)
    approve = _approve_label(request.user)
    form = BatchDecideForm(request.POST, approve_label=approve)
    if not form.is_valid():
        return _awaiting_page(request, query, batch_form=form, checked=ids)
    decision = form.cleaned_data["decision"]
    try:
        n = services.enrollment_decide_many(
            actor=request.user,
            enrollments=enrollments,
            decision=decision,
            reason=form.cleaned_data["reason"],
        )
    except DomainError as exc:
        messages.error(request, _("未处理任何报名：%(why)s") % {"why": exc.message})
        return redirect(back)
    if decision == "approve":
        messages.success(request, _("已%(act)s %(n)s 条报名。") % {"act": approve, "n": n})
    else:
        messages.success(request, _("已驳回 %(n)s 条报名。") % {"n": n})
    return redirect(back)
