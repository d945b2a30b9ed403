"""Enrollment options the notices use, in force: seats held from approval, 未报到 marked by the
base, the cancellation deadline (the seat table, test_seats.py, runs one_active_per and
held_from through both write paths)."""

import datetime
import importlib
from collections import Counter
from typing import Any

import pytest
from django.apps import apps
from django.urls import reverse
from rest_framework.test import APIClient

from shipei.audit.models import AuditEntry
from shipei.classes.models import TrainingClass
from shipei.core.clock import SHANGHAI
from shipei.core.errors import InvalidTransition, NotPermitted
from shipei.enrollment import seats, services
from shipei.enrollment.errors import (
    AlreadyEnrolled,
    ReasonRequired,
    SeatsGoneAtAdmission,
    WithdrawalClosed,
)
from shipei.enrollment.models import Enrollment, EnrollmentEvent
from shipei.enrollment.no_show import enrollment_mark_no_show
from shipei.enrollment.tests.conftest import make_teacher, submit, two_step_policy
from shipei.enrollment.tests.test_concurrency import refusals, together
from shipei.enrollment.tests.test_import import HEADER_003, parse, row_003, run, workbook
from shipei.notifications.models import Notification
from shipei.orgs.models import Region
from shipei.programmes.models import Programme
from shipei.projects.models import Project
from shipei.quotas.models import Quota

pytestmark = pytest.mark.django_db
Status = Enrollment.Status


def held(quota: Quota) -> int:
    quota.refresh_from_db()
    return quota.seats_held


def decide(actor: Any, enrollment: Enrollment, decision: str = "approve", reason: str = "") -> Any:
    return services.enrollment_decide(
        actor=actor.user, enrollment=enrollment, decision=decision, reason=reason
    )


# ---- quota.held_from = "approval" ---------------------------------------------------------------


@pytest.fixture
def at_approval(tree: Any) -> Programme:
    policy = {**two_step_policy(), "quota": {"scope": "city", "held_from": "approval"}}
    return Programme.objects.create(code="ha", title="录取时占名额", year=2026, policy=policy)


@pytest.fixture
def one_seat(at_approval: Programme) -> Quota:
    return Quota.objects.create(
        programme=at_approval, item="k1", seats=1, region=Region.objects.get(code="330100")
    )


def test_a_seat_held_from_approval_is_taken_when_the_last_step_admits(
    tree, at_approval, one_seat, school_coordinator, city_admin, zhejiang_admin
):
    first, second = (
        submit(school_coordinator.user, at_approval, make_teacher(tree["hz_school"]))
        for _ in range(2)
    )
    assert (first.status, second.status, held(one_seat)) == (Status.SUBMITTED,) * 2 + (0,)
    for enrollment in (first, second):
        decide(city_admin, enrollment)
    assert held(one_seat) == 0  # the city's step admits nobody

    admitted = decide(zhejiang_admin, first)
    assert (admitted.status, admitted.holds_seat, admitted.quota) == (
        Status.ADMITTED,
        True,
        one_seat,
    )
    assert held(one_seat) == 1

    with pytest.raises(SeatsGoneAtAdmission) as exc:
        decide(zhejiang_admin, second)
    assert exc.value.message == (
        "杭州市的名额已用完，不能录取（本计划在录取时占用名额）；报名仍在本环节等待审核。"
    )
    second.refresh_from_db()
    assert (second.status, second.step, second.holds_seat) == (Status.SUBMITTED, 1, False)
    assert [e.action for e in second.events.all()] == ["submitted", "approved"]  # the city's only
    assert seats.seats_consistent(at_approval) == []

    # A seat freed (the first withdraws) lets the province admit the second.
    services.enrollment_withdraw(actor=school_coordinator.user, enrollment=first)
    assert decide(zhejiang_admin, second).status == Status.ADMITTED
    assert held(one_seat) == 1 and seats.seats_consistent(at_approval) == []


def test_held_from_approval_a_rejection_frees_nothing(
    tree, at_approval, one_seat, school_coordinator, city_admin
):
    enrollment = submit(school_coordinator.user, at_approval, make_teacher(tree["hz_school"]))
    decide(city_admin, enrollment, "reject", "不符合条件")
    assert held(one_seat) == 0 and seats.seats_consistent(at_approval) == []


