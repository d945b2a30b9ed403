"""Who hears what of an enrollment event, and when: the teacher in a teacher's words, whoever
submitted it, and the approvers of the step where it arrives (never whoever acted), only after
the commit."""

import datetime
from typing import Any

import pytest
from django.core import mail
from django.db import transaction

from shipei.accounts.models import Role
from shipei.core.clock import SHANGHAI
from shipei.enrollment import outbox
from shipei.enrollment import services as enrollment_services
from shipei.enrollment.models import Enrollment, EnrollmentEvent
from shipei.enrollment.wording import REASON_IN_TITLE
from shipei.notifications.models import Notification
from shipei.programmes.models import Programme

from .conftest import holder, make_teacher, submit, two_step_policy

pytestmark = pytest.mark.django_db


def titles(user: Any) -> list[str]:
    return list(
        Notification.objects.filter(user=user).order_by("pk").values_list("title", flat=True)
    )


def decide(actor: Any, enrollment: Enrollment, decision: str, reason: str = "") -> Enrollment:
    return enrollment_services.enrollment_decide(
        actor=actor, enrollment=enrollment, decision=decision, reason=reason
    )


def pending() -> int:
    return EnrollmentEvent.objects.filter(notified_at__isnull=True).count()


def test_submission_tells_the_teacher_and_the_city_approvers_only_after_commit(
    programme,
    tree,
    school_coordinator,
    city_admin,
    zhejiang_admin,
    nanjing_admin,
    django_capture_on_commit_callbacks,
):
    person = make_teacher(tree["hz_school"])

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        enrollment = submit(school_coordinator.user, programme, person)
    assert Notification.objects.count() == 0  # nothing before commit
    for callback in callbacks:
        callback()

    assert titles(person.user) == ["已提交报名"]
    body = Notification.objects.get(user=person.user).body
    assert "2026 测试计划 · 骨干教师培训" in body and "下一步：等待市级主管部门审核" in body
    assert titles(city_admin.user) == ["有新的报名待设区市教育局审核"]
    assert person.name in Notification.objects.get(user=city_admin.user).body
    assert Notification.objects.get(user=city_admin.user).url == f"/enrollment/{enrollment.pk}/"
    assert titles(school_coordinator.user) == []  # who acted hears nothing of it
    assert titles(zhejiang_admin.user) == []  # not their step yet
    assert titles(nanjing_admin) == []  # out of reach


def test_nothing_is_sent_when_the_transaction_rolls_back(
    programme,
    tree,
    school_coordinator,
    city_admin,
    sms_outbox,
    django_capture_on_commit_callbacks,
):
    person = make_teacher(tree["hz_school"], email="t@example.cn")

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        submit(school_coordinator.user, programme, person)
        raise RuntimeError("later step fails")

    assert callbacks == []
    assert Notification.objects.count() == 0
    assert sms_outbox == [] and mail.outbox == []
    assert outbox.notices_deliver() == 0  # the event went with the rollback


def test_approval_tells_teacher_submitter_and_the_next_step(
    programme,
    tree,
    school_coordinator,
    city_admin,
    zhejiang_admin,
    jiangsu_admin,
    sms_outbox,
    django_capture_on_commit_callbacks,
):
    person = make_teacher(tree["hz_school"])
    with django_capture_on_commit_callbacks(execute=True):
        enrollment = submit(school_coordinator.user, programme, person)
    sms_outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        decide(city_admin.user, enrollment, "approve")

    assert titles(person.user)[-1] == "市级主管部门已审核通过"
    assert titles(school_coordinator.user) == [f"{person.name}的报名已通过设区市教育局审核"]
    assert titles(zhejiang_admin.user) == ["有新的报名待省教育厅确认"]
    assert titles(jiangsu_admin.user) == []
    assert titles(city_admin.user) == ["有新的报名待设区市教育局审核"]  # nothing new
    assert (person._mobile(), "【师培】市级主管部门已审核通过。详情请登录平台查看。") in (
        sms_outbox
    )


