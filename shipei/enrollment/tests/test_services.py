"""Enrollment rules: windows, eligibility, duplicates, the approval chain and the seats."""

import datetime
from typing import Any

import pytest

from shipei.accounts.models import Role, RoleAssignment, TeacherProfile, User
from shipei.accounts.tests.factories import PersonFactory
from shipei.audit.models import AuditEntry
from shipei.core.clock import SHANGHAI
from shipei.core.errors import InvalidTransition, NotPermitted
from shipei.enrollment import approvals, seats, services
from shipei.enrollment.errors import (
    AlreadyEnrolled,
    ChannelNotOpen,
    EnrollmentClosed,
    NoQuotaHere,
    NotEligible,
    NotYourStep,
    ReasonRequired,
)
from shipei.enrollment.lifecycle import MOVES, WITHDRAWABLE
from shipei.enrollment.models import Enrollment
from shipei.enrollment.selectors import enrollment_list
from shipei.orgs.models import Organisation, Region
from shipei.orgs.services import org_bootstrap
from shipei.orgs.tests.factories import SchoolFactory
from shipei.programmes.models import Programme
from shipei.quotas.errors import QuotaExhausted
from shipei.quotas.models import Quota


def policy(**enrollment: Any) -> dict[str, Any]:
    return {
        "items": [
            {
                "code": "k1",
                "label": "骨干教师培训",
                "kind": "training_kind",
                "registration": {"opens": "2026-11-01", "closes": "2026-11-30"},
                "eligibility": {"min_years_teaching": 5, "titles": ["intermediate", "senior"]},
            },
            {"code": "k2", "label": "青年教师研修", "kind": "training_kind"},
        ],
        "enrollment": {
            "channels": ["nomination", "self_registration"],
            "approval_chain": [
                {"role": "city_admin", "label": "设区市教育局审核"},
                {"role": "provincial_admin", "label": "省教育厅确认"},
            ],
            **enrollment,
        },
        "quota": {"scope": "city"},
    }


IN_WINDOW = datetime.datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture
def programme(tree) -> Programme:
    return Programme.objects.create(code="e", title="测试计划", year=2026, policy=policy())


def teacher(org, *, years: int = 8, title: str = "intermediate", major: str = "机电技术应用"):
    person = PersonFactory(org=org)
    TeacherProfile.objects.create(
        person=person, years_teaching=years, title=title, teaching_major=major
    )
    return person


def submit(actor, programme, person, item="k1", **kw):
    return services.enrollment_submit(
        actor=actor.user,
        programme=programme,
        item=item,
        person=person,
        channel=kw.pop("channel", "nomination"),
        now=kw.pop("now", IN_WINDOW),
        **kw,
    )


def give(programme, seats, **receiver):
    return Quota.objects.create(programme=programme, item="k1", seats=seats, **receiver)


def test_nomination_goes_up_the_chain_and_is_admitted(
    programme, tree, school_coordinator, city_admin, zhejiang_admin
):
    quota = give(programme, 3, region=Region.objects.get(code="330100"))
    e = submit(school_coordinator, programme, teacher(tree["hz_school"]))
    quota.refresh_from_db()
    assert (e.status, e.step, e.quota, quota.seats_held) == (
        Enrollment.Status.SUBMITTED,
        0,
        quota,
        1,
    )
    with pytest.raises(NotYourStep, match="设区市教育局审核"):
        services.enrollment_decide(actor=zhejiang_admin.user, enrollment=e, decision="approve")
    e = services.enrollment_decide(actor=city_admin.user, enrollment=e, decision="approve")
    assert (e.status, e.step) == (Enrollment.Status.SUBMITTED, 1)
    e = services.enrollment_decide(actor=zhejiang_admin.user, enrollment=e, decision="approve")
    assert e.status == Enrollment.Status.ADMITTED and e.decided_at
    assert [ev.action for ev in e.events.all()] == ["submitted", "approved", "approved"]
    assert AuditEntry.objects.filter(action="enrollment.approved").count() == 2
    with pytest.raises(InvalidTransition):  # a forged second approval
        services.enrollment_decide(actor=zhejiang_admin.user, enrollment=e, decision="approve")


