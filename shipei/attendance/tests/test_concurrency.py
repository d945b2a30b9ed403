"""A double tap, or the staff saving the grid while a trainee checks in: one record per
trainee and session, never two, and no error (PostgreSQL: its row locks are real)."""

import threading
from typing import Any

import pytest
from django.db import close_old_connections
from django.utils import timezone

from shipei.attendance import qr, services
from shipei.attendance.models import AttendanceRecord

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def race(*calls: Any) -> list[str]:
    barrier = threading.Barrier(len(calls))
    outcomes: list[str] = []

    def run(call: Any) -> None:
        try:
            barrier.wait()
            call()
            outcomes.append("ok")
        except Exception as exc:  # the test asserts there is none
            outcomes.append(repr(exc))
        finally:
            close_old_connections()

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


def test_two_check_ins_of_one_trainee_at_once_make_one_record(trainees, sessions):
    session = sessions["now"]
    for _round in range(3):
        AttendanceRecord.objects.all().delete()
        code = qr.code_for(session.pk, timezone.now())

        def tap(code: qr.Code = code) -> None:
            services.attendance_check_in(
                actor=trainees[0].user, session_id=session.pk, slot=code.slot, sig=code.sig
            )

        assert race(tap, tap) == ["ok", "ok"]
        assert AttendanceRecord.objects.filter(session=session).count() == 1


def test_the_grid_saved_while_a_trainee_checks_in_leaves_one_record_each(
    base_admin, trainees, sessions
):
    session = sessions["now"]
    code = qr.code_for(session.pk, timezone.now())

    def grid() -> None:
        services.attendance_mark(
            actor=base_admin.user,
            session=session,
            marks={t.enrollment.pk: "absent" for t in trainees},
        )

    def tap() -> None:
        services.attendance_check_in(
            actor=trainees[0].user, session_id=session.pk, slot=code.slot, sig=code.sig
        )

    for _round in range(3):
        AttendanceRecord.objects.all().delete()
        assert race(grid, tap) == ["ok", "ok"]
        assert AttendanceRecord.objects.filter(session=session).count() == 3