def test_last_approval_says_admitted_and_tells_no_approver(
    programme,
    tree,
    school_coordinator,
    city_admin,
    zhejiang_admin,
    national_admin,
    django_capture_on_commit_callbacks,
):
    person = make_teacher(tree["hz_school"])
    with django_capture_on_commit_callbacks(execute=True):
        enrollment = submit(school_coordinator.user, programme, person)
        decide(city_admin.user, enrollment, "approve")
        decide(zhejiang_admin.user, enrollment, "approve")

    assert titles(person.user)[-1] == "已被录取"
    assert titles(school_coordinator.user)[-1] == f"{person.name}的报名已通过省教育厅确认，已录取"
    assert titles(national_admin.user) == []


def test_return_and_rejection_carry_the_reason(
    programme, tree, school_coordinator, city_admin, django_capture_on_commit_callbacks
):
    person = make_teacher(tree["hz_school"])
    with django_capture_on_commit_callbacks(execute=True):
        enrollment = submit(school_coordinator.user, programme, person)
    with django_capture_on_commit_callbacks(execute=True):
        decide(city_admin.user, enrollment, "return", "教龄证明不清晰")

    last = Notification.objects.filter(user=person.user).latest("pk")
    assert last.title == "被退回修改：教龄证明不清晰"
    assert "理由：教龄证明不清晰" in last.body
    assert "理由：教龄证明不清晰" in (
        Notification.objects.filter(user=school_coordinator.user).latest("pk").body
    )

    with django_capture_on_commit_callbacks(execute=True):
        enrollment_services.enrollment_resubmit(
            actor=school_coordinator.user, enrollment=enrollment
        )
    with django_capture_on_commit_callbacks(execute=True):
        decide(city_admin.user, enrollment, "reject", "不符合条件")

    assert titles(person.user)[-2:] == ["已重新提交报名", "未通过审核：不符合条件"]
    assert "理由：不符合条件" in Notification.objects.filter(user=person.user).latest("pk").body
    # Back at the first step after resubmission: the city hears of it again.
    assert titles(city_admin.user) == ["有新的报名待设区市教育局审核"] * 2


def test_a_teacher_without_an_account_hears_nothing_but_the_submitter_does(
    programme, tree, school_coordinator, city_admin, django_capture_on_commit_callbacks
):
    person = make_teacher(tree["hz_school"], account=False)
    with django_capture_on_commit_callbacks(execute=True):
        enrollment = submit(school_coordinator.user, programme, person)
        decide(city_admin.user, enrollment, "approve")

    assert Notification.objects.filter(user__person=person).count() == 0
    assert titles(school_coordinator.user) == [f"{person.name}的报名已通过设区市教育局审核"]


def test_self_registration_tells_the_teacher_once_on_decisions(
    programme, tree, city_admin, django_capture_on_commit_callbacks
):
    person = make_teacher(tree["hz_school"])
    with django_capture_on_commit_callbacks(execute=True):
        enrollment = enrollment_services.enrollment_submit(
            actor=person.user,
            programme=programme,
            item="k1",
            person=person,
            channel="self_registration",
            now=datetime.datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI),
        )
        decide(city_admin.user, enrollment, "approve")

    # Submitting was the teacher's own act; the decision reaches them once, not twice.
    assert titles(person.user) == ["市级主管部门已审核通过"]


def test_events_record_what_their_notices_will_say(
    programme, tree, school_coordinator, city_admin, zhejiang_admin
):
    enrollment = submit(school_coordinator.user, programme, make_teacher(tree["hz_school"]))
    decide(city_admin.user, enrollment, "approve")
    decide(zhejiang_admin.user, enrollment, "approve")

    rows = EnrollmentEvent.objects.filter(enrollment=enrollment).order_by("pk")
    assert list(rows.values_list("action", "status", "arrives_at", "admitted")) == [
        ("submitted", "submitted", 0, False),
        ("approved", "submitted", 1, False),
        ("approved", "submitted", None, True),
    ]
    assert pending() == 3  # no commit in this test: nothing delivered


