"""Quotas known to be full (quotas.seats.full_flag): a submission to a quota the shared cache
knows to be full is refused without a seat statement, and every change that frees a seat makes
the flag stale at once.

One table of cases runs with the flags (the test's local memory standing for the shared cache)
and without them: each ends with the same answers, rows and counters, and the flagged run
attempts fewer seats by the refusals the flags answered. Through the ORM on any database, and
in one statement on PostgreSQL."""

import copy
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection

from shipei.accounts.tests.factories import PersonFactory
from shipei.enrollment import seats, services
from shipei.enrollment.models import Enrollment
from shipei.enrollment.tests.conftest import ONE_STEP_POLICY
from shipei.enrollment.tests.test_seats import World
from shipei.orgs.models import Region
from shipei.quotas import seats as quota_seats
from shipei.quotas import services as quotas

TAKE = quota_seats._TAKE


class Rush(World):
    """A World whose teachers may be of another school, whose enrollments are withdrawn and
    rejected, and whose quotas are changed through the quota services."""

    def __init__(self, code: str, policy: dict[str, Any], tree: dict[str, Any], actors: Any):
        super().__init__(code, policy, tree, actors["school_coordinator"])
        self.actors = actors
        self.by_name: dict[str, Enrollment] = {}

    def submit(self, who: str, *, at: str = "hz_school", **kw: Any) -> None:
        """Submit teacher `who` of school `at`, nominated by its coordinator (the city's
        administrator for another school of the city)."""
        if who not in self.people:
            self.people[who] = PersonFactory(org=self.tree[at], name=who)
        role = "school_coordinator" if at == "hz_school" else "city_admin"
        self.actor = self.actors[role]
        made = len(self.made)
        super().submit(who, **kw)
        if len(self.made) > made:
            self.by_name[who] = self.made[-1]

    def withdraw(self, who: str) -> None:
        services.enrollment_withdraw(
            actor=self.actors["school_coordinator"].user, enrollment=self.by_name[who]
        )

    def reject(self, who: str) -> None:
        services.enrollment_decide(
            actor=self.actors["city_admin"].user,
            enrollment=self.by_name[who],
            decision="reject",
            reason="材料不全",
        )

    def set_seats(self, seats: int, *, region: str = "", org: str = "") -> None:
        """Through quota_set, as an administrator gives them (the ministry's: no owner)."""
        quotas.quota_set(
            actor=self.actors["national_admin"].user,
            programme=self.programme,
            item="k1",
            seats=seats,
            region=Region.objects.get(code=region) if region else None,
            org=self.tree[org] if org else None,
        )

    def set_seats_elsewhere(self, seats: int, **receiver: str) -> None:
        """set_seats on another server: this process keeps the receivers it read before."""
        kept = dict(quota_seats._RECEIVERS)
        self.set_seats(seats, **receiver)
        quota_seats._RECEIVERS.clear()
        quota_seats._RECEIVERS.update(kept)


@dataclass(frozen=True)
class Case:
    name: str
    run: Callable[[Rush], None]
    answers: list[str]
    flagged: int  # refusals the flags answer, without a seat statement
    policy: dict[str, Any] = field(default_factory=dict)
    # Through the ORM, where its INSERT refuses a second enrollment before any seat statement.
    flagged_orm: int | None = None

    def programme_policy(self) -> dict[str, Any]:
        policy = copy.deepcopy(ONE_STEP_POLICY)
        policy["enrollment"].update(self.policy)
        return policy


def _full(w: Rush) -> None:
    w.quota(1, region="330100")
    w.submit("甲")  # the last seat: known full from here
    w.submit("乙")
    w.submit("丙")


def _freed_by_a_withdrawal(w: Rush) -> None:
    w.quota(1, region="330100")
    w.submit("甲")
    w.submit("乙")
    w.withdraw("甲")
    w.submit("乙")
    w.submit("丙")


def _freed_by_a_rejection(w: Rush) -> None:
    w.quota(1, region="330100")
    w.submit("甲")
    w.submit("乙")
    w.reject("甲")
    w.submit("乙")
    w.submit("丙")


def _quota_increased(w: Rush) -> None:
    w.set_seats(1, region="330100")
    w.submit("甲")
    w.submit("乙")
    w.set_seats(2, region="330100")
    w.submit("乙")
    w.submit("丙")


def _seats_given_down_come_back(w: Rush) -> None:
    w.set_seats(1, region="330100")
    w.set_seats(1, org="hz_base")  # the city's one seat given to the base
    w.submit("甲")  # found full by its statement: known full from here
    w.submit("乙")
    w.set_seats(0, org="hz_base")  # given back to the city
    w.submit("乙")
    w.submit("丙")


