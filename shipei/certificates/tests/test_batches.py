"""Batch issuing: everyone eligible gets one, the rest are listed with the reason; a worker
killed mid-batch is resumed with nothing lost or doubled, and numbers stay gap-free."""

import datetime

import pytest
from django.utils import timezone

from shipei.certificates import batches, services
from shipei.certificates.models import Batch, Certificate
from shipei.certificates.tests.conftest import make_class
from shipei.enrollment.models import Enrollment

pytestmark = pytest.mark.django_db


def test_a_class_is_issued_in_the_background_with_the_ineligible_listed(
    tree, issuer, client, django_capture_on_commit_callbacks
):
    c = make_class(tree, n=4)
    Enrollment.objects.filter(pk=c.enrollments[3].pk).update(status=Enrollment.Status.FAILED)
    client.force_login(issuer.user)
    with django_capture_on_commit_callbacks(execute=True):  # the task runs at once in tests
        client.post(f"/certificates/class/{c.klass.pk}/batch/")
    batch = Batch.objects.get()
    assert batch.status == Batch.Status.DONE
    assert Certificate.objects.filter(batch=batch).count() == 3
    assert "未通过结业考核" in batch.skipped[str(c.enrollments[3].pk)]
    page = client.get(f"/certificates/class/{c.klass.pk}/").content.decode()
    assert "批量发证已完成：已发证 3 人，未发证 1 人" in page
    part = client.get(f"/certificates/class/{c.klass.pk}/batch/progress/").content.decode()
    assert 'aria-valuenow="100"' in part and "hx-trigger" not in part


class WorkerKilled(BaseException):
    """What killing the worker looks like from inside: nothing after it runs."""


def test_a_batch_killed_mid_way_resumes_with_nothing_lost_or_doubled(tree, issuer, monkeypatch):
    c = make_class(tree, n=5)
    batch = Batch.objects.create(
        programme=c.programme,
        training_class=c.klass,
        requested_by=issuer.user,
        enrollment_ids=[e.pk for e in c.enrollments],
    )
    real_sign = services._sign
    signed = []

    def dies_on_the_third(certificate):
        if len(signed) == 2:
            raise WorkerKilled()  # inside the third certificate's transaction
        signed.append(certificate.number)
        real_sign(certificate)

    monkeypatch.setattr(services, "_sign", dies_on_the_third)
    with pytest.raises(WorkerKilled):
        batches.batch_run(batch.pk)
    assert Certificate.objects.count() == 2
    progress = batches.batch_progress(Batch.objects.get())
    assert (progress["done"], progress["total"], progress["finished"]) == (2, 5, False)
    monkeypatch.setattr(services, "_sign", real_sign)
    # Silent for longer than STALE: the periodic sweep queues it again (run at once in tests).
    later = timezone.now() + batches.STALE + datetime.timedelta(seconds=1)
    assert batches.batches_resume(now=later) == 1
    assert Batch.objects.get().status == Batch.Status.DONE
    certificates = Certificate.objects.order_by("serial")
    assert [x.serial for x in certificates] == [1, 2, 3, 4, 5]
    assert sorted(x.enrollment_id for x in certificates) == sorted(batch.enrollment_ids)
    assert batches.batches_resume(now=later) == 0  # done: left alone
    batches.batch_run(batch.pk)
    assert Certificate.objects.count() == 5


def test_starting_twice_gives_the_same_unfinished_batch(
    c004, issuer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):  # the worker has not started yet
        first = batches.batch_start(
            actor=issuer.user, programme=c004.programme, training_class=c004.klass
        )
        second = batches.batch_start(
            actor=issuer.user, programme=c004.programme, training_class=c004.klass
        )
    assert first == second and first.total == 3
    page_part = batches.batch_progress(first)
    assert (page_part["done"], page_part["finished"]) == (0, False)


def test_the_menu_leads_the_base_to_its_class_and_the_teacher_to_their_certificates(
    c004, issuer, client
):
    client.force_login(issuer.user)
    page = client.get("/certificates/").content.decode()
    assert f"/certificates/class/{c004.klass.pk}/" in page and "结业证书" in page
    assert 'href="/certificates/"' in client.get("/").content.decode()
