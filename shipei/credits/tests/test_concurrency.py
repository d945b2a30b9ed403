"""A double tap on 提交申报 and two coordinators approving at once (PostgreSQL: its row locks
and the partial unique index are real)."""

import pytest

from shipei.attendance.tests.test_concurrency import race
from shipei.credits import services
from shipei.credits.models import Claim, Entry
from shipei.credits.tests.conftest import claim_fields
from shipei.projects.tests.conftest import make_actor

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_the_same_claim_sent_twice_at_once_is_filed_once(teacher):
    def send() -> None:
        services.claim_submit(actor=teacher.user, **claim_fields())

    outcomes = race(send, send)
    assert sorted(o[:14] for o in outcomes) == ["ClaimDuplicate", "ok"]
    assert Claim.objects.count() == 1


def test_two_coordinators_approving_at_once_credit_the_hours_once(tree, teacher, coordinator):
    claim = services.claim_submit(actor=teacher.user, **claim_fields())
    other = make_actor("school_coordinator", tree["hz_school"])

    def approve(user=coordinator.user) -> None:
        services.claim_decide(actor=user, claim=claim, approve=True)

    outcomes = race(approve, lambda: approve(other.user))
    assert outcomes.count("ok") == 1 and "InvalidTransition" in "".join(outcomes)
    assert Entry.objects.filter(claim=claim).count() == 1
