"""List pages take their page size only from the pager's choices: a wrong or huge ``per_page``
shows the usual 20 rows, never a server error nor every row at once."""

from typing import Any

import pytest
from django.test import Client

from shipei.accounts.tests.factories import PersonFactory
from shipei.core.tests.api_helpers import api_as

# Every list page with a pager: the tables (core.tables.RequestConfig) and the plain pages.
LIST_PAGES = [
    "/people/",
    "/orgs/",
    "/enrollment/",
    "/enrollment/awaiting/",
    "/enrollment/admitted/",
    "/projects/",
    "/projects/review/",
    "/catalogue/",
    "/audit/",
    "/notifications/",
]


def page_size(response: Any) -> int:
    if "table" in response.context:
        return response.context["table"].paginator.per_page
    return response.context["page"].paginator.per_page


@pytest.mark.parametrize("value", ["-1", "0", "abc", "1000000", "²", "9" * 5000])
@pytest.mark.parametrize("path", LIST_PAGES)
def test_a_wrong_page_size_or_page_shows_the_first_20_rows_on_every_list_page(
    client: Client, national_admin: Any, path: str, value: str
) -> None:
    client.force_login(national_admin.user)

    response = client.get(path, {"per_page": value, "page": value})

    assert response.status_code == 200
    assert page_size(response) == 20


def test_a_huge_page_size_shows_20_people_and_an_offered_one_is_kept(
    client: Client, national_admin: Any, tree: dict[str, Any]
) -> None:
    for _ in range(24):
        PersonFactory(org=tree["hz_school"])
    client.force_login(national_admin.user)

    huge = client.get("/people/", {"per_page": "1000000"}).context["table"]
    fifty = client.get("/people/", {"per_page": "50"}).context["table"]
    last = client.get("/people/", {"page": "99"}).context["table"]

    assert len(huge.page.object_list) == 20
    assert len(fifty.page.object_list) == 25  # 24 and the admin
    assert last.page.number == 2 and len(last.page.object_list) == 5


def test_the_api_bounds_its_page_size_too(national_admin: Any, tree: dict[str, Any]) -> None:
    for _ in range(104):
        PersonFactory(org=tree["hz_school"])
    api = api_as(national_admin)

    for value, shown in [("-1", 20), ("0", 20), ("abc", 20), ("1000000", 100), ("50", 50)]:
        body = api.get("/api/v1/people/", {"per_page": value}).json()
        assert (body["count"], len(body["results"])) == (105, shown), value