def test_rejection_needs_a_reason_and_frees_the_seat(
    programme, tree, school_coordinator, city_admin
):
    quota = give(programme, 1, org=tree["hz_school"])
    e = submit(school_coordinator, programme, teacher(tree["hz_school"]))
    with pytest.raises(ReasonRequired):
        services.enrollment_decide(actor=city_admin.user, enrollment=e, decision="reject")
    e = services.enrollment_decide(
        actor=city_admin.user, enrollment=e, decision="reject", reason="教龄材料不全"
    )
    quota.refresh_from_db()
    assert (e.status, e.holds_seat, quota.seats_held) == (Enrollment.Status.REJECTED, False, 0)
    # The freed seat is there for the next teacher at once.
    submit(school_coordinator, programme, teacher(tree["hz_school"]))


def test_full_quota_refuses_and_changes_nothing(programme, tree, school_coordinator):
    give(programme, 1, org=tree["hz_school"])
    submit(school_coordinator, programme, teacher(tree["hz_school"]))
    with pytest.raises(QuotaExhausted, match="杭州市中策职业学校的名额已用完"):
        submit(school_coordinator, programme, teacher(tree["hz_school"]))
    assert Enrollment.objects.count() == 1


def test_no_quota_in_the_teachers_region(programme, tree, school_coordinator, jiangsu_admin):
    give(programme, 5, region=Region.objects.get(code="330100"))
    nj = teacher(tree["nj_school"])
    with pytest.raises(NoQuotaHere, match="南京市莫愁中等专业学校"):
        submit(jiangsu_admin, programme, nj)


def test_window_is_shanghai_time_and_date_only_close_ends_at_midnight(
    programme, tree, school_coordinator
):
    person = teacher(tree["hz_school"])
    last_second = datetime.datetime(2026, 11, 30, 23, 59, 59, tzinfo=SHANGHAI)
    too_late = last_second + datetime.timedelta(seconds=1)
    with pytest.raises(EnrollmentClosed, match="2026-11-01 00:00 ～ 2026-11-30 23:59"):
        submit(school_coordinator, programme, person, now=too_late)
    assert submit(school_coordinator, programme, person, now=last_second).pk


def test_eligibility_says_which_rule_failed(programme, tree, school_coordinator):
    novice = teacher(tree["hz_school"], years=3, title="junior")
    with pytest.raises(NotEligible) as exc:
        submit(school_coordinator, programme, novice)
    assert "教龄应不少于 5 年（登记为 3 年）" in exc.value.message
    assert "职称应为中级、副高级（登记为初级）" in exc.value.message
    # The other item has no such rules.
    assert (
        submit(school_coordinator, programme, novice, item="k2").status
        == Enrollment.Status.SUBMITTED
    )


def test_one_live_enrollment_per_item_and_form_retries_create_nothing(
    programme, tree, school_coordinator, trainee
):
    person = teacher(tree["hz_school"])
    first = submit(school_coordinator, programme, person, key="form-1")
    assert submit(school_coordinator, programme, person, key="form-1") == first
    with pytest.raises(AlreadyEnrolled):
        submit(school_coordinator, programme, person)
    assert Enrollment.objects.count() == 1


def test_who_may_submit(programme, tree, school_coordinator, jiangsu_admin, trainee):
    person = teacher(tree["hz_school"])
    with pytest.raises(NotPermitted):  # another province's teacher
        submit(jiangsu_admin, programme, person)
    with pytest.raises(NotPermitted, match="只能为本人报名"):
        submit(trainee, programme, person, channel="self_registration")
    with pytest.raises(ChannelNotOpen):
        submit(school_coordinator, programme, person, channel="coordinator_enrollment")
    TeacherProfile.objects.create(
        person=trainee.person, years_teaching=6, title="senior", teaching_major="会计"
    )
    own = submit(trainee, programme, trainee.person, channel="self_registration")
    assert own.submitted_by == trainee.user


