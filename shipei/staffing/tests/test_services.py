import datetime

import pytest
from django.core.exceptions import ValidationError

from shipei.accounts.models import User
from shipei.audit.models import AuditEntry
from shipei.classes.errors import MilestonePassed
from shipei.classes.models import TrainingClass
from shipei.core.errors import InvalidTransition, NotPermitted
from shipei.notifications.models import Notification
from shipei.staffing import services
from shipei.staffing.errors import ClassStaffed, CoreTeacherBusy, NotYours
from shipei.staffing.models import Assignment, StaffingRun, StaffRole
from shipei.staffing.needs import class_needs, item_group, staff_roles

from .conftest import in_days, make_class, make_core_teacher, user_of

Status = Assignment.Status


def live(training_class, role=None):
    qs = Assignment.objects.filter(
        training_class=training_class, status__in=[Status.PROPOSED, Status.INVITED, Status.ACCEPTED]
    )
    return qs.filter(role=role) if role else qs


def test_the_004_policy_asks_two_teaching_and_three_assessing_core_teachers(programme, klass):
    assert staff_roles(programme.rules) == {"teaching": 2, "assessing": 3}
    assert item_group(programme.rules, "l2-c7") == ("工业综合与农业类", "二级")
    needs = class_needs(klass)
    assert (needs.category, needs.level, needs.label) == ("机械类", "三级", "三级·机械类")


def test_a_recommendation_fills_each_role_from_the_category_and_level_never_from_its_own_institution(
    base_admin, klass, pool, tree
):
    reasons = services.class_recommend(actor=base_admin.user, training_class=klass)

    assert reasons == []
    teaching = live(klass, StaffRole.TEACHING)
    assessing = live(klass, StaffRole.ASSESSING)
    assert teaching.count() == 2 and assessing.count() == 3
    chosen = {a.core_teacher for a in live(klass)}
    assert len(chosen) == 5  # no one in two roles
    assert all(t.home != tree["hz_base"] for t in chosen)
    assert all(t.qualifications.filter(category="机械类", level="三级").exists() for t in chosen)
    assert all(a.teaches for a in (x.core_teacher for x in teaching))
    assert AuditEntry.objects.filter(action="staffing.recommended").exists()


def test_a_preferred_teaching_core_teacher_is_proposed_where_they_qualify(base_admin, klass, pool):
    services.preferences_set(actor=base_admin.user, training_class=klass, core_teachers=[pool[3]])

    services.class_recommend(actor=base_admin.user, training_class=klass)

    mine = live(klass, StaffRole.TEACHING).get(core_teacher=pool[3])
    assert mine.preferred


def test_preferences_refuse_someone_who_cannot_teach_the_class_or_more_than_the_places(
    base_admin, klass, pool
):
    with pytest.raises(ValidationError, match="不能作为本班的授课骨干教师"):
        services.preferences_set(
            actor=base_admin.user, training_class=klass, core_teachers=[pool[5]]
        )
    with pytest.raises(ValidationError, match="最多选择 2 人"):
        services.preferences_set(
            actor=base_admin.user, training_class=klass, core_teachers=pool[:3]
        )


def test_another_institution_may_not_name_preferences_for_the_class(
    tree, klass, pool, school_coordinator
):
    with pytest.raises(NotPermitted):
        services.preferences_set(
            actor=school_coordinator.user, training_class=klass, core_teachers=[pool[0]]
        )


def test_someone_busy_the_day_before_the_class_is_not_proposed_and_the_shortage_says_why(
    base_admin, programme, klass, pool, tree
):
    # Everyone but two holds another class ending the day before this one starts.
    other = make_class(
        programme, tree["nj_school"], start=klass.starts_on - datetime.timedelta(days=7)
    )
    for teacher in pool[2:6]:
        Assignment.objects.create(
            training_class=other,
            core_teacher=teacher,
            role=StaffRole.ASSESSING if teacher.assesses else StaffRole.TEACHING,
            status=Status.ACCEPTED,
            source=Assignment.Source.RECOMMENDATION,
            busy_from=other.starts_on - datetime.timedelta(days=1),
            busy_until=other.ends_on,
        )

    reasons = services.class_recommend(actor=base_admin.user, training_class=klass)

    assert live(klass).count() == 2  # what can be filled is proposed
    assert not live(klass).filter(core_teacher__in=pool[2:6]).exists()
    assert any("含前一天行程" in r and "已有其他班次" in r for r in reasons)


