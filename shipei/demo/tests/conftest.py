"""The demo is built once for all the tests of this folder (it takes some twenty seconds), in a
transaction that each test's own one nests in and that is rolled back after the last."""

from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction

from shipei.orgs.models import Region
from shipei.orgs.regions import sync_regions


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """One test process runs them all (`--dist loadgroup`), so the demo is built once."""
    for item in items:
        if "shipei/demo/tests/" in item.nodeid:
            item.add_marker(pytest.mark.xdist_group("demo"))


@pytest.fixture(scope="package")
def demo_printed(django_db_setup: Any, django_db_blocker: Any) -> Iterator[str]:
    """What `shipei demo_setup` printed, the demo being in the database."""
    with django_db_blocker.unblock(), transaction.atomic():
        if not Region.objects.exists():  # a transactional test's flush removed them
            sync_regions(Region)
        out = StringIO()
        call_command("demo_setup", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)