def test_withdrawal_frees_the_seat_unless_substitutions_are_forbidden(tree, school_coordinator):
    strict = Programme.objects.create(
        code="s", title="不允许替换", policy=policy(substitutions_allowed=False)
    )
    quota = give(strict, 2, org=tree["hz_school"])
    early = submit(school_coordinator, strict, teacher(tree["hz_school"]))
    late = submit(school_coordinator, strict, teacher(tree["hz_school"]))
    services.enrollment_withdraw(actor=school_coordinator.user, enrollment=early, now=IN_WINDOW)
    after_close = datetime.datetime(2026, 12, 2, tzinfo=SHANGHAI)
    late = services.enrollment_withdraw(
        actor=school_coordinator.user, enrollment=late, now=after_close
    )
    quota.refresh_from_db()
    assert quota.seats_held == 1 and late.holds_seat  # withdrawn after sign-up: not refilled
    assert seats.seats_consistent(strict) == []


def test_waitlist_fills_a_freed_seat_in_order(tree, school_coordinator, city_admin):
    waiting = Programme.objects.create(code="w", title="候补", policy=policy(waitlist=True))
    give(waiting, 1, org=tree["hz_school"])
    first = submit(school_coordinator, waiting, teacher(tree["hz_school"]))
    second = submit(school_coordinator, waiting, teacher(tree["hz_school"]))
    third = submit(school_coordinator, waiting, teacher(tree["hz_school"]))
    assert (second.status, third.status) == (
        Enrollment.Status.WAITLISTED,
        Enrollment.Status.WAITLISTED,
    )
    services.enrollment_decide(
        actor=city_admin.user, enrollment=first, decision="reject", reason="不符合"
    )
    second.refresh_from_db()
    third.refresh_from_db()
    assert (second.status, second.holds_seat, third.status) == (
        Enrollment.Status.SUBMITTED,
        True,
        Enrollment.Status.WAITLISTED,
    )
    assert seats.seats_consistent(waiting) == []


def test_returned_enrollment_is_fixed_and_resubmitted(
    programme, tree, school_coordinator, city_admin
):
    e = submit(school_coordinator, programme, teacher(tree["hz_school"]))
    e = services.enrollment_decide(
        actor=city_admin.user, enrollment=e, decision="return", reason="请补充职务"
    )
    assert (e.status, e.holds_seat) == (
        Enrollment.Status.RETURNED,
        True,
    )  # the seat waits for the fix
    e = services.enrollment_resubmit(actor=school_coordinator.user, enrollment=e)
    assert (e.status, e.step) == (Enrollment.Status.SUBMITTED, 0)


def test_batch_decisions_are_all_or_nothing(programme, tree, school_coordinator, city_admin):
    a = submit(school_coordinator, programme, teacher(tree["hz_school"]))
    b = submit(school_coordinator, programme, teacher(tree["hz_school"]))
    services.enrollment_decide(actor=city_admin.user, enrollment=b, decision="approve")
    with pytest.raises(NotYourStep):  # b is now at the province's step
        services.enrollment_decide_many(
            actor=city_admin.user, enrollments=[a, b], decision="approve"
        )
    a.refresh_from_db()
    assert (a.status, a.step) == (Enrollment.Status.SUBMITTED, 0)


@pytest.fixture
def published_class(tree, base_admin, national_admin):
    """A published 002 project of 杭州职业技术学院 with one class of two seats."""
    from shipei.orgs.models import Designation
    from shipei.projects import services as projects
    from shipei.projects.tests.conftest import a_class, make_programme, project_fields

    Designation.objects.create(
        organisation=tree["hz_base"], kind="dual_teacher_base", year_from=2023, year_to=2027
    )
    programme = make_programme(code="e002", enrollment={"window": {"closes": "2099-12-31"}})
    project = projects.project_create(
        actor=base_admin.user,
        programme=programme,
        base=tree["hz_base"],
        classes=[a_class(capacity=2)],
        **project_fields(),
    )
    projects.project_submit(actor=base_admin.user, project=project)
    expert = PersonFactory(org=tree["nj_school"])
    from shipei.accounts.models import Role, RoleAssignment, User

    expert_user = User.objects.create_user(f"p{expert.pk}", "Secret123", person=expert)
    RoleAssignment.objects.create(user=expert_user, role=Role.EXPERT_REVIEWER, org=tree["moe"])
    review = projects.project_assign_experts(
        actor=national_admin.user, project=project, experts=[expert_user]
    )[0]
    projects.review_submit(
        actor=expert_user,
        review=review,
        scores={c.code: c.max_score for c in programme.rules.projects.review_criteria},
        comment="同意",
    )
    projects.project_decide(actor=national_admin.user, project=project, decision="approve")
    projects.project_publish(actor=national_admin.user, project=project)
    return project.classes.get()