def test_the_approver_sees_why_the_last_step_is_refused(
    client, tree, at_approval, one_seat, school_coordinator, city_admin, zhejiang_admin
):
    Quota.objects.filter(pk=one_seat.pk).update(seats=0)
    enrollment = submit(school_coordinator.user, at_approval, make_teacher(tree["hz_school"]))
    decide(city_admin, enrollment)
    client.force_login(zhejiang_admin.user)

    response = client.post(
        reverse("enrollment:decide", args=[enrollment.pk]), {"decision": "approve", "reason": ""}
    )

    assert "杭州市的名额已用完，不能录取" in response.content.decode()
    enrollment.refresh_from_db()
    assert (enrollment.status, enrollment.step) == (Status.SUBMITTED, 1)


# ---- 未报到 -----------------------------------------------------------------------------------------


def class_policy(**enrollment: Any) -> dict[str, Any]:
    """Nominated into a base's class, admitted at once (no chain)."""
    return {
        "items": [{"code": "k1", "label": "骨干教师培训", "kind": "training_kind"}],
        "enrollment": {"channels": ["nomination"], "approval_chain": [], **enrollment},
        "quota": {"scope": "city"},
    }


def admitted_in_class(tree: Any, actor: Any, **enrollment: Any) -> tuple[Enrollment, Quota]:
    programme = Programme.objects.create(
        code=f"ns{Programme.objects.count()}",
        title="基地班",
        year=2026,
        policy=class_policy(**enrollment),
    )
    quota = Quota.objects.create(
        programme=programme, item="k1", seats=2, region=Region.objects.get(code="330100")
    )
    project = Project.objects.create(
        programme=programme,
        item="k1",
        base=tree["hz_base"],
        title="骨干教师培训班",
        status=Project.Status.PUBLISHED,
    )
    training_class = TrainingClass.objects.create(
        project=project, seq=1, starts_on="2026-12-01", ends_on="2026-12-05", capacity=5
    )
    made = services.enrollment_submit(
        actor=actor.user,
        programme=programme,
        item="k1",
        person=make_teacher(tree["hz_school"]),
        channel="nomination",
        training_class=training_class,
    )
    assert made.status == Status.ADMITTED
    return made, quota


def test_the_base_marks_no_show_and_the_seat_stays_used_by_default(
    tree, school_coordinator, base_admin
):
    enrollment, quota = admitted_in_class(tree, school_coordinator)

    marked = enrollment_mark_no_show(
        actor=base_admin.user, enrollment=enrollment, reason="开班当日未报到，联系未果"
    )

    assert (marked.status, marked.live, marked.holds_seat) == (Status.NO_SHOW, False, True)
    assert held(quota) == 1
    training_class = TrainingClass.objects.get(pk=enrollment.training_class_id)
    assert training_class.seats_taken == 1
    event = EnrollmentEvent.objects.filter(enrollment=enrollment).last()
    assert (event.action, event.reason, event.actor) == (
        "no_show",
        "开班当日未报到，联系未果",
        base_admin.user,
    )
    assert AuditEntry.objects.filter(
        action="enrollment.no_show", target_id=str(enrollment.pk)
    ).exists()
    assert seats.seats_consistent(enrollment.programme) == []


def test_no_show_releases_the_seat_where_the_policy_says_so(tree, school_coordinator, base_admin):
    enrollment, quota = admitted_in_class(
        tree, school_coordinator, seat_released_by=["rejection", "withdrawal", "no_show"]
    )

    marked = enrollment_mark_no_show(actor=base_admin.user, enrollment=enrollment, reason="未报到")

    assert (marked.status, marked.holds_seat) == (Status.NO_SHOW, False)
    assert held(quota) == 0
    assert TrainingClass.objects.get(pk=enrollment.training_class_id).seats_taken == 0
    assert seats.seats_consistent(enrollment.programme) == []


