"""Who hears what, when: messages after commit only, their e-mail and SMS copies, enrollment
notices delivered from the events in batches, reminders sent once, and the periodic-job
schedule."""

import datetime
import threading
from typing import Any, ClassVar

import pytest
from django.core import mail
from django.db import connections, transaction
from django.utils import timezone
from django_tasks.backends.base import BaseTaskBackend
from django_tasks_db.models import DBTaskResult

from shipei.accounts.models import Role
from shipei.enrollment import services as enrollment_services
from shipei.enrollment.models import Enrollment, EnrollmentEvent
from shipei.notifications import services
from shipei.notifications.models import JobRun, Notification, SentReminder
from shipei.notifications.wording import REASON_IN_TITLE
from shipei.programmes.models import Programme
from shipei.programmes.policy import SHANGHAI

from .conftest import holder, make_teacher, policy, submit

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


DELIVERY_TASK = "shipei.notifications.tasks.enrollment_notices_deliver"


@pytest.fixture
def deferring_tasks(settings: Any) -> Any:
    """The tasks backend of production (a table of tasks, run by a worker, which can defer
    them), and a process that has queued no delivery yet."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    services._scheduled.until = None
    yield
    services._scheduled.until = None


class RecordingBackend(BaseTaskBackend):
    """A backend that can defer and keeps what is queued in memory (no database: threads)."""

    supports_defer = True
    queued: ClassVar[list[tuple[str, datetime.datetime | None]]] = []

    def enqueue(self, task: Any, args: Any, kwargs: Any) -> Any:
        self.validate_task(task)
        self.queued.append((task.name, task.run_after))


# ---- notify and delivery ----------------------------------------------------------------------


def test_notify_makes_messages_and_sends_copies_after_commit(
    school_coordinator, sms_outbox, django_capture_on_commit_callbacks
):
    person = school_coordinator.person
    person.email = "li@example.cn"
    person.save(update_fields=["email"])

    with django_capture_on_commit_callbacks(execute=True):
        made = services.notify([school_coordinator.user], title="测试通知", body="正文", url="/x/")

    assert [n.title for n in made] == ["测试通知"]
    assert [m.subject for m in mail.outbox] == ["【师培】测试通知"]
    assert mail.outbox[0].to == ["li@example.cn"]
    assert sms_outbox == [(person._mobile(), "【师培】测试通知。详情请登录平台查看。")]
    made[0].refresh_from_db()
    assert made[0].emailed_at is not None and made[0].sms_sent_at is not None


def test_delivering_twice_sends_each_copy_once(
    school_coordinator, sms_outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        [made] = services.notify([school_coordinator.user], title="测试通知")

    services.notification_deliver(notification_id=made.pk)

    assert len(sms_outbox) == 1


def test_a_failed_sms_is_marked_unsent_so_that_a_retry_sends_it(
    school_coordinator, sms_outbox, monkeypatch
):
    [made] = services.notify([school_coordinator.user], title="测试通知", channels=["sms"])

    def broken(mobile: str, text: str) -> None:
        raise RuntimeError("gateway down")

    monkeypatch.setattr(services, "send_sms", broken)
    with pytest.raises(RuntimeError):
        services.notification_deliver(notification_id=made.pk)
    made.refresh_from_db()
    assert made.sms_sent_at is None

    monkeypatch.undo()
    services.notification_deliver(notification_id=made.pk)
    assert len(sms_outbox) == 1


def test_notify_with_a_key_makes_one_message_per_user(school_coordinator):
    services.notify([school_coordinator.user], title="一次", key="k:1")
    again = services.notify([school_coordinator.user], title="一次", key="k:1")

    assert again == []
    assert titles(school_coordinator.user) == ["一次"]


def test_inactive_users_get_nothing(school_coordinator):
    school_coordinator.user.is_active = False
    school_coordinator.user.save()

    assert services.notify([school_coordinator.user], title="测试") == []


# ---- enrollment notices ----------------------------------------------------------------------


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
    assert services.enrollment_notices_deliver() == 0  # the event went with the rollback


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
        code="w", title="候补计划", year=2026, policy=policy(waitlist=True)
    )
    Quota.objects.create(programme=waitlisting, item="k1", seats=1, org=tree["hz_school"])
    no_chain = Programme.objects.create(
        code="a", title="直接录取计划", year=2026, policy=policy(approval_chain=[])
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


def test_an_event_is_delivered_once_however_often_delivery_runs(
    programme, tree, school_coordinator, city_admin
):
    person = make_teacher(tree["hz_school"])
    submit(school_coordinator.user, programme, person)

    assert services.enrollment_notices_deliver() == 1
    assert services.enrollment_notices_deliver() == 0
    # Handed out again (say its mark was lost), the event finds its messages made under its key.
    EnrollmentEvent.objects.update(notified_at=None)
    assert services.enrollment_notices_deliver() == 1

    assert titles(person.user) == ["已提交报名"]
    assert titles(city_admin.user) == ["有新的报名待设区市教育局审核"]


def test_a_late_delivery_tells_approvers_only_where_the_enrollment_still_waits(
    programme, tree, school_coordinator, city_admin, zhejiang_admin
):
    """The worker was slow: the city approved one enrollment and the teacher withdrew another
    before the notices of their submissions went out."""
    waiting = make_teacher(tree["hz_school"])
    moved_on = make_teacher(tree["hz_school"])
    withdrawn = make_teacher(tree["hz_school"])
    submit(school_coordinator.user, programme, waiting)
    decide(city_admin.user, submit(school_coordinator.user, programme, moved_on), "approve")
    enrollment_services.enrollment_withdraw(
        actor=school_coordinator.user,
        enrollment=submit(school_coordinator.user, programme, withdrawn),
        now=datetime.datetime(2026, 11, 21, 10, 0, tzinfo=SHANGHAI),
    )

    assert services.enrollment_notices_deliver() == 5

    [to_city] = Notification.objects.filter(user=city_admin.user)
    assert to_city.title == "有新的报名待设区市教育局审核" and waiting.name in to_city.body
    [to_province] = Notification.objects.filter(user=zhejiang_admin.user)
    assert to_province.title == "有新的报名待省教育厅确认" and moved_on.name in to_province.body
    assert titles(moved_on.user) == ["已提交报名", "市级主管部门已审核通过"]
    assert titles(withdrawn.user) == ["已提交报名", "已撤回报名"]


def test_delivery_goes_through_more_events_than_fit_in_one_batch(
    programme, tree, school_coordinator, city_admin
):
    people = [make_teacher(tree["hz_school"]) for _ in range(5)]
    for person in people:
        submit(school_coordinator.user, programme, person)

    assert services.enrollment_notices_deliver(limit=2) == 5

    assert pending() == 0
    assert all(titles(person.user) == ["已提交报名"] for person in people)
    assert titles(city_admin.user) == ["有新的报名待设区市教育局审核"] * 5


def test_an_event_the_database_refuses_is_set_aside_and_the_rest_go_out(
    programme, tree, school_coordinator, city_admin, monkeypatch, caplog
):
    from django.db import DataError

    people = [make_teacher(tree["hz_school"]) for _ in range(4)]
    enrollments = [submit(school_coordinator.user, programme, person) for person in people]
    broken = enrollments[1].pk
    make = services._event_messages

    def refuse_one(event: Any, *args: Any) -> Any:
        if event.enrollment_id == broken:
            raise DataError("value too long for type character varying(200)")
        return make(event, *args)

    monkeypatch.setattr(services, "_event_messages", refuse_one)

    assert services.enrollment_notices_deliver(limit=3) == 4

    assert pending() == 0
    told = [bool(titles(person.user)) for person in people]
    assert told == [True, False, True, True]
    assert titles(city_admin.user) == ["有新的报名待设区市教育局审核"] * 3
    assert "not made" in caplog.text


def test_a_batch_of_events_costs_no_more_queries_than_a_single_one(
    programme, tree, school_coordinator, city_admin, django_assert_max_num_queries
):
    def deliver_queries(n: int) -> int:
        for _ in range(n):
            submit(school_coordinator.user, programme, make_teacher(tree["hz_school"]))
        with django_assert_max_num_queries(100) as captured:
            assert services.enrollment_notices_deliver() == n
        return len(captured)

    deliver_queries(1)  # the process reads the programme's policy once, then keeps it parsed
    assert deliver_queries(12) == deliver_queries(1)


def test_a_burst_of_commits_queues_one_deferred_delivery(
    programme,
    tree,
    school_coordinator,
    city_admin,
    deferring_tasks,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    people = [make_teacher(tree["hz_school"]) for _ in range(5)]
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        for person in people[:4]:
            submit(school_coordinator.user, programme, person)

    [queued] = DBTaskResult.objects.all()
    assert queued.task_path == DELIVERY_TASK
    assert before < queued.run_after <= timezone.now() + services.DELIVERY_DELAY
    assert not DBTaskResult.objects.ready().exists()  # the worker runs it a second later
    assert Notification.objects.count() == 0

    # Past that second, a commit can no longer count on the queued run: it queues another.
    later = timezone.now() + 2 * services.DELIVERY_DELAY
    monkeypatch.setattr(timezone, "now", lambda: later)
    with django_capture_on_commit_callbacks(execute=True):
        submit(school_coordinator.user, programme, people[4])

    monkeypatch.setattr(timezone, "now", lambda: later + 2 * services.DELIVERY_DELAY)
    ready = DBTaskResult.objects.ready().order_by("run_after")
    assert [result.task_path for result in ready] == [DELIVERY_TASK] * 2
    assert [result.task.call() for result in ready] == [5, 0]  # as the worker runs them
    assert titles(city_admin.user) == ["有新的报名待设区市教育局审核"] * 5


def test_a_rolled_back_enrollment_queues_no_delivery(
    programme, tree, school_coordinator, deferring_tasks, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        submit(school_coordinator.user, programme, make_teacher(tree["hz_school"]))
        raise RuntimeError("later step fails")

    assert DBTaskResult.objects.count() == 0
    assert pending() == 0


def test_threads_of_one_process_committing_at_once_queue_one_delivery(settings):
    settings.TASKS = {"default": {"BACKEND": f"{__name__}.RecordingBackend"}}
    RecordingBackend.queued.clear()
    services._scheduled.until = None
    barrier = threading.Barrier(8)

    def commits() -> None:
        try:
            barrier.wait(timeout=10)
            for _ in range(50):
                services.enrollment_notices_due()  # outside a transaction: as after a commit
        finally:
            connections.close_all()

    threads = [threading.Thread(target=commits) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert [name for name, _ in RecordingBackend.queued] == ["enrollment_notices_deliver"]
    services._scheduled.until = None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_delivery_passes_over_events_another_delivery_holds(
    programme, tree, school_coordinator, deferring_tasks
):
    people = [make_teacher(tree["hz_school"]) for _ in range(3)]
    for person in people:
        submit(school_coordinator.user, programme, person)
    held, release = threading.Event(), threading.Event()

    def other_delivery() -> None:
        try:
            with transaction.atomic():
                list(EnrollmentEvent.objects.select_for_update().order_by("pk")[:1])
                held.set()
                release.wait(timeout=30)
        finally:
            connections.close_all()

    thread = threading.Thread(target=other_delivery)
    thread.start()
    try:
        assert held.wait(timeout=10)
        assert services.enrollment_notices_deliver() == 2  # not waiting for the held one
    finally:
        release.set()
        thread.join(timeout=30)
    assert services.enrollment_notices_deliver() == 1

    assert all(titles(person.user) == ["已提交报名"] for person in people)


# ---- reminders -------------------------------------------------------------------------------


def at(day: str, hour: int = 9) -> datetime.datetime:
    return datetime.datetime.fromisoformat(day).replace(hour=hour, tzinfo=SHANGHAI)


def test_approvers_are_reminded_once_the_day_before_a_step_deadline(
    programme,
    tree,
    school_coordinator,
    city_admin,
    zhejiang_admin,
    nanjing_admin,
    django_capture_on_commit_callbacks,
):
    for _ in range(2):
        submit(school_coordinator.user, programme, make_teacher(tree["hz_school"]))

    assert services.remind_approval_deadlines(now=at("2026-12-03")) == 0  # two days before
    with django_capture_on_commit_callbacks(execute=True):
        assert services.remind_approval_deadlines(now=at("2026-12-04")) == 1
        assert services.remind_approval_deadlines(now=at("2026-12-04", 15)) == 0
        assert services.remind_approval_deadlines(now=at("2026-12-05")) == 0

    reminder = Notification.objects.get(user=city_admin.user)
    assert reminder.title == "设区市教育局审核即将截止"
    assert "尚有 2 条报名" in reminder.body and "2026-12-05" in reminder.body
    assert SentReminder.objects.get().user == city_admin.user
    assert titles(zhejiang_admin.user) == [] and titles(nanjing_admin) == []


def test_no_deadline_reminder_when_nothing_waits_at_the_step(
    programme, tree, school_coordinator, city_admin
):
    enrollment = submit(school_coordinator.user, programme, make_teacher(tree["hz_school"]))
    decide(city_admin.user, enrollment, "approve")

    assert services.remind_approval_deadlines(now=at("2026-12-04")) == 0


def test_coordinators_are_reminded_once_before_registration_closes(
    programme, tree, school_coordinator, jiangsu_admin
):
    other_school = holder(Role.SCHOOL_COORDINATOR, tree["nj_school"])

    assert services.remind_registration_closing(now=at("2026-11-29", 12)) == 0  # too early
    assert services.remind_registration_closing(now=at("2026-11-30", 8)) == 2
    assert services.remind_registration_closing(now=at("2026-11-30", 20)) == 0
    assert services.remind_registration_closing(now=at("2026-12-01", 8)) == 0  # closed

    [reminder] = Notification.objects.filter(user=school_coordinator.user)
    assert reminder.title == "报名即将截止"
    assert "骨干教师培训报名将于 2026-11-30 23:59 截止" in reminder.body
    assert titles(other_school) == ["报名即将截止"]  # the programme names no owner: everyone


def test_registration_reminders_stay_under_the_programme_owner(tree, school_coordinator):
    Programme.objects.create(
        code="js", title="江苏计划", year=2026, policy=policy(), owner=tree["js"]
    )

    assert services.remind_registration_closing(now=at("2026-11-30", 8)) == 0
    assert titles(school_coordinator.user) == []


def test_no_registration_reminder_where_only_teachers_register_themselves(tree, school_coordinator):
    Programme.objects.create(
        code="self", title="自主报名计划", year=2026, policy=policy(channels=["self_registration"])
    )

    assert services.remind_registration_closing(now=at("2026-11-30", 8)) == 0


# ---- the schedule ----------------------------------------------------------------------------


def test_schedule_queues_each_job_once_per_interval(django_capture_on_commit_callbacks):
    start = at("2026-12-04")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = services.schedule_run(now=start)
        again = services.schedule_run(now=start + datetime.timedelta(seconds=30))
        sweep = services.schedule_run(now=start + datetime.timedelta(minutes=5))
        later = services.schedule_run(now=start + datetime.timedelta(hours=1))
        forced = services.schedule_run(now=start + datetime.timedelta(hours=1), force=True)

    assert first == [
        "approval_deadline_reminders",
        "registration_closing_reminders",
        "enrollment_notices",
    ]
    assert again == []
    assert sweep == ["enrollment_notices"]  # at every run of the schedule (every 300 s)
    assert later == first and forced == first
    assert len(callbacks) == 10
    assert JobRun.objects.count() == 3


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
        policy=policy(
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
