from shipei.accounts.models import User
from shipei.accounts.tests.factories import PersonFactory
from shipei.audit.services import record


def _superuser(client) -> User:
    admin = User.objects.create_superuser("root", "Secret123")
    client.force_login(admin)
    return admin


def test_the_admin_refuses_to_delete_an_account_that_acted_and_says_to_deactivate_it(client, tree):
    _superuser(client)
    person = PersonFactory(org=tree["hz_school"])
    user = User.objects.create_user(f"p{person.pk}", "Secret123", person=person)
    record(user, "org.alias_added", tree["hz_school"], alias="中策职校")

    change = client.get(f"/admin/accounts/user/{user.pk}/change/").content.decode()
    response = client.post(f"/admin/accounts/user/{user.pk}/delete/", {"post": "yes"}, follow=True)

    assert f"/admin/accounts/user/{user.pk}/delete/" not in change  # no 删除 link
    assert "请改为停用该账号" in response.content.decode()
    assert User.objects.filter(pk=user.pk).exists()
    listing = client.get("/admin/accounts/user/").content.decode()
    assert "delete_selected" not in listing


def test_the_admin_deletes_an_account_that_never_acted(client, tree):
    _superuser(client)
    person = PersonFactory(org=tree["hz_school"])
    user = User.objects.create_user(f"p{person.pk}", "Secret123", person=person)

    client.post(f"/admin/accounts/user/{user.pk}/delete/", {"post": "yes"})

    assert not User.objects.filter(pk=user.pk).exists()
