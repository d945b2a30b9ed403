"""Policy revisions as enrollment meets them: an enrollment keeps the chain it started with,
items run their own chains, and a base step is taken by the base an item names."""

import datetime
from typing import Any

import pytest
from django.utils import timezone

from shipei.accounts.models import Role, RoleAssignment
from shipei.audit.models import AuditEntry
from shipei.enrollment import approvals, selectors, services
from shipei.enrollment.models import Enrollment
from shipei.enrollment.reminders import remind_approval_deadlines
from shipei.enrollment.tests.conftest import open_window, teacher_at
from shipei.notifications.models import Notification
from shipei.orgs.tests.factories import SchoolFactory
from shipei.programmes import services as programme_services
from shipei.programmes.errors import PolicyInvalid
from shipei.programmes.models import PolicyRevision, Programme

Status = Enrollment.Status
CITY = {"role": "city_admin", "label": "设区市教育局审核"}
PROVINCE = {"role": "provincial_admin", "label": "省教育厅审核"}
BASE = {"role": "base_admin", "label": "承训基地确认"}


def policy(**enrollment: Any) -> dict[str, Any]:
    return {
        "items": [
            {"code": "k1", "label": "骨干教师培训", "kind": "training_kind"},
            {
                "code": "x1",
                "label": "1+X 证书师资培训",
                "kind": "course",
                "approval_chain": [PROVINCE],  # no city step
            },
        ],
        "enrollment": {
            "channels": ["nomination"],
            "approval_chain": [CITY, PROVINCE],
            "window": open_window(),
            **enrollment,
        },
        "quota": {"scope": "none"},
    }


@pytest.fixture
def programme(zhejiang_admin: Any) -> Programme:
    return programme_services.programme_create(
        actor=zhejiang_admin.user,
        owner=zhejiang_admin.org,
        code="zj-rev",
        title="2026年浙江省骨干教师培训",
        year=2026,
        policy=policy(),
    )


def nominate(coordinator: Any, programme: Programme, item: str, person: Any) -> Enrollment:
    return services.enrollment_submit(
        actor=coordinator.user,
        programme=Programme.objects.get(pk=programme.pk),
        item=item,
        person=person,
        channel="nomination",
    )


def test_every_saved_edit_is_a_revision_and_a_rollback_is_a_new_one(zhejiang_admin, programme):
    assert list(programme.revisions.values_list("number", "reason")) == [(1, "新建")]
    programme_services.programme_update_section(
        actor=zhejiang_admin.user,
        programme=programme,
        section="enrollment",
        data={**programme.policy["enrollment"], "approval_chain": [PROVINCE]},
        reason="取消市级审核",
    )
    programme.refresh_from_db()
    assert programme.revision == 2
    second = programme.revisions.get(number=2)
    assert second.author == zhejiang_admin.user and second.reason == "取消市级审核"
    assert [s.role for s in second.rules.enrollment.approval_chain] == ["provincial_admin"]

    programme_services.programme_rollback(actor=zhejiang_admin.user, programme=programme, number=1)
    programme.refresh_from_db()
    assert programme.revision == 3
    assert programme.revisions.get(number=3).reason == "恢复到第 1 版"
    assert [s.role for s in programme.rules.enrollment.approval_chain] == [
        "city_admin",
        "provincial_admin",
    ]
    assert PolicyRevision.objects.filter(programme=programme).count() == 3  # none rewritten


def test_an_unchanged_save_makes_no_revision(zhejiang_admin, programme):
    programme_services.programme_update_section(
        actor=zhejiang_admin.user,
        programme=programme,
        section="enrollment",
        data=programme.policy["enrollment"],
    )
    assert programme.revisions.count() == 1


def test_rolling_back_to_a_revision_that_does_not_exist_is_refused(zhejiang_admin, programme):
    with pytest.raises(Exception, match="没有第 9 版"):
        programme_services.programme_rollback(
            actor=zhejiang_admin.user, programme=programme, number=9
        )
    assert programme.revisions.count() == 1


