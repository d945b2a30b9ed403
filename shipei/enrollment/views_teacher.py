"""A teacher's own applications (self-registration, 000/004): the 报名 page and the 报名 box of
a catalogue entry. Both post to the same view, which goes through ``services.enrollment_submit``
as every other channel does.

On the 报名 page what the teacher may apply for comes first; the items of the open windows the
teacher does not qualify for are folded under one line each, saying why.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from shipei.accounts import scope
from shipei.accounts.models import Person
from shipei.classes.models import TrainingClass
from shipei.core.errors import DomainError, NotFound
from shipei.programmes.chains import enrolls_into_class
from shipei.programmes.models import Programme
from shipei.projects import selectors as project_selectors
from shipei.projects.models import ENROLLABLE, Project

from . import application, approvals, selectors, services, terms, wording
from .forms import ApplyForm, new_key
from .models import Enrollment
from .tables import window_info

# Shared with the school's pages in views.py.
from .views import _person, _programmes_with

# How a programme that takes no self-registration enrolls teachers, in one line for a teacher.
OTHER_CHANNELS = {
    Enrollment.Channel.NOMINATION: gettext_lazy("本项目由学校推荐报名，请联系本校的学校联系人。"),
    Enrollment.Channel.SIGNUP_TABLE: gettext_lazy(
        "本项目由所在院校统一报送报名表，请联系本校的学校联系人。"
    ),
    Enrollment.Channel.COORDINATOR_ENROLLMENT: gettext_lazy(
        "本项目由学校联系人在平台统一报名，请联系本校的学校联系人。"
    ),
}


def _live(person: Person) -> dict[tuple[int, str], Enrollment]:
    return {
        (e.programme_id, e.item): e
        for e in Enrollment.objects.filter(person=person, live=True).select_related("programme")
    }


def _offers(person: Person, errors: dict[tuple[int, str], str] | None = None) -> list[dict]:
    """The programmes a teacher may apply to by themselves, with their items open now: those
    the teacher may apply for (or has applied for) first, the others apart with the reasons.
    Programmes with something to apply for come first."""
    live = _live(person)
    groups = []
    for programme in _programmes_with({Enrollment.Channel.SELF_REGISTRATION}, reaching=person.org):
        offers, folded = [], []
        for item in programme.rules.leaves():
            window = window_info(programme, item.code)
            if not window["open"]:
                continue
            # An item enrolling into classes is offered through its open classes only.
            enrolled = live.get((programme.pk, item.code))
            problems = [] if enrolled else terms.eligibility_problems(programme, item.code, person)
            # An item enrolling into classes is applied for through one of its open classes.
            classes = None
            if not problems and enrolls_into_class(programme.rules, item.code):
                classes = selectors.open_classes(programme, item.code)
                if not classes and not enrolled:
                    problems = [_("暂无招生中的班次")]
            offer = {
                "item": item,
                "title": terms.item_title(programme, item.code),
                "window": window,
                "problems": problems,
                "conditions": terms.conditions_to_check(programme, item.code),
                "enrolled": enrolled,
                "form": ApplyForm(
                    initial={"programme": programme.pk, "item": item.code, "key": new_key()}
                ),
                "error": (errors or {}).get((programme.pk, item.code), ""),
                "classes": [
                    {"training_class": c, "left": c.capacity - c.seats_taken} for c in classes or []
                ],
            }
            (folded if problems else offers).append(offer)
        if not offers and not folded:
            continue
        reasons = {"；".join(o["problems"]) for o in folded}
        groups.append(
            {
                "programme": programme,
                "items": offers,
                "folded": folded,
                # One reason for all of them: said once, on the folded line itself.
                "shared_reason": reasons.pop() if len(reasons) == 1 else "",
            }
        )
    groups.sort(key=lambda g: not g["items"])  # stable: newest first within each kind
    return groups


def _back(request: HttpRequest) -> str:
    """Where an application made elsewhere (a catalogue entry) returns when it is refused."""
    back = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return back if safe and back.startswith("/") else ""


@require_http_methods(["GET", "POST"])
@login_required
def apply(request: HttpRequest) -> HttpResponse:
    person = _person(request)
    errors: dict[tuple[int, str], str] = {}
    if request.method == "POST":
        form = ApplyForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("报名信息不完整，请刷新页面后重试。"))
            return redirect("enrollment:apply")
        data = form.cleaned_data
        programme = Programme.objects.filter(pk=data["programme"]).first()
        if programme is None:
            raise NotFound()
        training_class = None
        if data.get("training_class"):
            training_class = (
                TrainingClass.objects.select_related("project")
                .filter(pk=data["training_class"], project__programme=programme)
                .first()
            )
            if training_class is None:
                raise NotFound()
        try:
            enrollment = services.enrollment_submit(
                actor=request.user,
                programme=programme,
                item=data["item"],
                person=person,
                channel=Enrollment.Channel.SELF_REGISTRATION,
                training_class=training_class,
                key=data["key"],
            )
        except DomainError as exc:
            errors[(programme.pk, data["item"])] = exc.message
        if not errors:
            messages.success(request, _submitted_message(enrollment))
            return redirect(enrollment)
        for message in errors.values():
            messages.error(request, message)
        back = _back(request)
        if back:
            return redirect(back)
    return render(
        request,
        "enrollment/apply.html",
        {
            "groups": _offers(person, errors),
            "person": person,
            "breadcrumbs": [(_("我的报名"), reverse("enrollment:mine")), (_("报名"), None)],
        },
    )


def _submitted_message(enrollment: Enrollment) -> str:
    if enrollment.status == Enrollment.Status.WAITLISTED:
        return _("名额已满，已进入候补。有名额空出时按提交先后递补。")
    step = approvals.current_step(enrollment)
    if enrollment.status != Enrollment.Status.SUBMITTED or step is None:
        return _("报名成功。")
    return _("已提交报名。%(next)s") % {"next": wording.next_step_text(step.role)}


# --- the 报名 box of a catalogue entry ------------------------------------------------------


@require_GET
@login_required
def catalogue_apply(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx: how the user applies for a published project of the catalogue: 报名 per class
    where the programme takes self-registration and the teacher may apply now, otherwise why
    not, in one line."""
    project = project_selectors.catalogue_get(user=request.user, pk=pk)
    return render(
        request,
        "enrollment/_catalogue_apply.html",
        {"project": project, **_catalogue_offer(request, project)},
    )


