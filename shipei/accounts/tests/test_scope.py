from shipei.accounts import scope
from shipei.accounts.models import Person, Role
from shipei.orgs.models import Organisation


def test_provincial_admin_reaches_its_whole_subtree_and_nothing_else(zhejiang_admin, tree):
    visible = set(
        Organisation.objects.filter(scope.orgs_q(zhejiang_admin.user, "org.view", via=None))
    )
    assert visible == {tree["zj"], tree["hz"], tree["hz_school"], tree["hz_base"]}
    assert scope.allows(zhejiang_admin.user, "org.change", tree["hz_school"])
    assert not scope.allows(zhejiang_admin.user, "org.view", tree["nj_school"])
    assert not scope.allows(zhejiang_admin.user, "org.view", tree["moe"])


def test_school_coordinator_sees_only_its_school(school_coordinator, tree):
    visible = set(
        Organisation.objects.filter(scope.orgs_q(school_coordinator.user, "org.view", via=None))
    )
    assert visible == {tree["hz_school"]}
    assert not scope.has_any(school_coordinator.user, "org.create")


def test_path_prefix_does_not_match_a_sibling_with_a_longer_id(tree):
    # /1/2/ must not match /1/23/: the trailing slash guards the prefix.
    assert not tree["js"].path.startswith(tree["zj"].path)


def test_trainee_sees_only_itself(trainee, tree):
    people = Person.objects.filter(scope.people_q(trainee.user, "person.view"))
    assert list(people) == [trainee.person]
    assert scope.allows_person(trainee.user, "person.reveal", trainee.person)
    assert not scope.has_any(trainee.user, "org.view")


def test_grantable_roles_depend_on_role_and_organisation_kind(zhejiang_admin, city_admin, tree):
    at_school = scope.grantable_roles(zhejiang_admin.user, tree["hz_school"])
    assert Role.SCHOOL_COORDINATOR in at_school
    assert Role.PROVINCIAL_ADMIN not in at_school  # a school is not a province department
    assert Role.NATIONAL_ADMIN not in scope.grantable_roles(zhejiang_admin.user, tree["zj"])
    assert scope.grantable_roles(city_admin.user, tree["hz_school"]) == [
        Role.SCHOOL_COORDINATOR,
        Role.TRAINEE,
    ]
    assert scope.grantable_roles(city_admin.user, tree["nj_school"]) == []


def test_inactive_assignment_grants_nothing(zhejiang_admin, tree):
    zhejiang_admin.user.assignments.update(is_active=False)
    scope.forget(zhejiang_admin.user)
    assert not scope.allows(zhejiang_admin.user, "org.view", tree["zj"])
