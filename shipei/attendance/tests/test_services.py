"""Marking a session (the grid), and checking in with the room's code: what each records, and
each kind of bad input refused with its message and nothing changed."""

import datetime

import pytest
from django.utils import timezone

from shipei.attendance import qr, services
from shipei.attendance.errors import (
    BadStatus,
    CheckInClosed,
    CheckInCodeExpired,
    CheckInCodeInvalid,
    ClassNotRunning,
    NotOnRoster,
    SessionNotHeld,
)
from shipei.attendance.models import AttendanceRecord
from shipei.attendance.tests.conftest import add_session, enroll, make_class
from shipei.audit.models import AuditEntry
from shipei.core.errors import NotPermitted

S = AttendanceRecord.Status


def marks_of(trainees, *statuses):
    return {t.enrollment.pk: s for t, s in zip(trainees, statuses, strict=True)}


def stored(session):
    return {
        r.enrollment_id: (r.status, r.hours)
        for r in AttendanceRecord.objects.filter(session=session)
    }


def test_the_grid_records_the_whole_class_in_one_call_with_hours(base_admin, trainees, sessions):
    session = sessions["analysis"]
    counts = services.attendance_mark(
        actor=base_admin.user, session=session, marks=marks_of(trainees, "present", "late", "leave")
    )

    assert counts == {"created": 3, "changed": 0, "unchanged": 0}
    assert sorted(stored(session).values()) == sorted([(S.PRESENT, 4), (S.LATE, 4), (S.LEAVE, 0)])
    entry = AuditEntry.objects.get(action="attendance.marked")
    assert entry.actor == base_admin.user and entry.data["leave"] == 1


def test_submitting_again_changes_only_what_was_changed(base_admin, trainees, sessions):
    session = sessions["analysis"]
    services.attendance_mark(
        actor=base_admin.user, session=session, marks=marks_of(trainees, *["present"] * 3)
    )
    counts = services.attendance_mark(
        actor=base_admin.user,
        session=session,
        marks=marks_of(trainees, "present", "absent", "present"),
    )
    assert counts == {"created": 0, "changed": 1, "unchanged": 2}
    assert stored(session)[trainees[1].enrollment.pk] == (S.ABSENT, 0)


def test_someone_not_on_the_roster_is_refused_and_nothing_is_stored(
    base_admin, trainees, sessions, tree
):
    other_class = make_class(base_admin, code="p004b")
    stranger = enroll(other_class, tree["hz_school"], "赵六")
    marks = {**marks_of(trainees, *["present"] * 3), stranger.enrollment.pk: "present"}
    with pytest.raises(
        NotOnRoster, match=f"报名编号 {stranger.enrollment.pk} 的学员不在本班学员名单中"
    ):
        services.attendance_mark(actor=base_admin.user, session=sessions["analysis"], marks=marks)
    assert not AttendanceRecord.objects.exists()


def test_a_withdrawn_enrollment_is_not_on_the_roster(base_admin, running_class, sessions, tree):
    gone = enroll(running_class, tree["hz_school"], "钱七", status="withdrawn")
    with pytest.raises(NotOnRoster):
        services.attendance_mark(
            actor=base_admin.user,
            session=sessions["analysis"],
            marks={gone.enrollment.pk: "present"},
        )


def test_a_session_not_yet_held_is_refused(base_admin, trainees, sessions):
    with pytest.raises(SessionNotHeld, match="尚未开始"):
        services.attendance_mark(
            actor=base_admin.user,
            session=sessions["tomorrow"],
            marks=marks_of(trainees, *["leave"] * 3),
        )
    assert not AttendanceRecord.objects.exists()


def test_a_bad_status_is_refused(base_admin, trainees, sessions):
    with pytest.raises(BadStatus, match="考勤状态“sick”无效"):
        services.attendance_mark(
            actor=base_admin.user,
            session=sessions["analysis"],
            marks=marks_of(trainees, "present", "sick", "present"),
        )
    assert not AttendanceRecord.objects.exists()


def test_attendance_is_taken_only_while_the_class_runs(base_admin, trainees, sessions):
    cls = sessions["analysis"].training_class
    cls.status = cls.Status.ASSESSING
    cls.save()
    with pytest.raises(ClassNotRunning, match="考核中"):
        services.attendance_mark(
            actor=base_admin.user,
            session=sessions["analysis"],
            marks=marks_of(trainees, *["present"] * 3),
        )