def test_coordinator_enrollment_into_a_class_the_base_approves(
    published_class, tree, school_coordinator, base_admin
):
    programme = published_class.project.programme
    item = published_class.project.item
    enroll = lambda p: services.enrollment_submit(  # noqa: E731
        actor=school_coordinator.user,
        programme=programme,
        item=item,
        person=p,
        channel="coordinator_enrollment",
        training_class=published_class,
    )
    with pytest.raises(NotEligible, match="请选择要报名的项目班次"):
        services.enrollment_submit(
            actor=school_coordinator.user,
            programme=programme,
            item=item,
            person=teacher(tree["hz_school"]),
            channel="coordinator_enrollment",
        )
    first = enroll(teacher(tree["hz_school"]))
    enroll(teacher(tree["hz_school"]))
    from shipei.enrollment.errors import ClassFull

    with pytest.raises(ClassFull, match="已满（2 人）"):
        enroll(teacher(tree["hz_school"]))
    published_class.refresh_from_db()
    assert published_class.seats_taken == 2
    first = services.enrollment_decide(actor=base_admin.user, enrollment=first, decision="approve")
    assert first.status == Enrollment.Status.ADMITTED


def test_a_window_without_an_opening_date_reads_as_a_deadline(tree, school_coordinator):
    programme = Programme.objects.create(
        code="d",
        title="截止",
        policy={
            **policy(window={"closes": "2026-11-10"}),
            "items": [{"code": "k1", "label": "骨干教师培训", "kind": "training_kind"}],
        },
    )
    with pytest.raises(EnrollmentClosed, match="报名时间为 截至 2026-11-10 23:59，"):
        submit(school_coordinator, programme, teacher(tree["hz_school"]))


def test_cancelling_a_published_project_lets_its_teachers_go_with_their_seats(
    published_class, tree, school_coordinator, base_admin, national_admin
):
    from shipei.projects import services as projects

    project = published_class.project
    e = services.enrollment_submit(
        actor=school_coordinator.user,
        programme=project.programme,
        item=project.item,
        person=teacher(tree["hz_school"]),
        channel="coordinator_enrollment",
        training_class=published_class,
    )
    projects.project_cancel(actor=national_admin.user, project=project, reason="承训条件变化")
    e.refresh_from_db()
    published_class.refresh_from_db()
    assert (e.status, e.live, e.holds_seat) == (Enrollment.Status.WITHDRAWN, False, False)
    assert "承训条件变化" in e.reason and published_class.seats_taken == 0
    assert seats.seats_consistent(project.programme) == []


def test_a_form_key_never_returns_someone_elses_enrollment(programme, tree, school_coordinator):
    from shipei.enrollment.errors import FormExpired

    submit(school_coordinator, programme, teacher(tree["hz_school"]), key="form-9")
    with pytest.raises(FormExpired):
        submit(school_coordinator, programme, teacher(tree["hz_school"]), key="form-9")
    assert Enrollment.objects.count() == 1


