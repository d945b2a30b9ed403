"""The home page of each role: what waits for the user now, and a teacher's own training."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from shipei.accounts import scope
from shipei.accounts import selectors as people
from shipei.accounts.models import Role, TeacherProfile
from shipei.appraisal import selectors as appraisal_selectors
from shipei.enrollment import selectors as enrollment_selectors
from shipei.orgs import selectors as orgs
from shipei.projects import selectors as project_selectors
from shipei.projects.models import Review
from shipei.schedule import selectors as schedule_selectors
from shipei.staffing import selectors as staffing_selectors
from shipei.supervision import selectors as supervision_selectors


@require_GET
@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    user = request.user
    context = {
        "roles": sorted({a.get_role_display() for a in scope.active_assignments(user)}),
        "can_orgs": scope.has_any(user, "org.view"),
        "can_people": scope.has_any(user, "person.view"),
        "person": user.person,
        # Officials have no training of their own to show; teachers do.
        "is_teacher": user.person_id is not None
        and TeacherProfile.objects.filter(person_id=user.person_id).exists(),
    }
    if context["can_orgs"]:
        context["org_stats"] = orgs.org_stats(user=user)
    if context["can_people"]:
        context["people_stats"] = people.person_stats(user=user)
    context["todo"] = _todo(user)
    # The sessions the user teaches (a core teacher, a base's own teacher), whatever else
    # they are: a trainee who also teaches sees both, each labelled.
    context["teaching"] = schedule_selectors.my_teaching(user=user)
    if context["is_teacher"]:
        # Named by item: two items of one programme must not read as the same line twice.
        context["my_enrollments"] = [
            {"enrollment": e, "item": enrollment_selectors.enrollment_title(e)}
            for e in enrollment_selectors.my_enrollments(user=user).filter(live=True)[:5]
        ]
        # Today's sessions and hours so far of each training admitted or under way.
        context["learning"] = schedule_selectors.my_learning(user=user)
    return render(request, "dashboard/dashboard.html", context)


def _todo(user: Any) -> list[tuple[str, int, str]]:
    """What waits for this user now: (label, count, link), only the non-zero ones."""
    items: list[tuple[str, int, str]] = []
    if scope.has_any(user, "project.decide") or scope.has_any(user, "project.apply"):
        stats = project_selectors.project_stats(user=user)
        if scope.has_any(user, "project.decide"):
            queue = reverse("projects:queue")
            items += [
                (_("待分配评审专家的项目"), stats["waiting"], f"{queue}?status=submitted"),
                (_("评审中的项目"), stats["in_review"], f"{queue}?status=in_review"),
                (_("评审通过待发布的项目"), stats["approved"], f"{queue}?status=approved"),
            ]
        if scope.has_any(user, "project.apply"):
            items.append((_("待完善或提交的项目"), stats["editable"], reverse("projects:list")))
    if Role.EXPERT_REVIEWER in scope.roles(user):
        pending = Review.objects.filter(scope.expert_reviews_q(user), submitted_at__isnull=True)
        items.append((_("待评审的项目"), pending.count(), reverse("projects:reviews")))
    if enrollment_selectors.may_view_enrollments(user):
        waiting = enrollment_selectors.awaiting(user=user).count()
        items.append((_("待我审核的报名"), waiting, reverse("enrollment:awaiting")))
    if scope.has_any(user, appraisal_selectors.RUN):
        drafts = appraisal_selectors.drafts_waiting(user)
        items.append((_("待确认的基地年度考核"), drafts, reverse("appraisal:index")))
    invitations = staffing_selectors.waiting_invitations(user)
    items.append((_("待答复的骨干教师邀请"), invitations, reverse("staffing:mine")))
    checks = reverse("supervision:index")
    items += [
        (label, n, f"{checks}?status={s}") for label, n, s in supervision_selectors.waiting(user)
    ]
    return [(label, n, url) for label, n, url in items if n]