def test_a_half_year_is_staffed_at_once_and_each_class_left_open_says_why(
    national_admin, programme, pool, tree
):
    # Two classes at the same time at two institutions, one of 一级 nobody is qualified for.
    a = make_class(programme, tree["hz_base"], start=datetime.date(2026, 3, 2))
    b = make_class(programme, tree["nj_school"], start=datetime.date(2026, 3, 4), item="l1-c1")
    make_core_teacher(tree["hz_school"], levels=("一级",), teaches=False)

    run = services.plan_staff(actor=national_admin.user, programme=programme, year=2026, half=1)

    assert (run.classes, run.staffed, run.status) == (2, 1, "OPTIMAL")
    assert live(a).count() == 5 and live(b).count() == 0
    reasons = {r["role"]: (r["cause"], r["qualified"]) for r in run.shortages[str(b.pk)]}
    assert reasons == {"teaching": ("qualified", 0), "assessing": ("qualified", 1)}
    assert StaffingRun.objects.count() == 1
    assert AuditEntry.objects.get(action="staffing.plan_staffed").actor == national_admin.user


def test_staffing_a_half_year_again_keeps_invitations_and_replaces_proposals(
    national_admin, base_admin, programme, pool, tree
):
    a = make_class(programme, tree["hz_base"], start=datetime.date(2027, 3, 2))
    services.plan_staff(actor=national_admin.user, programme=programme, year=2027, half=1)
    invited = live(a).first()
    services.assignment_invite(actor=base_admin.user, assignment=invited)

    services.plan_staff(actor=national_admin.user, programme=programme, year=2027, half=1)

    invited.refresh_from_db()
    assert invited.status == Status.INVITED
    assert live(a).count() == 5


def test_only_the_programmes_owners_staff_a_half_year(zhejiang_admin, programme, pool):
    with pytest.raises(NotPermitted):
        services.plan_staff(actor=zhejiang_admin.user, programme=programme, year=2026, half=1)


def test_an_invitation_holds_the_teacher_and_a_second_for_an_overlapping_class_is_refused(
    base_admin, programme, klass, pool, tree
):
    services.class_recommend(actor=base_admin.user, training_class=klass)
    first = live(klass).first()
    services.assignment_invite(actor=base_admin.user, assignment=first)
    # Another institution's class starting the day after this one ends: no travel day between.
    other = make_class(
        programme, tree["nj_school"], start=klass.ends_on + datetime.timedelta(days=1)
    )
    second = Assignment.objects.create(
        training_class=other,
        core_teacher=first.core_teacher,
        role=first.role,
        source=Assignment.Source.RECOMMENDATION,
        busy_from=other.starts_on - datetime.timedelta(days=1),
        busy_until=other.ends_on,
    )
    nj_admin = _base_admin_at(tree["nj_school"])

    with pytest.raises(CoreTeacherBusy, match="至少空一天行程"):
        services.assignment_invite(actor=nj_admin, assignment=second)
    second.refresh_from_db()
    assert second.status == Status.PROPOSED


def _base_admin_at(org):
    from shipei.accounts.models import Role, RoleAssignment, User
    from shipei.accounts.tests.factories import PersonFactory

    person = PersonFactory(org=org)
    user = User.objects.create_user(f"p{person.pk}", "Secret123", person=person)
    RoleAssignment.objects.create(user=user, role=Role.BASE_ADMIN, org=org)
    return user


def test_the_invited_teacher_is_notified_accepts_and_the_institution_hears_it(
    base_admin, klass, pool
):
    services.class_recommend(actor=base_admin.user, training_class=klass)
    invitation = live(klass).filter(core_teacher__in=pool[:3]).first()
    services.assignment_invite(actor=base_admin.user, assignment=invitation)
    teacher = user_of(invitation.core_teacher)
    assert Notification.objects.filter(user=teacher, title__contains="骨干教师邀请").exists()

    services.assignment_accept(actor=teacher, assignment=invitation)

    invitation.refresh_from_db()
    assert invitation.status == Status.ACCEPTED and invitation.answered_at
    assert Notification.objects.filter(user=base_admin.user, title__contains="已接受邀请").exists()


def test_no_one_answers_an_invitation_addressed_to_someone_else(base_admin, klass, pool):
    services.class_recommend(actor=base_admin.user, training_class=klass)
    invitation = live(klass).filter(core_teacher=pool[0]).first() or live(klass).first()
    services.assignment_invite(actor=base_admin.user, assignment=invitation)
    stranger = user_of(next(t for t in pool[:3] if t != invitation.core_teacher))

    with pytest.raises(NotYours):
        services.assignment_accept(actor=stranger, assignment=invitation)