def _catalogue_offer(request: HttpRequest, project: Project) -> dict[str, Any]:
    programme = project.programme
    channels = programme.rules.channels_for(project.item)
    if Enrollment.Channel.SELF_REGISTRATION not in channels:
        # The school's contact is told where to enroll its teachers, not to ask itself.
        if scope.reaches_area(request.user, "enrollment.nominate", programme.owner):
            return {"nominate": reverse("enrollment:nominate") + f"?programme={programme.pk}"}
        return {"why": str(OTHER_CHANNELS.get(channels[0], _("请联系本校的学校联系人。")))}
    person = getattr(request.user, "person", None)
    if person is None or getattr(person, "teacher_profile", None) is None:
        return {"why": _("本项目接受教师个人报名，请使用教师本人的账号登录后报名。")}
    enrolled = _live(person).get((programme.pk, project.item))
    if enrolled is not None:
        return {"enrolled": enrolled}
    if project.status not in ENROLLABLE:
        return {
            "why": _("本项目%(status)s，不再接受报名。") % {"status": project.get_status_display()}
        }
    window = window_info(programme, project.item)
    if not window["open"]:
        when = _("尚未开始") if window["upcoming"] else _("已截止")
        return {
            "why": _("报名%(when)s（报名时间 %(window)s）。")
            % {"when": when, "window": window["text"]}
        }
    problems = terms.eligibility_problems(programme, project.item, person, project=project)
    if problems:
        return {"why": _("暂不符合报名条件：%(why)s") % {"why": "；".join(problems)}}
    waitlist = programme.rules.enrollment.waitlist
    base = {"programme": programme.pk, "item": project.item}
    classes = list(project.classes.all()) or [None]
    offers = []
    for training_class in classes:
        left = (
            max(training_class.capacity - training_class.seats_taken, 0) if training_class else None
        )
        offers.append(
            {
                "training_class": training_class,
                "left": left,
                "open": left is None or left > 0 or waitlist,
                # The application form is filled on the class's own page.
                "form_url": reverse("enrollment:apply_class", args=[training_class.pk])
                if training_class and application.questions(programme, project.item)
                else "",
                "form": ApplyForm(
                    initial={
                        **base,
                        "training_class": training_class.pk if training_class else None,
                        "key": new_key(),
                    }
                ),
            }
        )
    return {
        "offers": offers,
        "window": window,
        "conditions": terms.conditions_to_check(programme, project.item),
        "back": reverse("projects:catalogue_detail", args=[project.pk]),
    }