def _a_closer_quota_given_elsewhere(w: Rush) -> None:
    """The school got a quota of its own from the city's on another server; this process still
    finds the city's covering the school's teachers, and knows it full."""
    w.set_seats(2, region="330100")
    w.keep_covering()
    w.set_seats_elsewhere(1, org="hz_school")
    w.submit("甲", at="hz_base")  # the city's last seat
    w.submit("乙")  # the school's seat, though the city's is known full
    w.submit("丙", at="hz_base")


def _the_same_form_again(w: Rush) -> None:
    w.quota(1, region="330100")
    w.submit("甲", key="form-1")
    w.submit("甲", key="form-1")


def _the_same_teacher_again(w: Rush) -> None:
    w.quota(1, region="330100")
    w.submit("甲", key="form-1")
    w.submit("甲", key="form-2")


def _a_waitlist(w: Rush) -> None:
    w.quota(1, region="330100")
    w.submit("甲")
    w.submit("乙")
    w.withdraw("甲")
    w.submit("丙")


FULL = "QuotaExhausted"
CASES = [
    Case("the quota is full", _full, ["submitted", FULL, FULL], flagged=2),
    Case(
        "a withdrawal frees a seat",
        _freed_by_a_withdrawal,
        ["submitted", FULL, "submitted", FULL],
        flagged=2,
    ),
    Case(
        "a rejection frees a seat",
        _freed_by_a_rejection,
        ["submitted", FULL, "submitted", FULL],
        flagged=2,
    ),
    Case(
        "the quota is increased",
        _quota_increased,
        ["submitted", FULL, "submitted", FULL],
        flagged=2,
    ),
    Case(
        "seats given further down come back",
        _seats_given_down_come_back,
        [FULL, FULL, "submitted", FULL],
        flagged=2,
    ),
    Case(
        "a closer quota given elsewhere, the kept one known full",
        _a_closer_quota_given_elsewhere,
        ["submitted", "submitted", FULL],
        flagged=1,
    ),
    Case(
        "the same form again",
        _the_same_form_again,
        ["submitted", "replayed"],
        flagged=1,
        flagged_orm=0,
    ),
    Case(
        "the same teacher again",
        _the_same_teacher_again,
        ["submitted", "AlreadyEnrolled"],
        flagged=1,
        flagged_orm=0,
    ),
    Case(
        "a waitlist is never refused",
        _a_waitlist,
        ["submitted", "waitlisted", "waitlisted"],
        flagged=0,
        policy={"waitlist": True},
    ),
]
_codes = itertools.count()


@pytest.fixture
def actors(school_coordinator, city_admin, national_admin) -> dict[str, Any]:
    return {
        "school_coordinator": school_coordinator,
        "city_admin": city_admin,
        "national_admin": national_admin,
    }


@pytest.fixture
def takes() -> Iterator[list[str]]:
    """The seat statements sent (each attempt to take a quota's seat)."""
    found: list[str] = []

    def watch(execute: Callable, sql: str, params: Any, many: bool, context: Any) -> Any:
        if TAKE in sql:
            found.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(watch):
        yield found


def _run_both(
    case: Case, flagged_refusals: int, tree: Any, actors: Any, takes: list[str], monkeypatch: Any
) -> None:
    plain = Rush(f"p{next(_codes)}", case.programme_policy(), tree, actors)
    case.run(plain)
    plain_takes = len(takes)
    takes.clear()
    # The test's own memory as the shared cache: the flags are read and written. Local memory
    # caches of one name share their store in a process: empty it, for this test and the next.
    flags = LocMemCache("flags", {})
    flags.clear()
    monkeypatch.setattr(quota_seats, "shared_cache", lambda: flags)
    flagged = Rush(f"f{next(_codes)}", case.programme_policy(), tree, actors)
    case.run(flagged)

    assert [answer[0] for answer in plain.answers] == case.answers
    assert flagged.outcome() == plain.outcome()
    assert flagged.outcome()["seats_consistent"] == []
    assert len(takes) == plain_takes - flagged_refusals


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
@pytest.mark.django_db(transaction=True)
def test_each_case_ends_alike_with_and_without_flags_through_the_orm(
    case, tree, actors, takes, monkeypatch
):
    monkeypatch.setattr(seats, "fits_one_statement", lambda enrollment: False)
    flagged = case.flagged if case.flagged_orm is None else case.flagged_orm
    _run_both(case, flagged, tree, actors, takes, monkeypatch)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_each_case_ends_alike_with_and_without_flags_in_one_statement(
    case, tree, actors, takes, monkeypatch
):
    _run_both(case, case.flagged, tree, actors, takes, monkeypatch)