def test_a_decline_brings_the_next_proposal_for_that_place_and_never_the_same_teacher(
    base_admin, klass, pool, tree
):
    extra = make_core_teacher(tree["nj_school"], login=True)  # one more to step in
    services.class_recommend(actor=base_admin.user, training_class=klass)
    invitation = live(klass).filter(core_teacher__in=[*pool[:3], extra]).first()
    services.assignment_invite(actor=base_admin.user, assignment=invitation)
    teacher = invitation.core_teacher

    services.assignment_decline(actor=user_of(teacher), assignment=invitation, reason="时间冲突")

    invitation.refresh_from_db()
    assert (invitation.status, invitation.reason) == (Status.DECLINED, "时间冲突")
    assert live(klass, invitation.role).count() == class_needs(klass).staff[invitation.role]
    assert not live(klass).filter(core_teacher=teacher).exists()
    # Recommending the class again does not bring the teacher back either.
    services.class_recommend(actor=base_admin.user, training_class=klass)
    assert not live(klass).filter(core_teacher=teacher).exists()


def test_a_role_once_filled_takes_no_further_invitation(base_admin, klass, pool, tree):
    services.class_recommend(actor=base_admin.user, training_class=klass)
    for a in live(klass, StaffRole.TEACHING):
        services.assignment_invite(actor=base_admin.user, assignment=a)
    spare = make_core_teacher(tree["nj_school"])
    extra = Assignment.objects.create(
        training_class=klass,
        core_teacher=spare,
        role=StaffRole.TEACHING,
        source=Assignment.Source.RECOMMENDATION,
        busy_from=klass.starts_on - datetime.timedelta(days=1),
        busy_until=klass.ends_on,
    )
    with pytest.raises(ClassStaffed, match="已满 2 人"):
        services.assignment_invite(actor=base_admin.user, assignment=extra)


def test_an_accepted_invitation_cannot_be_accepted_again_but_can_be_withdrawn(
    base_admin, klass, pool
):
    services.class_recommend(actor=base_admin.user, training_class=klass)
    invitation = live(klass).filter(core_teacher__in=pool[:3]).first()
    services.assignment_invite(actor=base_admin.user, assignment=invitation)
    teacher = user_of(invitation.core_teacher)
    services.assignment_accept(actor=teacher, assignment=invitation)
    with pytest.raises(InvalidTransition):
        services.assignment_accept(actor=teacher, assignment=invitation)

    services.assignment_withdraw(actor=base_admin.user, assignment=invitation, reason="调整")

    invitation.refresh_from_db()
    assert invitation.status == Status.WITHDRAWN
    assert Notification.objects.filter(user=teacher, title__contains="邀请已撤回").exists()


def test_a_school_coordinator_cannot_invite_for_a_base(base_admin, school_coordinator, klass, pool):
    services.class_recommend(actor=base_admin.user, training_class=klass)
    with pytest.raises(NotPermitted):
        services.assignment_invite(actor=school_coordinator.user, assignment=live(klass).first())


def test_the_pool_takes_only_the_programmes_categories_and_levels_and_a_role(
    zhejiang_admin, programme, tree
):
    from shipei.accounts.tests.factories import PersonFactory

    person = PersonFactory(org=tree["hz_school"])
    with pytest.raises(ValidationError) as caught:
        services.core_teacher_save(
            actor=zhejiang_admin.user,
            person=person,
            home=tree["hz_school"],
            teaches=False,
            assesses=False,
            categories=["烹饪类"],
            levels=["四级"],
        )
    assert set(caught.value.message_dict) == {"categories", "levels", "teaches"}

    teacher = services.core_teacher_save(
        actor=zhejiang_admin.user,
        person=person,
        home=tree["hz_school"],
        teaches=True,
        assesses=False,
        categories=["机械类", "信息类"],
        levels=["三级", "二级"],
    )
    assert teacher.qualifications.count() == 4


def test_a_province_keeps_only_the_core_teachers_of_its_own_area(jiangsu_admin, programme, tree):
    from shipei.accounts.tests.factories import PersonFactory

    with pytest.raises(NotPermitted):
        services.core_teacher_save(
            actor=jiangsu_admin.user,
            person=PersonFactory(org=tree["hz_school"]),
            home=tree["hz_school"],
            teaches=True,
            assesses=True,
            categories=["机械类"],
            levels=["三级"],
        )


