"""Who takes an enrollment's approval step, asked three ways of one policy (approvals.py): the
users to notify and remind, the enrollments in each user's 待我审核, and the check that lets a
user decide agree on every step, never naming the person whose enrollment it is."""

from typing import Any

import pytest

from shipei.accounts.models import Role, RoleAssignment, User
from shipei.enrollment import services as enrollment_services
from shipei.enrollment.approvals import may_decide, users_who_may_decide
from shipei.enrollment.selectors import awaiting
from shipei.orgs.models import Organisation
from shipei.orgs.services import org_bootstrap
from shipei.programmes.models import Programme

from .conftest import IN_WINDOW, holder, make_teacher, submit, two_step_policy

pytestmark = pytest.mark.django_db


def names(users: list[Any]) -> set[int]:
    return {user.pk for user in users}


def allowed_by_the_check(enrollment: Any) -> set[int]:
    """The users the check lets decide, asserting that exactly their 待我审核 lists it."""
    users = User.objects.filter(is_active=True)
    allowed = {user.pk for user in users if may_decide(user, enrollment)}
    listing = {user.pk for user in users if awaiting(user=user).filter(pk=enrollment.pk).exists()}
    assert listing == allowed, "待我审核 and the check disagree"
    return allowed


@pytest.fixture
def officials(
    tree, city_admin, nanjing_admin, zhejiang_admin, jiangsu_admin, national_admin
) -> dict[str, Any]:
    retired = holder(Role.PROVINCIAL_ADMIN, tree["zj"])
    RoleAssignment.objects.filter(user=retired).update(is_active=False)
    return {
        "city": city_admin.user,
        "second_city": holder(Role.CITY_ADMIN, tree["hz"]),
        "province": zhejiang_admin.user,
        "retired": retired,
    }


def test_each_step_names_the_holders_the_check_lets_decide(
    programme, tree, school_coordinator, officials
):
    enrollment = submit(school_coordinator.user, programme, make_teacher(tree["hz_school"]))

    at_city = users_who_may_decide(enrollment)
    assert names(at_city) == {officials["city"].pk, officials["second_city"].pk}
    assert names(at_city) == allowed_by_the_check(enrollment)

    enrollment_services.enrollment_decide(
        actor=officials["city"], enrollment=enrollment, decision="approve"
    )
    enrollment.refresh_from_db()
    at_province = users_who_may_decide(enrollment)
    assert names(at_province) == {officials["province"].pk}  # not the retired one, not 江苏
    assert names(at_province) == allowed_by_the_check(enrollment)


def test_the_ministrys_step_names_the_national_admins(tree, school_coordinator, national_admin):
    programme = Programme.objects.create(
        code="m",
        title="部级计划",
        year=2026,
        policy=two_step_policy(approval_chain=[{"role": "national_admin", "label": "教育部确认"}]),
    )
    enrollment = submit(school_coordinator.user, programme, make_teacher(tree["hz_school"]))

    assert names(users_who_may_decide(enrollment)) == {national_admin.user.pk}
    assert names(users_who_may_decide(enrollment)) == allowed_by_the_check(enrollment)


def test_the_step_of_a_ministry_that_owns_the_programme_names_its_admins_only(
    tree, school_coordinator, national_admin
):
    """A programme owned by one ministry: another ministry's national admin does not take it."""
    hr = org_bootstrap(parent=None, name="人力资源和社会保障部", kind=Organisation.Kind.MINISTRY)
    other = holder(Role.NATIONAL_ADMIN, hr)
    programme = Programme.objects.create(
        code="m",
        title="部级计划",
        year=2026,
        owner=tree["moe"],
        policy=two_step_policy(approval_chain=[{"role": "national_admin", "label": "教育部确认"}]),
    )
    enrollment = submit(school_coordinator.user, programme, make_teacher(tree["hz_school"]))

    assert names(users_who_may_decide(enrollment)) == {national_admin.user.pk}
    assert other.pk not in allowed_by_the_check(enrollment)


def test_an_approver_is_not_named_for_their_own_enrollment(programme, tree, city_admin):
    colleague = holder(Role.CITY_ADMIN, tree["hz"])
    own = enrollment_services.enrollment_submit(
        actor=colleague,
        programme=programme,
        item="k1",
        person=colleague.person,
        channel="self_registration",
        now=IN_WINDOW,
    )

    assert names(users_who_may_decide(own)) == {city_admin.user.pk}
    assert names(users_who_may_decide(own)) == allowed_by_the_check(own)


def test_an_answer_shared_through_the_cache_still_leaves_out_the_enrollments_own_person(
    programme, tree, school_coordinator, city_admin
):
    colleague = holder(Role.CITY_ADMIN, tree["hz"])
    other = submit(school_coordinator.user, programme, make_teacher(tree["hz_school"]))
    own = enrollment_services.enrollment_submit(
        actor=colleague,
        programme=programme,
        item="k1",
        person=colleague.person,
        channel="self_registration",
        now=IN_WINDOW,
    )
    cache: dict = {}

    assert names(users_who_may_decide(other, cache=cache)) == {city_admin.user.pk, colleague.pk}
    assert names(users_who_may_decide(own, cache=cache)) == {city_admin.user.pk}


def test_nobody_is_named_once_the_enrollment_is_decided(
    programme, tree, school_coordinator, city_admin
):
    enrollment = submit(school_coordinator.user, programme, make_teacher(tree["hz_school"]))
    enrollment_services.enrollment_decide(
        actor=city_admin.user, enrollment=enrollment, decision="reject", reason="不符合条件"
    )
    enrollment.refresh_from_db()

    assert users_who_may_decide(enrollment) == []