def test_a_resubmitted_form_gets_its_first_answer_whatever_happened_since(
    programme, tree, school_coordinator
):
    give(programme, 1, org=tree["hz_school"])
    person = teacher(tree["hz_school"])
    first = submit(school_coordinator, programme, person, key="form-7")
    assert not first.replayed
    # The quota is full and the window closed meanwhile: the retry still finds the first one.
    late = IN_WINDOW + datetime.timedelta(days=30)
    again = submit(school_coordinator, programme, person, key="form-7", now=late)
    assert (again.pk, again.replayed) == (first.pk, True)
    # Without the key the same teacher is refused, and a new teacher finds no seat.
    with pytest.raises(AlreadyEnrolled):
        submit(school_coordinator, programme, person)
    with pytest.raises(QuotaExhausted):
        submit(school_coordinator, programme, teacher(tree["hz_school"]), key="form-8")
    assert Enrollment.objects.count() == 1


def test_nobody_decides_their_own_enrollment(programme, tree, school_coordinator):
    from django.contrib.auth import get_user_model

    from shipei.accounts.models import Role, RoleAssignment
    from shipei.enrollment import selectors
    from shipei.enrollment.errors import OwnEnrollment

    def city_admin_teaching_at_school() -> Any:
        person = teacher(tree["hz_school"])
        user = get_user_model().objects.create_user(f"a{person.pk}", "Secret123", person=person)
        RoleAssignment.objects.create(user=user, role=Role.CITY_ADMIN, org=tree["hz"])
        return user

    give(programme, 3, region=Region.objects.get(code="330100"))
    admin, colleague = city_admin_teaching_at_school(), city_admin_teaching_at_school()
    own = submit(school_coordinator, programme, admin.person)
    theirs = submit(school_coordinator, programme, colleague.person)

    assert not approvals.may_decide(admin, own) and approvals.may_decide(colleague, own)
    assert list(selectors.awaiting(user=admin)) == [theirs]
    with pytest.raises(OwnEnrollment, match="不能审核本人的报名"):
        services.enrollment_decide(actor=admin, enrollment=own, decision="approve")
    with pytest.raises(OwnEnrollment):
        services.enrollment_decide_many(
            actor=admin, enrollments=[theirs, own], decision="reject", reason="材料不全"
        )
    theirs.refresh_from_db()
    assert theirs.status == Enrollment.Status.SUBMITTED  # all or nothing
    own = services.enrollment_decide(actor=colleague, enrollment=own, decision="approve")
    assert own.step == 1


def test_a_form_key_answers_only_for_what_it_first_asked(programme, tree, school_coordinator):
    from shipei.enrollment.errors import FormExpired

    person = teacher(tree["hz_school"])
    submit(school_coordinator, programme, person, key="form-11")
    with pytest.raises(FormExpired):  # the same key and teacher, another item
        submit(school_coordinator, programme, person, item="k2", key="form-11")
    assert Enrollment.objects.count() == 1


def test_a_retry_after_the_submitter_lost_its_role_still_gets_its_first_answer(
    programme, tree, school_coordinator
):
    from shipei.accounts import scope
    from shipei.accounts.models import RoleAssignment

    person = teacher(tree["hz_school"])
    first = submit(school_coordinator, programme, person, key="form-12")
    RoleAssignment.objects.filter(user=school_coordinator.user).update(is_active=False)
    scope.forget(school_coordinator.user)

    again = submit(school_coordinator, programme, person, key="form-12")

    assert (again.pk, again.replayed) == (first.pk, True)
    with pytest.raises(NotPermitted):  # anything new is refused
        submit(school_coordinator, programme, teacher(tree["hz_school"]), key="form-13")


def test_a_provincial_programme_takes_teachers_of_its_own_province_only(tree, jiangsu_admin):
    """江苏's admin cannot nominate a 江苏 teacher into 浙江's own training: the programme's
    owner governs 浙江 only, and there is no seat, no approver and no view for it elsewhere."""
    zj_programme = Programme.objects.create(
        code="zj", title="浙江省计划", year=2026, policy=policy(), owner=tree["zj"]
    )
    with pytest.raises(NotEligible, match="本计划由浙江省教育厅组织，只接受其所辖地区的教师"):
        submit(jiangsu_admin, zj_programme, teacher(tree["nj_school"]), item="k2")
    assert not Enrollment.objects.exists()


