"""Shared fixtures: the demo-like tree and one named user per role (STYLE.md §7)."""

from dataclasses import dataclass
from typing import Any

import pytest
from django.core.cache import cache
from django.db import transaction
from django.db.backends.postgresql.operations import DatabaseOperations as PostgresOperations
from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteWrapper

from shipei.accounts.models import Person, Role, RoleAssignment, User
from shipei.accounts.tests.factories import PersonFactory
from shipei.core.sms import MemoryBackend
from shipei.orgs.models import Organisation, Region
from shipei.orgs.regions import sync_regions
from shipei.orgs.tests.factories import build_tree


@dataclass
class Actor:
    user: User
    person: Person | None
    org: Organisation


@pytest.fixture(autouse=True)
def _regions(request: pytest.FixtureRequest) -> None:
    """Regions come from a data migration, and every transactional test ends with a flush that
    removes them for the tests after it; load them again where a test touches the database."""
    uses_db = request.node.get_closest_marker("django_db") or {"db", "transactional_db"} & set(
        request.fixturenames
    )
    if not uses_db:
        return
    transactional = "transactional_db" in request.fixturenames or (
        (marker := request.node.get_closest_marker("django_db"))
        and marker.kwargs.get("transaction")
    )
    request.getfixturevalue("transactional_db" if transactional else "db")
    if not Region.objects.exists():
        with transaction.atomic():  # one commit, not one per region
            sync_regions(Region)


def _flush_by_delete(
    self: PostgresOperations,
    style: Any,
    tables: list[str],
    *,
    reset_sequences: bool = False,
    allow_cascade: bool = False,
) -> list[str]:
    """The flush after each transactional test on PostgreSQL: DELETE instead of TRUNCATE. A
    test leaves a few rows, and TRUNCATE makes new files for every table and index (~2.5 s a
    test, against ~0.05 s). The flush runs in a transaction; Django's foreign keys are
    deferrable, so deferred, the tables can be emptied in any order. Row triggers are off for
    the flush as they are for TRUNCATE: the statistics' triggers read the organisation of a
    deleted enrollment, which a flush in any order may already have deleted."""
    if reset_sequences or not tables:
        return _truncate(
            self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
    return [
        "SET CONSTRAINTS ALL DEFERRED",
        "SET LOCAL session_replication_role = replica",
        *(f"DELETE FROM {self.quote_name(t)}" for t in tables),
    ]


_truncate = PostgresOperations.sql_flush
# Through the wrapper: importing sqlite3.operations first is a circular import in Django.
SQLiteOperations = SQLiteWrapper.ops_class
_sqlite_flush = SQLiteOperations.sql_flush


def _flush_enrollments_first(self: SQLiteOperations, style: Any, tables: list[str], **kw: Any):
    """SQLite cannot turn triggers off: empty the enrollments while their organisations still
    exist, so the statistics trigger finds each one's area, and its rows are emptied after."""
    first = [t for t in tables if t == "enrollment_enrollment"]
    return _sqlite_flush(self, style, first + [t for t in tables if t not in first], **kw)


@pytest.fixture(scope="session", autouse=True)
def _fast_flush() -> Any:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(PostgresOperations, "sql_flush", _flush_by_delete)
        patch.setattr(SQLiteOperations, "sql_flush", _flush_enrollments_first)
        yield


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Limits counted in the cache (SMS codes, numbers refused) start from zero in each test:
    on SQLite the next test's users get the keys of the last one's."""
    cache.clear()


@pytest.fixture
def tree(db: Any) -> dict[str, Organisation]:
    """教育部 > 浙江省教育厅 > 杭州市教育局 > schools; 江苏省教育厅 > 南京市教育局 > school."""
    return build_tree()


def _actor(role: str, org: Organisation, *, person_org: Organisation | None = None) -> Actor:
    person = PersonFactory(org=person_org or org)
    user = User.objects.create_user(f"p{person.pk}", "Secret123", person=person)
    RoleAssignment.objects.create(user=user, role=role, org=org)
    return Actor(user=user, person=person, org=org)


@pytest.fixture
def national_admin(tree: dict[str, Organisation]) -> Actor:
    return _actor(Role.NATIONAL_ADMIN, tree["moe"])


@pytest.fixture
def zhejiang_admin(tree: dict[str, Organisation]) -> Actor:
    return _actor(Role.PROVINCIAL_ADMIN, tree["zj"])


@pytest.fixture
def jiangsu_admin(tree: dict[str, Organisation]) -> Actor:
    return _actor(Role.PROVINCIAL_ADMIN, tree["js"])


@pytest.fixture
def city_admin(tree: dict[str, Organisation]) -> Actor:
    return _actor(Role.CITY_ADMIN, tree["hz"])


@pytest.fixture
def school_coordinator(tree: dict[str, Organisation]) -> Actor:
    return _actor(Role.SCHOOL_COORDINATOR, tree["hz_school"])


@pytest.fixture
def base_admin(tree: dict[str, Organisation]) -> Actor:
    return _actor(Role.BASE_ADMIN, tree["hz_base"])


@pytest.fixture
def trainee(tree: dict[str, Organisation]) -> Actor:
    return _actor(Role.TRAINEE, tree["hz_school"])


@pytest.fixture
def sms_outbox() -> Any:
    MemoryBackend.outbox.clear()
    yield MemoryBackend.outbox
    MemoryBackend.outbox.clear()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Debian's Chromium: Playwright cannot download its own browser here."""
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }
