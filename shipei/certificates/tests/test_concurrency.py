"""Two batches issuing at the same moment from one number series: every number once, no gap."""

import threading

import pytest
from django.db import connection

from shipei.accounts.models import Role
from shipei.certificates import batches
from shipei.certificates.models import Batch, Certificate
from shipei.certificates.tests.conftest import make_class
from shipei.projects.tests.conftest import make_actor


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_batches_at_once_share_the_series_gap_free(tree):
    issuer = make_actor(Role.BASE_ADMIN, tree["hz_base"])
    # Two programmes with one literal format: one series, two batches.
    a = make_class(tree, n=12, code="cc-a", number_format="ZJSZ-2026-{serial:05d}")
    b = make_class(tree, n=12, code="cc-b", number_format="ZJSZ-2026-{serial:05d}")
    runs = [
        Batch.objects.create(
            programme=c.programme,
            training_class=c.klass,
            requested_by=issuer.user,
            enrollment_ids=[e.pk for e in c.enrollments],
        )
        for c in (a, b)
    ]
    barrier = threading.Barrier(2)
    errors = []

    def run(batch_id):
        try:
            barrier.wait()
            batches.batch_run(batch_id)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(r.pk,)) for r in runs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    serials = sorted(Certificate.objects.values_list("serial", flat=True))
    assert serials == list(range(1, 25))
    numbers = set(Certificate.objects.values_list("number", flat=True))
    assert len(numbers) == 24 and "ZJSZ-2026-00024" in numbers
    for run_ in runs:
        mine = sorted(Certificate.objects.filter(batch=run_).values_list("serial", flat=True))
        assert len(mine) == 12
