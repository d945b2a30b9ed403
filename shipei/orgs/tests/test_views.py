"""Organisation pages."""


def test_detail_page_offers_no_edit_of_the_admins_own_organisation(client, city_admin, tree):
    client.force_login(city_admin.user)
    assert (
        f"/orgs/{tree['hz'].pk}/edit/" not in client.get(f"/orgs/{tree['hz'].pk}/").content.decode()
    )
    school = client.get(f"/orgs/{tree['hz_school'].pk}/").content.decode()
    assert f"/orgs/{tree['hz_school'].pk}/edit/" in school