def test_an_edit_of_the_chain_never_strands_an_enrollment_in_flight(
    tree, zhejiang_admin, city_admin, school_coordinator, programme
):
    teacher = teacher_at(tree["hz_school"])
    waiting = nominate(school_coordinator, programme, "k1", teacher)
    assert waiting.policy_revision == 1
    # The province empties the chain: new enrollments are admitted at once ...
    programme_services.programme_update_section(
        actor=zhejiang_admin.user,
        programme=programme,
        section="enrollment",
        data={**programme.policy["enrollment"], "approval_chain": []},
        reason="不再审核",
    )
    later = nominate(school_coordinator, programme, "k1", teacher_at(tree["hz_school"]))
    assert later.status == Status.ADMITTED and later.policy_revision == 2
    # ... and the one in flight still waits at the city's step of the chain it started with.
    waiting.refresh_from_db()
    assert approvals.current_step(waiting).role == "city_admin"
    assert list(selectors.awaiting(user=city_admin.user)) == [waiting]
    services.enrollment_decide(actor=city_admin.user, enrollment=waiting, decision="approve")
    assert list(selectors.awaiting(user=zhejiang_admin.user)) == [waiting]
    services.enrollment_decide(actor=zhejiang_admin.user, enrollment=waiting, decision="approve")
    waiting.refresh_from_db()
    assert waiting.status == Status.ADMITTED


def test_an_item_with_its_own_chain_skips_the_programmes_city_step(
    tree, zhejiang_admin, city_admin, school_coordinator, programme
):
    key_teacher = nominate(school_coordinator, programme, "k1", teacher_at(tree["hz_school"]))
    one_x = nominate(school_coordinator, programme, "x1", teacher_at(tree["hz_school"]))
    assert list(selectors.awaiting(user=city_admin.user)) == [key_teacher]
    assert list(selectors.awaiting(user=zhejiang_admin.user)) == [one_x]
    assert approvals.may_decide(zhejiang_admin.user, one_x)
    assert not approvals.may_decide(city_admin.user, one_x)
    services.enrollment_decide(actor=zhejiang_admin.user, enrollment=one_x, decision="approve")
    one_x.refresh_from_db()
    assert one_x.status == Status.ADMITTED  # its chain had one step


def test_a_base_step_is_taken_by_the_base_the_item_names(
    tree, zhejiang_admin, city_admin, school_coordinator, base_admin
):
    other_base = SchoolFactory(parent=tree["hz"], name="浙江工业职业技术学院")
    other_admin = RoleAssignment.objects.create(
        user=type(base_admin.user).objects.create_user("other-base", "Secret123"),
        role=Role.BASE_ADMIN,
        org=other_base,
    ).user
    data = policy(approval_chain=[CITY, PROVINCE, BASE])
    data["items"][0]["base"] = tree["hz_base"].name
    programme = programme_services.programme_create(
        actor=zhejiang_admin.user,
        owner=zhejiang_admin.org,
        code="zj-base",
        title="2026年浙江省骨干教师培训（基地确认）",
        year=2026,
        policy={**data, "items": data["items"][:1]},
    )
    enrollment = nominate(school_coordinator, programme, "k1", teacher_at(tree["hz_school"]))
    assert enrollment.base == tree["hz_base"]
    for approver in (city_admin.user, zhejiang_admin.user):
        services.enrollment_decide(actor=approver, enrollment=enrollment, decision="approve")
    enrollment.refresh_from_db()
    assert approvals.current_step(enrollment).role == "base_admin"
    assert not approvals.may_decide(other_admin, enrollment)
    assert list(selectors.awaiting(user=other_admin)) == []
    assert list(selectors.awaiting(user=base_admin.user)) == [enrollment]
    assert [u.pk for u in approvals.users_who_may_decide(enrollment)] == [base_admin.user.pk]
    services.enrollment_decide(actor=base_admin.user, enrollment=enrollment, decision="approve")
    enrollment.refresh_from_db()
    assert enrollment.status == Status.ADMITTED