def test_the_sessions_teacher_may_mark_it_but_a_province_admin_may_not(
    base_admin, zhejiang_admin, trainees, sessions, tree
):
    teacher = enroll(make_class(base_admin, code="p004t"), tree["nj_school"], "骨干甲")
    sessions["design"].staff.add(teacher.person)
    services.attendance_mark(
        actor=teacher.user, session=sessions["design"], marks=marks_of(trainees, *["present"] * 3)
    )
    with pytest.raises(NotPermitted):
        services.attendance_mark(
            actor=teacher.user,
            session=sessions["analysis"],
            marks=marks_of(trainees, *["present"] * 3),
        )
    with pytest.raises(NotPermitted):
        services.attendance_mark(
            actor=zhejiang_admin.user,
            session=sessions["design"],
            marks=marks_of(trainees, *["absent"] * 3),
        )
    assert {s for s, _h in stored(sessions["design"]).values()} == {S.PRESENT}


# ---- check-in with the room's code -----------------------------------------------------------


def check_in(trainee, session, at, code_at=None):
    code = qr.code_for(session.pk, code_at or at)
    return services.attendance_check_in(
        actor=trainee.user, session_id=session.pk, slot=code.slot, sig=code.sig, now=at
    )


def test_checking_in_before_the_start_is_present_and_after_it_late(trainees, running_class):
    soon = add_session(running_class, "实训", datetime.timedelta(minutes=20), "2")
    early = check_in(trainees[0], soon, soon.starts_at - datetime.timedelta(minutes=5))
    late = check_in(trainees[1], soon, soon.starts_at + datetime.timedelta(minutes=3))

    assert (early.record.status, early.record.hours) == (S.PRESENT, 2)
    assert (late.record.status, late.record.source) == (S.LATE, "qr")
    assert late.record.checked_in_at == soon.starts_at + datetime.timedelta(minutes=3)


def test_checking_in_twice_keeps_the_first_time(trainees, sessions):
    session = sessions["now"]
    first = check_in(trainees[0], session, timezone.now())
    again = check_in(trainees[0], session, timezone.now() + datetime.timedelta(minutes=5))
    assert first.created and not again.created
    assert AttendanceRecord.objects.get().checked_in_at == first.record.checked_in_at


def test_a_trainee_marked_absent_who_then_checks_in_is_late(base_admin, trainees, sessions):
    session = sessions["now"]
    services.attendance_mark(
        actor=base_admin.user, session=session, marks={trainees[0].enrollment.pk: "absent"}
    )
    done = check_in(trainees[0], session, timezone.now())
    assert done.created and AttendanceRecord.objects.get().status == S.LATE


def test_a_forged_code_is_refused_and_nothing_is_stored(trainees, sessions):
    code = qr.code_for(sessions["now"].pk, timezone.now())
    with pytest.raises(CheckInCodeInvalid, match="签到码无效"):
        services.attendance_check_in(
            actor=trainees[0].user, session_id=sessions["now"].pk, slot=code.slot, sig="f" * 20
        )
    assert not AttendanceRecord.objects.exists()


def test_a_code_older_than_the_previous_slot_is_expired(trainees, sessions):
    now = timezone.now()
    with pytest.raises(CheckInCodeExpired, match="已过期"):
        check_in(trainees[0], sessions["now"], now, code_at=now - datetime.timedelta(seconds=61))
    assert not AttendanceRecord.objects.exists()


def test_another_sessions_code_does_not_check_in_here(trainees, sessions):
    now = timezone.now()
    other = qr.code_for(sessions["design"].pk, now)
    with pytest.raises(CheckInCodeInvalid):
        services.attendance_check_in(
            actor=trainees[0].user, session_id=sessions["now"].pk, slot=other.slot, sig=other.sig
        )
    assert not AttendanceRecord.objects.exists()


def test_a_trainee_of_another_class_cannot_check_in_with_this_classs_code(
    base_admin, sessions, tree
):
    outsider = enroll(make_class(base_admin, code="p004c"), tree["hz_school"], "孙八")
    with pytest.raises(NotOnRoster, match="孙八不在本班学员名单中"):
        check_in(outsider, sessions["now"], timezone.now())
    assert not AttendanceRecord.objects.exists()


def test_check_in_opens_half_an_hour_before_the_start_and_closes_at_the_end(trainees, sessions):
    tomorrow = sessions["tomorrow"]
    with pytest.raises(CheckInClosed, match="签到时间为"):
        check_in(trainees[0], tomorrow, tomorrow.starts_at - datetime.timedelta(minutes=31))
    with pytest.raises(CheckInClosed):
        check_in(
            trainees[0],
            sessions["design"],
            sessions["design"].ends_at + datetime.timedelta(seconds=1),
        )
    assert not AttendanceRecord.objects.exists()
