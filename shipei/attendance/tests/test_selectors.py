"""The absence limit, live: hours of leave and absence against the policy's limit, who is one
absence from it, and the reason the assessment gets for refusing a trainee."""

import copy
from decimal import Decimal

from shipei.attendance import selectors, services
from shipei.attendance.models import AttendanceRecord
from shipei.attendance.selectors import assessment_bar


def mark(base_admin, session, trainee, status):
    services.attendance_mark(
        actor=base_admin.user, session=session, marks={trainee.enrollment.pk: status}
    )


def set_policy(cls, change):
    programme = cls.project.programme
    policy = copy.deepcopy(programme.policy)
    change(policy)
    programme.policy = policy
    programme.save()


def test_leave_and_absence_above_the_policy_limit_bar_the_assessment(
    base_admin, trainees, sessions
):
    """Notice 004: more than 4 class hours of leave or absence bars the assessment; 4 do not."""
    wang, li, _zhang = trainees
    mark(base_admin, sessions["analysis"], wang, "leave")  # 4 hours: at the limit, not over
    assert assessment_bar(wang.enrollment) is None

    mark(base_admin, sessions["design"], wang, "absent")  # 6 hours
    assert assessment_bar(wang.enrollment) == (
        "请假和缺勤累计 6 学时，超过培训计划规定的 4 学时，不能参加考核。"
    )
    mark(base_admin, sessions["analysis"], li, "late")  # late is not missed
    mark(base_admin, sessions["design"], li, "late")
    assert assessment_bar(li.enrollment) is None


def test_eligibility_follows_a_corrected_record_at_once(base_admin, trainees, sessions):
    wang = trainees[0]
    mark(base_admin, sessions["analysis"], wang, "absent")
    mark(base_admin, sessions["design"], wang, "absent")
    assert assessment_bar(wang.enrollment) is not None
    mark(base_admin, sessions["design"], wang, "present")  # the record was wrong
    assert assessment_bar(wang.enrollment) is None


def test_an_items_own_absence_limit_holds_over_the_programmes(base_admin, trainees, sessions):
    cls = sessions["analysis"].training_class

    def item_limit(policy):
        item = next(i for i in policy["items"] if i["code"] == cls.project.item)
        item["assessment"] = {"absence_limit_hours": 1}

    set_policy(cls, item_limit)
    wang = trainees[0]
    wang.enrollment.refresh_from_db()
    mark(base_admin, sessions["design"], wang, "leave")  # 2 hours, over the item's 1
    assert "超过培训计划规定的 1 学时" in assessment_bar(wang.enrollment)


def test_without_a_limit_no_one_is_barred(base_admin, trainees, sessions):
    cls = sessions["analysis"].training_class
    set_policy(cls, lambda p: p["assessment"].pop("absence_limit_hours"))
    wang = trainees[0]
    wang.enrollment.refresh_from_db()
    mark(base_admin, sessions["analysis"], wang, "absent")
    mark(base_admin, sessions["design"], wang, "absent")
    assert assessment_bar(wang.enrollment) is None
    assert not any(s.at_risk for s in selectors.standings(cls))


def test_staff_see_who_one_more_absence_would_bar(base_admin, trainees, sessions):
    """Tomorrow's session is 4 hours: a trainee who has missed 2 would pass the limit by
    missing it; one who has missed nothing would not."""
    wang, li, zhang = trainees
    mark(base_admin, sessions["design"], wang, "leave")  # 2 hours
    mark(base_admin, sessions["analysis"], li, "absent")  # 4 hours
    mark(base_admin, sessions["design"], li, "absent")  # 6: barred
    mark(base_admin, sessions["analysis"], zhang, "present")
    found = {s.enrollment.pk: s for s in selectors.standings(sessions["analysis"].training_class)}

    assert found[wang.enrollment.pk].at_risk and found[wang.enrollment.pk].allowance == 2
    assert found[li.enrollment.pk].barred and not found[li.enrollment.pk].at_risk
    assert not found[zhang.enrollment.pk].at_risk
    assert found[zhang.enrollment.pk].attended_hours == Decimal(4)


def test_the_class_standings_agree_with_the_one_trainee_reads(base_admin, trainees, sessions):
    wang = trainees[0]
    mark(base_admin, sessions["analysis"], wang, "present")
    mark(base_admin, sessions["design"], wang, "leave")
    one = selectors.standing(wang.enrollment)
    (from_class,) = [
        s
        for s in selectors.standings(sessions["analysis"].training_class)
        if s.enrollment.pk == wang.enrollment.pk
    ]
    assert (
        (one.attended_hours, one.missed_hours, one.at_risk)
        == (
            from_class.attended_hours,
            from_class.missed_hours,
            from_class.at_risk,
        )
        == (Decimal(4), Decimal(2), True)
    )


def test_a_trainee_sees_only_their_own_records(base_admin, trainees, sessions):
    for t in trainees:
        mark(base_admin, sessions["analysis"], t, "present")
    mine = selectors.record_list(user=trainees[0].user)
    assert [r.enrollment_id for r in mine] == [trainees[0].enrollment.pk]
    assert selectors.record_list(user=base_admin.user).count() == 3
    assert AttendanceRecord.objects.count() == 3


def test_a_province_sees_its_bases_classes_and_another_province_does_not(
    zhejiang_admin, jiangsu_admin, base_admin, trainees, sessions
):
    mark(base_admin, sessions["analysis"], trainees[0], "present")
    assert selectors.record_list(user=zhejiang_admin.user).count() == 1
    assert not selectors.record_list(user=jiangsu_admin.user).exists()
    assert not selectors.class_list(user=jiangsu_admin.user).exists()
