"""A published project runs: enrolling → enrollment closed → running → completed (or cancelled
before it runs), each move audited, by its base or the programme's office; what each state
allows is said on its page."""

import pytest

from shipei.accounts.models import Role
from shipei.audit.models import AuditEntry
from shipei.classes.tests.conftest import approved_plan, make_004
from shipei.core.errors import InvalidTransition, NotPermitted
from shipei.core.tests.api_helpers import api_as, error
from shipei.projects import services
from shipei.projects.errors import RunByClasses
from shipei.projects.models import Project
from shipei.projects.tests.conftest import make_actor

S = Project.Status


def test_a_published_project_runs_to_completed_each_move_audited(base_admin, published):
    for to in (S.ENROLLING, S.ENROLLMENT_CLOSED, S.RUNNING, S.COMPLETED):
        services.project_advance(actor=base_admin.user, project=published, to=to)
    assert Project.objects.get(pk=published.pk).status == S.COMPLETED
    assert list(
        AuditEntry.objects.filter(
            action__in=[
                "project.enrollment_opened",
                "project.enrollment_closed",
                "project.started",
                "project.completed",
            ]
        )
        .order_by("pk")
        .values_list("action", "actor")
    ) == [
        ("project.enrollment_opened", base_admin.user.pk),
        ("project.enrollment_closed", base_admin.user.pk),
        ("project.started", base_admin.user.pk),
        ("project.completed", base_admin.user.pk),
    ]


def test_a_move_out_of_turn_is_refused_naming_the_state(base_admin, national_admin, published):
    with pytest.raises(InvalidTransition, match="当前状态为“已发布”"):
        services.project_advance(actor=base_admin.user, project=published, to=S.RUNNING)
    services.project_advance(actor=national_admin.user, project=published, to=S.ENROLLING)
    services.project_advance(actor=base_admin.user, project=published, to=S.ENROLLMENT_CLOSED)
    services.project_advance(actor=base_admin.user, project=published, to=S.RUNNING)
    with pytest.raises(InvalidTransition, match="实施中"):
        services.project_cancel(actor=national_admin.user, project=published, reason="经费")
    assert Project.objects.get(pk=published.pk).status == S.RUNNING


def test_another_base_may_not_move_the_project(tree, published, client):
    other = make_actor(Role.BASE_ADMIN, tree["nj_school"])
    with pytest.raises(NotPermitted):
        services.project_advance(actor=other.user, project=published, to=S.ENROLLING)
    client.force_login(other.user)
    assert client.post(f"/projects/{published.pk}/advance/enrolling/").status_code == 404
    assert Project.objects.get(pk=published.pk).status == S.PUBLISHED


def test_the_project_page_offers_the_next_move_and_says_what_the_state_allows(
    client, base_admin, published
):
    client.force_login(base_admin.user)
    html = client.get(published.get_absolute_url()).content.decode()
    assert "开始报名</button>" in html and "开始培训</button>" not in html
    client.post(f"/projects/{published.pk}/advance/enrolling/")
    client.post(f"/projects/{published.pk}/advance/enrollment_closed/")
    html = client.get(published.get_absolute_url()).content.decode()
    assert "报名已截止，不再接受报名" in html and "开始培训</button>" in html
    assert "截止报名</button>" not in html
    client.post(f"/projects/{published.pk}/advance/running/")
    client.post(f"/projects/{published.pk}/advance/completed/")
    html = client.get(published.get_absolute_url()).content.decode()
    assert "培训已结束：可进行考核、发放结业证书" in html
    assert Project.objects.get(pk=published.pk).status == S.COMPLETED


def test_the_api_moves_the_project_and_refuses_an_unknown_move(base_admin, published):
    api = api_as(base_admin)
    response = api.post(f"/api/v1/projects/{published.pk}/advance/", {"to": "enrolling"})
    assert response.status_code == 200 and response.json()["status"] == "enrolling"
    error(
        api.post(f"/api/v1/projects/{published.pk}/advance/", {"to": "published"}), 400, "invalid"
    )
    body = error(
        api.post(f"/api/v1/projects/{published.pk}/advance/", {"to": "completed"}),
        409,
        "invalid_transition",
    )
    assert "报名中" in body["message"]


def test_a_project_whose_classes_run_themselves_is_moved_by_its_classes(
    base_admin, zhejiang_admin, db
):
    plan = approved_plan(base_admin, zhejiang_admin, make_004())
    project = plan.lines.get().training_class.project
    assert project.status == S.PUBLISHED
    with pytest.raises(RunByClasses, match="按班次办理招生和实施"):
        services.project_advance(actor=base_admin.user, project=project, to=S.ENROLLING)


def test_a_project_run_without_a_class_lifecycle_moves_its_trainees_as_it_starts_and_ends(
    base_admin, published, tree
):
    """002 runs its projects by hand: started, its admitted trainees (in one of its classes or
    in the project alone) are attending; completed, each has passed or failed (结业 / 未结业)."""
    from datetime import timedelta

    from shipei.accounts.tests.factories import PersonFactory
    from shipei.attendance.tests.conftest import add_session
    from shipei.certificates.tests.conftest import admit
    from shipei.enrollment.models import Enrollment
    from shipei.statistics.tests.conftest import attend

    E = Enrollment.Status
    klass = published.classes.get()
    full, short, classless, withdrawn = (
        admit(
            published.programme,
            published.item,
            PersonFactory(org=tree["hz_school"]),
            project=published,
            klass=k,
            status=s,
        )
        for k, s in (
            (klass, E.ADMITTED),
            (klass, E.ADMITTED),
            (None, E.ADMITTED),
            (klass, E.WITHDRAWN),
        )
    )
    for to in (S.ENROLLING, S.ENROLLMENT_CLOSED, S.RUNNING):
        services.project_advance(actor=base_admin.user, project=published, to=to)
    assert [
        Enrollment.objects.get(pk=e.pk).status for e in (full, short, classless, withdrawn)
    ] == [E.ATTENDING, E.ATTENDING, E.ATTENDING, E.WITHDRAWN]

    # The project's 56 hours, all in one session of the class: one trainee missed 6 of them.
    session = add_session(klass, "集中研修", -timedelta(days=3), "56")
    attend(full, session, "56")
    attend(short, session, "50")
    services.project_advance(actor=base_admin.user, project=published, to=S.COMPLETED)

    after = {e.pk: Enrollment.objects.get(pk=e.pk) for e in (full, short, classless, withdrawn)}
    assert [after[e.pk].status for e in (full, short, classless, withdrawn)] == [
        E.PASSED,
        E.FAILED,
        E.PASSED,
        E.WITHDRAWN,
    ]
    assert after[short.pk].reason == "该学员已完成 50 学时，未达到规定的 56 学时"
    assert list(
        AuditEntry.objects.filter(target_id=str(full.pk), action__startswith="enrollment.")
        .order_by("pk")
        .values_list("action", "actor")
    ) == [("enrollment.attending", base_admin.user.pk), ("enrollment.passed", base_admin.user.pk)]