def test_the_teacher_hears_of_the_no_show(
    tree, school_coordinator, base_admin, django_capture_on_commit_callbacks
):
    enrollment, _quota = admitted_in_class(tree, school_coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        enrollment_mark_no_show(actor=base_admin.user, enrollment=enrollment, reason="未按时报到")

    teacher = enrollment.person.user
    note = Notification.objects.filter(user=teacher).order_by("pk").last()
    assert note.title == "被标记为未报到：未按时报到"
    heard = Notification.objects.filter(user=school_coordinator.user).order_by("pk").last()
    assert heard.title == f"{enrollment.person.name}被培训基地标记为未报到"


def test_only_the_base_marks_no_show_with_a_reason_an_admitted_enrollment(
    tree, school_coordinator, base_admin, city_admin, zhejiang_admin
):
    enrollment, quota = admitted_in_class(tree, school_coordinator)
    for someone in (school_coordinator, city_admin, zhejiang_admin):
        with pytest.raises(NotPermitted):
            enrollment_mark_no_show(actor=someone.user, enrollment=enrollment, reason="未报到")
    with pytest.raises(ReasonRequired):
        enrollment_mark_no_show(actor=base_admin.user, enrollment=enrollment, reason="  ")
    enrollment.refresh_from_db()
    assert enrollment.status == Status.ADMITTED and held(quota) == 1

    enrollment_mark_no_show(actor=base_admin.user, enrollment=enrollment, reason="未报到")
    with pytest.raises(InvalidTransition, match="未报到"):
        enrollment_mark_no_show(actor=base_admin.user, enrollment=enrollment, reason="再次")


def test_without_a_base_the_programme_owners_admins_mark_no_show(
    tree, school_coordinator, zhejiang_admin, city_admin, base_admin
):
    programme = Programme.objects.create(
        code="own", title="省计划", year=2026, policy=class_policy(), owner=tree["zj"]
    )
    enrollment = services.enrollment_submit(
        actor=school_coordinator.user,
        programme=programme,
        item="k1",
        person=make_teacher(tree["hz_school"]),
        channel="nomination",
    )
    for someone in (city_admin, base_admin):
        with pytest.raises(NotPermitted):
            enrollment_mark_no_show(actor=someone.user, enrollment=enrollment, reason="未报到")
    marked = enrollment_mark_no_show(
        actor=zhejiang_admin.user, enrollment=enrollment, reason="未报到"
    )
    assert marked.status == Status.NO_SHOW


def test_the_admitted_list_and_the_enrollment_page_offer_the_button(
    client, tree, school_coordinator, base_admin
):
    enrollment, quota = admitted_in_class(tree, school_coordinator)
    client.force_login(base_admin.user)

    listed = client.get(reverse("enrollment:admitted")).content.decode()
    assert enrollment.person.name in listed and "标记未报到" in listed
    detail = client.get(reverse("enrollment:detail", args=[enrollment.pk])).content.decode()
    assert "标记未报到" in detail

    response = client.post(
        reverse("enrollment:no_show", args=[enrollment.pk]),
        {"reason": "开班未到", "next": reverse("enrollment:admitted")},
        follow=True,
    )
    page = response.content.decode()
    assert f"已将{enrollment.person.name}标记为未报到（按规定名额不释放）。" in page
    assert enrollment.person.name not in page.split("已录取名单")[-1].split("暂无已录取的学员")[0]
    enrollment.refresh_from_db()
    assert enrollment.status == Status.NO_SHOW and held(quota) == 1


def test_the_page_refuses_a_no_show_without_reason_and_hides_the_button_from_others(
    client, tree, school_coordinator, base_admin
):
    enrollment, _quota = admitted_in_class(tree, school_coordinator)
    client.force_login(base_admin.user)
    response = client.post(reverse("enrollment:no_show", args=[enrollment.pk]), {}, follow=True)
    assert "标记未报到须填写原因。" in response.content.decode()
    enrollment.refresh_from_db()
    assert enrollment.status == Status.ADMITTED

    client.force_login(school_coordinator.user)
    detail = client.get(reverse("enrollment:detail", args=[enrollment.pk])).content.decode()
    assert "标记未报到" not in detail
    assert enrollment.person.name not in client.get(reverse("enrollment:admitted")).content.decode()


def test_the_api_marks_no_show(tree, school_coordinator, base_admin):
    enrollment, _quota = admitted_in_class(tree, school_coordinator)
    api = APIClient()
    api.force_authenticate(base_admin.user)
    url = f"/api/v1/enrollments/{enrollment.pk}/no-show/"

    refused = api.post(url, {"reason": ""}, format="json")
    assert refused.status_code == 400 and "请填写原因" in refused.content.decode()
    answer = api.post(url, {"reason": "未报到"}, format="json")
    assert answer.status_code == 200 and answer.json()["status"] == "no_show"

    api.force_authenticate(school_coordinator.user)
    other, _q = admitted_in_class(tree, school_coordinator)
    assert api.post(f"/api/v1/enrollments/{other.pk}/no-show/", {"reason": "x"}).status_code == 403


# ---- enrollment.cancellation_deadline --------------------------------------------------------


AFTER = datetime.datetime(2026, 11, 26, 9, 0, tzinfo=SHANGHAI)
BEFORE = datetime.datetime(2026, 11, 25, 23, 0, tzinfo=SHANGHAI)


def with_deadline(deadline: str) -> Programme:
    return Programme.objects.create(
        code=f"cd{Programme.objects.count()}",
        title="撤回截止",
        year=2026,
        policy=two_step_policy(cancellation_deadline=deadline),
    )


def teacher_enrollment(tree: Any, programme: Programme, coordinator: Any) -> Enrollment:
    return submit(coordinator.user, programme, make_teacher(tree["hz_school"]))


def test_after_the_deadline_the_teacher_cannot_withdraw_by_themselves(tree, school_coordinator):
    programme = with_deadline("2026-11-25")
    enrollment = teacher_enrollment(tree, programme, school_coordinator)
    teacher = enrollment.person.user

    for actor in (teacher, school_coordinator.user):
        with pytest.raises(WithdrawalClosed) as exc:
            services.enrollment_withdraw(actor=actor, enrollment=enrollment, now=AFTER)
    assert exc.value.message.startswith(
        "撤回报名的截止时间为 2026-11-25 23:59，已过截止时间，不能自行撤回"
    )
    enrollment.refresh_from_db()
    assert enrollment.status == Status.SUBMITTED

    # Before it, as without one.
    withdrawn = services.enrollment_withdraw(actor=teacher, enrollment=enrollment, now=BEFORE)
    assert withdrawn.status == Status.WITHDRAWN


def test_after_the_deadline_an_admin_withdraws_with_a_reason(tree, school_coordinator, city_admin):
    programme = with_deadline("2026-11-25T18:30:00")
    enrollment = teacher_enrollment(tree, programme, school_coordinator)
    with pytest.raises(WithdrawalClosed, match="2026-11-25 18:30"):
        services.enrollment_withdraw(actor=enrollment.person.user, enrollment=enrollment, now=AFTER)
    with pytest.raises(ReasonRequired):
        services.enrollment_withdraw(actor=city_admin.user, enrollment=enrollment, now=AFTER)

    withdrawn = services.enrollment_withdraw(
        actor=city_admin.user, enrollment=enrollment, reason="学校调整人选", now=AFTER
    )
    assert (withdrawn.status, withdrawn.reason) == (Status.WITHDRAWN, "学校调整人选")


def test_after_the_deadline_the_teachers_pages_offer_no_withdrawal(
    client, tree, school_coordinator
):
    # Today (the test's real clock) is past 2026-11-25; a deadline far ahead leaves the button.
    passed = teacher_enrollment(tree, with_deadline("2020-01-01"), school_coordinator)
    ahead = teacher_enrollment(tree, with_deadline("2099-12-31"), school_coordinator)
    for enrollment, offered in ((passed, False), (ahead, True)):
        client.force_login(enrollment.person.user)
        detail = client.get(reverse("enrollment:detail", args=[enrollment.pk])).content.decode()
        assert (reverse("enrollment:withdraw", args=[enrollment.pk]) in detail) is offered
        assert ("撤回报名的截止时间为 2020-01-01 23:59" in detail) is not offered
        mine = client.get(reverse("enrollment:mine")).content.decode()
        assert (reverse("enrollment:withdraw", args=[enrollment.pk]) in mine) is offered


# ---- on PostgreSQL: at once ---------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.xdist_group("enrollment_concurrency")
def test_last_steps_racing_for_the_last_seat_admit_exactly_one(
    tree, at_approval, one_seat, school_coordinator, city_admin, zhejiang_admin
):
    waiting = []
    for _ in range(8):
        enrollment = submit(school_coordinator.user, at_approval, make_teacher(tree["hz_school"]))
        waiting.append(decide(city_admin, enrollment))

    results = together([lambda e=e: decide(zhejiang_admin, e) for e in waiting])

    assert refusals(results) == Counter({"SeatsGoneAtAdmission": 7})
    assert Enrollment.objects.filter(programme=at_approval, status=Status.ADMITTED).count() == 1
    assert held(one_seat) == 1 and seats.seats_consistent(at_approval) == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.xdist_group("enrollment_concurrency")
def test_one_per_programme_holds_when_one_teacher_enrolls_for_every_item_at_once(
    tree, school_coordinator
):
    items = [{"code": f"k{i}", "label": f"项目{i}", "kind": "training_kind"} for i in range(8)]
    policy = {**class_policy(one_active_per="programme"), "items": items}
    policy["enrollment"]["approval_chain"] = [{"role": "city_admin", "label": "设区市审核"}]
    programme = Programme.objects.create(code="race1", title="每人一项", year=2026, policy=policy)
    person = make_teacher(tree["hz_school"])

    results = together(
        [
            lambda code=item["code"]: services.enrollment_submit(
                actor=school_coordinator.user,
                programme=programme,
                item=code,
                person=person,
                channel="nomination",
            )
            for item in items
        ]
    )

    assert sum(kind == "ok" for kind, _r in results) == 1
    assert all(isinstance(r, AlreadyEnrolled) for kind, r in results if kind == "error")
    assert Enrollment.objects.filter(programme=programme, person=person, live=True).count() == 1


# ---- existing enrollments get their key from their programme's policy (migration 0007) ----------


def test_the_migration_keys_existing_enrollments_by_their_programmes_policy(tree):
    fill = importlib.import_module("shipei.enrollment.migrations.0007_live_key").fill
    two = [
        {"code": "k1", "label": "甲", "kind": "training_kind"},
        {"code": "k2", "label": "乙", "kind": "training_kind"},
    ]
    person = make_teacher(tree["hz_school"])
    made = {}
    for per in ("item", "programme", "none"):
        policy = {**class_policy(one_active_per=per), "items": two}
        programme = Programme.objects.create(code=per, title=per, year=2026, policy=policy)
        for code in ("k1", "k2"):  # two live ones, as before the rule held
            made[per, code] = Enrollment.objects.create(
                programme=programme,
                item=code,
                person=person,
                org=person.org,
                channel="nomination",
                live_key=code,
            )
    Enrollment.objects.update(live_key=None)

    fill(apps, None)

    keys = {key: Enrollment.objects.get(pk=e.pk).live_key for key, e in made.items()}
    assert keys == {
        ("item", "k1"): "k1",
        ("item", "k2"): "k2",
        ("programme", "k1"): "*",
        ("programme", "k2"): "k2",  # the second, made before: kept, never refused afterwards
        ("none", "k1"): None,
        ("none", "k2"): None,
    }


def held_from_approval(programme: Programme, **enrollment: Any) -> None:
    policy = programme.policy
    programme.policy = {
        **policy,
        "quota": {**policy["quota"], "held_from": "approval"},
        "enrollment": {**policy["enrollment"], **enrollment},
    }
    programme.save()


def test_a_list_longer_than_the_quota_is_taken_where_a_later_step_takes_the_seats(
    zhejiang_admin, p003, tree
):
    """003's 浙江 has 3 seats of x01: a list of 4 is refused when seats are held at submission
    (test_import.py); taken whole when they are held from approval and the ministry's later
    step admits."""
    chain = [
        *p003.policy["enrollment"]["approval_chain"],
        {"role": "national_admin", "label": "教育部确认"},
    ]
    held_from_approval(p003, approval_chain=chain)
    rows = [row_003(name=f"学员{i}", mobile=f"1371111000{i}") for i in range(4)]

    counts = run(zhejiang_admin.user, p003, workbook(HEADER_003, rows))

    assert (counts["enrolled"], counts["approved"]) == (4, 4)  # the province's step, not the last
    assert Quota.objects.get(programme=p003, item="x01").seats_held == 0
    assert seats.seats_consistent(p003) == []


def test_where_the_importer_admits_the_list_is_held_to_the_seats_left(zhejiang_admin, p003, tree):
    """The province takes 003's one step itself: importing admits, and takes the seats then."""
    held_from_approval(p003)
    rows = [row_003(name=f"学员{i}", mobile=f"1371111000{i}") for i in range(4)]

    _sheet, _rows, problems = parse(zhejiang_admin.user, p003, workbook(HEADER_003, rows))

    assert [str(p) for p in problems] == [
        "第5行“项目名称”列：浙江省“集成电路领域领军教师示范培训项目（山东理工大学）”的名额还剩 3 个，"
        "本文件报了 4 人，本行超出名额。"
    ]
