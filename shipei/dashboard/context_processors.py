"""Role-aware navigation for base.html."""

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from shipei.accounts import scope
from shipei.accounts.models import Role
from shipei.appraisal import selectors as appraisal_selectors
from shipei.assessment import selectors as assessment_selectors
from shipei.attendance import selectors as attendance_selectors
from shipei.certificates import selectors as certificate_selectors
from shipei.classes import selectors as class_selectors
from shipei.credits import selectors as credit_selectors
from shipei.enrollment import selectors as enrollment_selectors
from shipei.staffing import selectors as staffing_selectors
from shipei.statistics import selectors as statistics_selectors
from shipei.supervision import selectors as supervision_selectors
from shipei.surveys import selectors as survey_selectors

# Who connects another system to the API: those who run programmes (the ministry's and the
# provinces' platforms) and training bases (their own systems file projects and approve
# enrollments). Teachers, schools and city bureaus work in the pages.
API_ACTIONS = ("programme.manage", "project.apply")


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    items = [(_("工作台"), reverse("dashboard"), "bi-speedometer2")]
    if scope.has_any(user, "programme.view"):
        items.append((_("培训计划"), reverse("programmes:list"), "bi-journal-bookmark"))
    if scope.has_any(user, "project.view"):
        label = _("我的项目") if scope.has_any(user, "project.apply") else _("培训项目")
        items.append((label, reverse("projects:list"), "bi-clipboard-check"))
    if scope.has_any(user, "project.decide"):
        items.append((_("项目评审"), reverse("projects:queue"), "bi-ui-checks"))
    if Role.EXPERT_REVIEWER in scope.roles(user):
        items.append((_("评审任务"), reverse("projects:reviews"), "bi-pencil-square"))
    if scope.has_any(user, "class.view") and class_selectors.any_stepped_programme():
        items.append((_("班次管理"), reverse("classes:list"), "bi-calendar-week"))
        if scope.has_any(user, "class.review") or scope.has_any(user, "class.record"):
            items.append((_("班次审核"), reverse("classes:queue"), "bi-clipboard2-check"))
        # The institutions' annual summary (附件6), for the bases that write it and the
        # admins who collect it.
        items.append((_("年度工作总结"), reverse("statistics:annual"), "bi-file-earmark-bar-graph"))
    if attendance_selectors.may_see_any(user):
        items.append((_("考勤管理"), reverse("attendance:classes"), "bi-clipboard-data"))
    if assessment_selectors.may_see_any(user):
        items.append((_("考核管理"), reverse("assessment:classes"), "bi-award"))
    if assessment_selectors.takes_any(user):
        items.append((_("我的考核"), reverse("assessment:mine"), "bi-pencil"))
    items.append((_("项目目录"), reverse("projects:catalogue"), "bi-collection"))
    if user.person_id is not None and hasattr(user.person, "teacher_profile"):
        items.append((_("我的报名"), reverse("enrollment:mine"), "bi-person-check"))
        items.append((_("我的证书"), reverse("certificates:mine"), "bi-award"))
        items.append((_("我的学时"), reverse("credits:mine"), "bi-hourglass-bottom"))
    if credit_selectors.may_decide_any(user):
        items.append((_("学时申报审核"), reverse("credits:review"), "bi-clipboard-check"))
    if credit_selectors.may_see_totals(user):
        items.append((_("学时台账"), reverse("credits:people"), "bi-journal-text"))
    if enrollment_selectors.may_view_enrollments(user):
        items.append((_("报名管理"), reverse("enrollment:list"), "bi-card-checklist"))
        items.append((_("待我审核"), reverse("enrollment:awaiting"), "bi-hourglass-split"))
    if statistics_selectors.may_view(user):
        items.append((_("统计分析"), reverse("statistics:dashboard"), "bi-bar-chart-line"))
    if scope.has_any(user, "enrollment.nominate"):
        items.append((_("报名教师"), reverse("enrollment:nominate"), "bi-person-plus"))
    if staffing_selectors.may_keep_pool(user):
        items.append((_("骨干教师库"), reverse("staffing:pool"), "bi-person-badge"))
        if staffing_selectors.plan_programmes(user):
            items.append((_("骨干教师配备"), reverse("staffing:plan"), "bi-diagram-2"))
    if (
        scope.has_any(user, staffing_selectors.CLASS_ACTION)
        and staffing_selectors.staffed_programmes()
    ):
        items.append((_("班次骨干教师"), reverse("staffing:classes"), "bi-people-fill"))
    if staffing_selectors.my_core_teacher(user) is not None:
        items.append((_("我的骨干教师任务"), reverse("staffing:mine"), "bi-envelope-paper"))
    if survey_selectors.may_see_any(user) or survey_selectors.answers_any(user):
        items.append((_("评价问卷"), reverse("surveys:index"), "bi-ui-radios"))
    if appraisal_selectors.may_see_any(user):
        items.append((_("基地年度考核"), reverse("appraisal:index"), "bi-bar-chart-line"))
    if supervision_selectors.may_see_any(user):
        items.append((_("监督抽检"), reverse("supervision:index"), "bi-search"))
    if certificate_selectors.may_issue_any(user):
        items.append((_("结业证书"), reverse("certificates:index"), "bi-patch-check"))
    if scope.has_any(user, "org.view"):
        items.append((_("机构管理"), reverse("orgs:list"), "bi-diagram-3"))
    if scope.has_any(user, "org.change"):  # the codes behind an organisation's region
        items.append((_("行政区划"), reverse("orgs:regions"), "bi-geo-alt"))
    if scope.has_any(user, "person.view"):
        items.append((_("人员管理"), reverse("accounts:person_list"), "bi-people"))
    if scope.has_any(user, "audit.view"):
        items.append((_("审计日志"), reverse("audit:list"), "bi-journal-text"))
    items.append((_("消息中心"), reverse("notifications:list"), "bi-bell"))
    items.append((_("我的日程"), reverse("notifications:calendar"), "bi-calendar3"))
    if any(scope.has_any(user, action) for action in API_ACTIONS):
        items.append((_("接口文档"), reverse("api_docs"), "bi-code-slash"))
    current = request.path
    # The longest menu URL that the page's path starts with is the one to mark: 项目评审
    # (/projects/review/) must not also light up 我的项目 (/projects/).
    matches = [
        url for _l, url, _i in items if current == url or (url != "/" and current.startswith(url))
    ]
    active = max(matches, key=len, default=None)
    # An enrollment opened from 待我审核 keeps its trail there (?from=awaiting), and its menu.
    awaiting = reverse("enrollment:awaiting")
    if request.GET.get("from") == "awaiting" and any(url == awaiting for _l, url, _i in items):
        active = awaiting
    nav = [
        {"label": label, "url": url, "icon": icon, "active": url == active}
        for label, url, icon in items
    ]
    roles = [a for a in scope.active_assignments(user)]
    return {"nav_items": nav, "my_assignments": roles}