def test_a_chain_whose_base_step_no_enrollment_could_reach_is_refused(zhejiang_admin):
    # A phase's enrollments name no class, so no base: its base step could never be taken (an
    # item of another kind enrolls into a class of a base's project instead).
    data = policy()
    data["items"][0]["kind"] = "phase"
    programme = programme_services.programme_create(
        actor=zhejiang_admin.user,
        owner=zhejiang_admin.org,
        code="zj-rev-phase",
        title="2026年浙江省骨干教师培训（分阶段）",
        year=2026,
        policy=data,
    )
    before = programme.revision
    with pytest.raises(PolicyInvalid) as refused:
        programme_services.programme_update_section(
            actor=zhejiang_admin.user,
            programme=programme,
            section="enrollment",
            data={**programme.policy["enrollment"], "approval_chain": [CITY, BASE]},
        )
    assert "承训基地确认" in str(refused.value.problems) and "骨干教师培训" in str(
        refused.value.problems
    )
    programme.refresh_from_db()
    assert programme.revision == before
    assert not AuditEntry.objects.filter(action="programme.updated").exists()


def test_an_item_takes_only_its_own_channels(tree, school_coordinator, zhejiang_admin):
    data = policy()
    data["items"][1]["channels"] = ["self_registration"]
    programme = programme_services.programme_create(
        actor=zhejiang_admin.user,
        owner=zhejiang_admin.org,
        code="zj-channels",
        title="2026年浙江省教师培训（分项目报名方式）",
        year=2026,
        policy=data,
    )
    assert programme.rules.all_channels() == ["nomination", "self_registration"]
    nominate(school_coordinator, programme, "k1", teacher_at(tree["hz_school"]))
    with pytest.raises(Exception, match="学校推荐") as refused:
        nominate(school_coordinator, programme, "x1", teacher_at(tree["hz_school"]))
    assert "x1" not in Enrollment.objects.values_list("item", flat=True)
    assert refused.type.__name__ == "ChannelNotOpen"


def test_the_deadline_of_an_items_own_step_reminds_its_approvers(
    tree, zhejiang_admin, school_coordinator
):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    data = policy()
    data["items"][1]["approval_chain"] = [{**PROVINCE, "deadline": tomorrow.isoformat()}]
    programme = programme_services.programme_create(
        actor=zhejiang_admin.user,
        owner=zhejiang_admin.org,
        code="zj-remind",
        title="2026年浙江省教师培训（分项目审核期限）",
        year=2026,
        policy=data,
    )
    nominate(school_coordinator, programme, "x1", teacher_at(tree["hz_school"]))
    assert remind_approval_deadlines() == 1
    note = Notification.objects.get(user=zhejiang_admin.user)
    assert "省教育厅审核" in note.title and tomorrow.isoformat() in note.body


def test_a_step_of_the_chain_an_enrollment_started_with_is_reminded_by_its_own_deadline(
    tree, zhejiang_admin, city_admin, school_coordinator
):
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    data = policy(approval_chain=[{**CITY, "deadline": tomorrow}, PROVINCE])
    programme = programme_services.programme_create(
        actor=zhejiang_admin.user,
        owner=zhejiang_admin.org,
        code="zj-remind-pinned",
        title="2026年浙江省教师培训（改过审核流程）",
        year=2026,
        policy=data,
    )
    nominate(school_coordinator, programme, "k1", teacher_at(tree["hz_school"]))
    changed = {
        **programme.policy["enrollment"],
        "approval_chain": [
            {"role": "provincial_admin", "label": "省厅直接审核", "deadline": tomorrow}
        ],
    }
    programme_services.programme_update_section(
        actor=zhejiang_admin.user, programme=programme, section="enrollment", data=changed
    )
    assert remind_approval_deadlines() == 1
    note = Notification.objects.get()
    assert note.user == city_admin.user and "设区市教育局审核" in note.title