def test_a_submission_on_the_waitlist_or_admitted_at_once_says_so(
    tree, school_coordinator, django_capture_on_commit_callbacks
):
    from shipei.quotas.models import Quota

    waitlisting = Programme.objects.create(
        code="w", title="候补计划", year=2026, policy=two_step_policy(waitlist=True)
    )
    Quota.objects.create(programme=waitlisting, item="k1", seats=1, org=tree["hz_school"])
    no_chain = Programme.objects.create(
        code="a", title="直接录取计划", year=2026, policy=two_step_policy(approval_chain=[])
    )
    first, second, third = (make_teacher(tree["hz_school"]) for _ in range(3))
    with django_capture_on_commit_callbacks(execute=True):
        submit(school_coordinator.user, waitlisting, first)
        waiting = submit(school_coordinator.user, waitlisting, second)
        admitted = submit(school_coordinator.user, no_chain, third)

    assert (waiting.status, admitted.status) == (Enrollment.Status.WAITLISTED, "admitted")
    assert titles(first.user) == ["已提交报名"]
    assert titles(second.user) == ["已进入候补"]
    assert titles(third.user) == ["已被录取"]


@pytest.mark.django_db(transaction=True)
def test_with_real_transactions_messages_follow_the_commit_and_not_the_rollback(
    programme, tree, school_coordinator, city_admin, sms_outbox
):
    person = make_teacher(tree["hz_school"])
    with pytest.raises(RuntimeError), transaction.atomic():
        submit(school_coordinator.user, programme, person)
        raise RuntimeError("later step fails")
    assert Notification.objects.count() == 0 and sms_outbox == []

    submit(school_coordinator.user, programme, person)

    assert titles(person.user) == ["已提交报名"]
    assert titles(city_admin.user) == ["有新的报名待设区市教育局审核"]
    assert len(sms_outbox) == 2


def test_an_approver_whose_own_enrollment_comes_first_still_hears_of_the_others(
    programme, tree, school_coordinator, django_capture_on_commit_callbacks
):
    admin = holder(Role.CITY_ADMIN, tree["hz"])
    with django_capture_on_commit_callbacks(execute=True):  # one delivery for both events
        enrollment_services.enrollment_submit(
            actor=admin,
            programme=programme,
            item="k1",
            person=admin.person,
            channel="self_registration",
            now=datetime.datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI),
        )
        submit(school_coordinator.user, programme, make_teacher(tree["hz_school"]))

    assert titles(admin) == ["有新的报名待设区市教育局审核"]


def test_the_teacher_hears_who_decided_in_plain_words_never_the_step_labels(
    tree, school_coordinator, city_admin, django_capture_on_commit_callbacks
):
    """Issue 12: "学校已审核通过", not "已通过工作单位推荐（附件1“工作单位意见”签字盖章）"."""
    labels = ["工作单位推荐（附件1“工作单位意见”签字盖章）", "基地核准（结果反馈学员及所在学校）"]
    programme = Programme.objects.create(
        code="s",
        title="工学一体化测试计划",
        year=2026,
        policy=two_step_policy(
            approval_chain=[
                {"role": "school_coordinator", "label": labels[0]},
                {"role": "city_admin", "label": labels[1]},
            ]
        ),
    )
    person = make_teacher(tree["hz_school"])
    reason = (
        "所报专业大类与任教专业不一致，请核对后改报相近专业大类的班次，或补充相关教学经历证明材料"
    )
    with django_capture_on_commit_callbacks(execute=True):
        enrollment = enrollment_services.enrollment_submit(
            actor=person.user,
            programme=programme,
            item="k1",
            person=person,
            channel="self_registration",
            now=datetime.datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI),
        )
        decide(school_coordinator.user, enrollment, "approve")
        decide(city_admin.user, enrollment, "reject", reason)

    told = Notification.objects.filter(user=person.user).order_by("pk")
    assert [n.title for n in told] == [
        "学校已审核通过",
        "未通过审核：" + reason[: REASON_IN_TITLE - 1] + "…",  # the SMS carries the title
    ]
    assert "下一步：等待市级主管部门审核。" in told[0].body
    assert "市级主管部门未通过您的报名。" in told[1].body and f"理由：{reason}" in told[1].body
    for notice in told:
        assert not any(label in notice.title + notice.body for label in labels)