def test_proposals_count_a_teachers_assignments_this_year_and_spread_them(
    base_admin, programme, tree
):
    """Of two equal teachers, the one holding fewer classes this year is proposed."""
    busy = make_core_teacher(tree["nj_school"], teaches=False)
    idle = make_core_teacher(tree["nj_school"], teaches=False)
    earlier = make_class(programme, tree["hz_school"], start=datetime.date(2027, 3, 1))
    Assignment.objects.create(
        training_class=earlier,
        core_teacher=busy,
        role=StaffRole.ASSESSING,
        status=Status.ACCEPTED,
        source=Assignment.Source.RECOMMENDATION,
        busy_from=earlier.starts_on,
        busy_until=earlier.ends_on,
    )
    later = make_class(programme, tree["hz_base"], start=datetime.date(2027, 5, 10))
    for _t in range(4):
        make_core_teacher(tree["nj_school"], assesses=False)
    # Three assessing places, two assessors besides these two: one of the two is needed.
    make_core_teacher(tree["nj_school"], teaches=False)
    make_core_teacher(tree["nj_school"], teaches=False)

    services.class_recommend(actor=base_admin.user, training_class=later)

    chosen = set(live(later, StaffRole.ASSESSING).values_list("core_teacher", flat=True))
    assert idle.pk in chosen and busy.pk not in chosen


def test_staff_keys_name_roles_by_code_or_words_and_other_staff_stay_the_institutions():
    from shipei.presets.loader import preset_data
    from shipei.programmes.policy import parse_policy

    data = preset_data("mohrss-integrated-teacher-training")["policy"]
    data["classes"]["staff"] = {"teaching": 1, "考核骨干教师": 2, "班务管理教师": 1, "assessing": 1}
    assert staff_roles(parse_policy(data)) == {"teaching": 1, "assessing": 3}


def test_proposals_written_after_another_request_filled_the_places_are_left_out(
    base_admin, klass, pool
):
    """The solver runs without locking the class; what it proposes is written under the lock
    and never beyond the places (another recommendation may have come first)."""
    from shipei.staffing import solver
    from shipei.staffing.services.proposals import propose

    services.class_recommend(actor=base_admin.user, training_class=klass)
    before = set(live(klass).values_list("core_teacher", "role"))
    late = solver.Solution(
        staff={klass.pk: [("teaching", pool[3].pk), ("assessing", pool[5].pk)]},
        staffed=set(),
        status="OPTIMAL",
        preferences=0,
        max_load=0,
        sum_squares=0,
        bound=1,
        seconds=0,
    )

    made = propose([klass], late, source="recommendation", replace=False)

    assert made == 0
    assert set(live(klass).values_list("core_teacher", "role")) == before


def test_a_class_waiting_for_its_core_teachers_is_staffed_when_the_last_place_accepts(
    base_admin, programme, tree, pool
):
    klass = make_class(programme, tree["hz_base"], start=in_days(40))
    TrainingClass.objects.filter(pk=klass.pk).update(status=TrainingClass.Status.APPLIED)
    klass.refresh_from_db()
    services.class_recommend(actor=base_admin.user, training_class=klass)
    proposals = list(live(klass))
    assert len(proposals) == 5
    for n, proposal in enumerate(proposals):
        services.assignment_invite(actor=base_admin.user, assignment=proposal)
        person = proposal.core_teacher.person
        user = User.objects.filter(person=person).first() or User.objects.create_user(
            f"p{person.pk}", "Secret123", person=person
        )
        services.assignment_accept(actor=user, assignment=proposal)
        klass.refresh_from_db()
        last = n == len(proposals) - 1
        assert klass.status == (
            TrainingClass.Status.STAFFED if last else TrainingClass.Status.APPLIED
        )
    assert AuditEntry.objects.filter(action="class.staffed").count() == 1


def test_invitations_after_the_35_day_milestone_wait_for_an_admins_exception(
    base_admin, programme, tree, pool
):
    late = make_class(programme, tree["hz_base"], start=in_days(30))
    TrainingClass.objects.filter(pk=late.pk).update(status=TrainingClass.Status.APPLIED)
    late.refresh_from_db()
    services.class_recommend(actor=base_admin.user, training_class=late)
    proposal = live(late).first()

    with pytest.raises(MilestonePassed, match="推荐并邀请骨干教师须在开班前 35 天"):
        services.assignment_invite(actor=base_admin.user, assignment=proposal)
    proposal.refresh_from_db()
    assert proposal.status == Status.PROPOSED
