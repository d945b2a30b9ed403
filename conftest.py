"""Shared fixtures: the demo-like tree and one named user per role (STYLE.md §7)."""

from dataclasses import dataclass
from typing import Any

import pytest

from shipei.accounts.models import Person, Role, RoleAssignment, User
from shipei.accounts.tests.factories import PersonFactory
from shipei.core.sms import MemoryBackend
from shipei.orgs.models import Organisation
from shipei.orgs.tests.factories import build_tree


@dataclass
class Actor:
    user: User
    person: Person | None
    org: Organisation


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


@pytest.fixture
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
