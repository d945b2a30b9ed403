"""Holes a review found in the first version, each closed and kept closed."""

import pytest
from django.core.exceptions import ValidationError
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from shipei.accounts import scope
from shipei.accounts import services as people
from shipei.accounts.models import Role, RoleAssignment, User
from shipei.accounts.tests.factories import PersonFactory
from shipei.core.errors import NotPermitted
from shipei.orgs import services as orgs
from shipei.orgs.models import Organisation


def _account(person, role, org):
    user = User.objects.create_user(f"p{person.pk}", "Secret123", person=person)
    RoleAssignment.objects.create(user=user, role=role, org=org)
    return user


def test_city_admin_cannot_reset_the_password_of_a_base_admin_in_its_city(city_admin, tree):
    base_admin = _account(PersonFactory(org=tree["hz_base"]), Role.BASE_ADMIN, tree["hz_base"])
    with pytest.raises(NotPermitted, match="无权授予的角色"):
        people.account_reset_password(actor=city_admin.user, user=base_admin)
    with pytest.raises(NotPermitted):
        people.person_update(actor=city_admin.user, person=base_admin.person, mobile="13600000000")
    base_admin.refresh_from_db()
    assert base_admin.check_password("Secret123")


def test_city_admin_may_reset_a_trainee_and_old_api_tokens_stop_working(city_admin, tree):
    trainee = _account(PersonFactory(org=tree["hz_school"]), Role.TRAINEE, tree["hz_school"])
    token = Token.objects.create(user=trainee)
    people.account_reset_password(actor=city_admin.user, user=trainee)
    assert not Token.objects.filter(key=token.key).exists()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.get("/api/v1/me/").status_code == 401


def test_superusers_are_never_managed_by_domain_admins(national_admin, tree):
    root = _account(PersonFactory(org=tree["hz_school"]), Role.TRAINEE, tree["hz_school"])
    root.is_superuser = True
    root.save()
    assert not scope.may_manage_account(national_admin.user, root)


def test_one_time_password_gets_no_api_token_and_no_api_access(client, school_coordinator, tree):
    person = PersonFactory(org=tree["hz_school"])
    user, password = people.account_open(actor=school_coordinator.user, person=person)
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": person._mobile(), "password": password}
    )
    assert response.status_code == 403 and "修改初始密码" in response.json()["message"]
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    assert api.get("/api/v1/people/").status_code == 403


def test_an_organisation_without_a_path_grants_no_scope(db, tree):
    broken = Organisation.objects.create(
        name="路径缺失的单位", kind=Organisation.Kind.OTHER, path=""
    )
    user = _account(PersonFactory(org=tree["hz_school"]), Role.CITY_ADMIN, broken)
    assert not Organisation.objects.filter(scope.orgs_q(user, "org.view", via=None)).exists()


def test_admin_cannot_reshape_the_organisation_its_role_is_bound_to(
    city_admin, zhejiang_admin, tree
):
    with pytest.raises(NotPermitted, match="角色所在的机构本身"):
        orgs.org_update(actor=city_admin.user, org=tree["hz"], kind=Organisation.Kind.SCHOOL)
    with pytest.raises(NotPermitted):
        orgs.org_set_active(actor=zhejiang_admin.user, org=tree["zj"], active=False)
    orgs.org_update(actor=zhejiang_admin.user, org=tree["hz"], name="杭州市教育局（新）")


def test_changing_a_kind_must_keep_the_children_valid(zhejiang_admin, tree):
    with pytest.raises(ValidationError, match="等下级单位不能设在该类型之下"):
        orgs.org_update(actor=zhejiang_admin.user, org=tree["hz"], kind=Organisation.Kind.OTHER)
    tree["hz"].refresh_from_db()
    assert tree["hz"].kind == Organisation.Kind.CITY_EDU