def coordinator_of(school):
    user = User.objects.create_user(f"c{school.pk}", "Secret123", person=PersonFactory(org=school))
    RoleAssignment.objects.create(user=user, role=Role.SCHOOL_COORDINATOR, org=school)
    return user


def test_a_university_outside_the_province_tree_cannot_enter_its_programme(tree, zhejiang_admin):
    """A ministry-affiliated university in 杭州 sits under the ministry, not under 浙江省教育厅:
    no city or province approver of 浙江 reaches it, so 浙江's own programme does not take it
    (it would wait for ever at the city's step)."""
    university = SchoolFactory(parent=tree["moe"], region=Region.objects.get(code="330100"))
    zj_programme = Programme.objects.create(
        code="zj", title="浙江省计划", year=2026, policy=policy(), owner=tree["zj"]
    )
    with pytest.raises(NotEligible, match="本计划由浙江省教育厅组织"):
        services.enrollment_submit(
            actor=coordinator_of(university),
            programme=zj_programme,
            item="k2",
            person=teacher(university),
            channel="nomination",
        )


def test_a_programme_owner_sees_and_decides_every_enrollment_in_it(tree, national_admin):
    """The ministry's programme takes a technical school of the human-resources line, outside
    the ministry's own tree: the ministry, which owns the programme, sees the enrollment and
    takes its step."""
    hr = org_bootstrap(parent=None, name="人力资源和社会保障部", kind=Organisation.Kind.MINISTRY)
    school = SchoolFactory(parent=hr, region=Region.objects.get(code="330100"))
    chain = [{"role": "national_admin", "label": "培训管理员审核"}]
    national = Programme.objects.create(
        code="n",
        title="国家计划",
        year=2026,
        policy=policy(approval_chain=chain),
        owner=tree["moe"],
    )
    enrollment = services.enrollment_submit(
        actor=coordinator_of(school),
        programme=national,
        item="k2",
        person=teacher(school),
        channel="nomination",
    )
    assert list(enrollment_list(user=national_admin.user)) == [enrollment]
    assert approvals.may_decide(national_admin.user, enrollment)


def test_an_item_teachers_enrolled_for_keeps_its_code(programme, tree, school_coordinator):
    """Enrollments name their item by its code: renaming or removing it would orphan them."""
    from shipei.programmes import services as programmes
    from shipei.programmes.errors import ItemInUse

    programme.owner = tree["zj"]
    programme.save()
    admin = User.objects.create_user("zj-admin", "Secret123", person=PersonFactory(org=tree["zj"]))
    RoleAssignment.objects.create(user=admin, role=Role.PROVINCIAL_ADMIN, org=tree["zj"])
    submit(school_coordinator, programme, teacher(tree["hz_school"]), item="k2")
    item = programme.rules.item("k2").model_dump(mode="json")
    with pytest.raises(ItemInUse):
        programmes.programme_item_save(
            actor=admin, programme=programme, code="k2", item={**item, "code": "k2-new"}
        )
    with pytest.raises(ItemInUse):
        programmes.programme_item_remove(actor=admin, programme=programme, code="k2")
    programme.refresh_from_db()
    assert programme.rules.item("k2").label == "青年教师研修"


def test_every_status_change_follows_the_one_table(programme, tree, school_coordinator):
    """An enrollment already attending cannot be withdrawn; one admitted can (the table in
    lifecycle.py), and the pages offer withdrawal exactly where the table allows it."""
    enrollment = submit(school_coordinator, programme, teacher(tree["hz_school"]), item="k2")
    Enrollment.objects.filter(pk=enrollment.pk).update(status=Enrollment.Status.ATTENDING)
    with pytest.raises(InvalidTransition, match="参训中"):
        services.enrollment_withdraw(actor=school_coordinator.user, enrollment=enrollment)
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.ATTENDING and enrollment.live
    assert {s for s, to in MOVES.items() if Enrollment.Status.WITHDRAWN in to} == WITHDRAWABLE
    assert {
        Enrollment.Status.SUBMITTED,
        Enrollment.Status.RETURNED,
        Enrollment.Status.WAITLISTED,
        Enrollment.Status.ADMITTED,
    } == WITHDRAWABLE
