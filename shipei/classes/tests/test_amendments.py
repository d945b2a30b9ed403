"""Changes to a planned class and classes outside the plan (notice 004, footnotes ④ ⑤): the
province approves (an unplanned class with the stamped scan it uploads), then the national
centre records; nothing changes without the province."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from shipei.audit.models import AuditEntry
from shipei.classes import amendments, flow
from shipei.classes.errors import (
    AmendmentOpen,
    ConsentPending,
    NothingChanged,
    ScanInvalid,
    ScanRequired,
    UnplannedTooLate,
)
from shipei.classes.models import ClassAmendment, TrainingClass
from shipei.classes.tests.conftest import PLAN, day
from shipei.core.errors import InvalidTransition, NotPermitted

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
S = TrainingClass.Status


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def scan(name: str = "盖章件.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_a_change_of_dates_waits_for_the_province_then_is_made_and_recorded(
    base_admin, zhejiang_admin, national_admin, applied_class
):
    before = (applied_class.starts_on, applied_class.ends_on)
    change = amendments.amendment_request(
        actor=base_admin.user,
        training_class=applied_class,
        reason="与技能大赛时间冲突",
        starts_on=day(70),
        ends_on=day(78),
    )
    unchanged = TrainingClass.objects.get(pk=applied_class.pk)
    assert (unchanged.starts_on, unchanged.ends_on) == before
    assert change.changes == {
        "starts_on": [before[0].isoformat(), day(70).isoformat()],
        "ends_on": [before[1].isoformat(), day(78).isoformat()],
    }
    with pytest.raises(AmendmentOpen):
        amendments.amendment_request(
            actor=base_admin.user, training_class=applied_class, reason="再改", capacity=20
        )
    amendments.amendment_decide(actor=zhejiang_admin.user, amendment=change, approve=True)
    moved = TrainingClass.objects.get(pk=applied_class.pk)
    assert (moved.starts_on, moved.ends_on) == (day(70), day(78))
    with pytest.raises(NotPermitted):
        amendments.amendment_record(actor=zhejiang_admin.user, amendment=change)
    amendments.amendment_record(actor=national_admin.user, amendment=change)
    assert ClassAmendment.objects.get(pk=change.pk).status == ClassAmendment.Status.RECORDED
    assert list(
        AuditEntry.objects.filter(target_type="classes.classamendment")
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["class.amendment_requested", "class.amendment_approved", "class.amendment_recorded"]


def test_the_number_of_teaching_core_teachers_changes_with_the_provinces_approval(
    base_admin, zhejiang_admin, applied_class
):
    assert applied_class.staff_needed["授课骨干教师"] == 2
    change = amendments.amendment_request(
        actor=base_admin.user,
        training_class=applied_class,
        reason="实训项目分两组，需增加授课骨干教师",
        staff_counts={"授课骨干教师": 3},
    )
    assert TrainingClass.objects.get(pk=applied_class.pk).staff_needed["授课骨干教师"] == 2
    amendments.amendment_decide(actor=zhejiang_admin.user, amendment=change, approve=True)
    cls = TrainingClass.objects.get(pk=applied_class.pk)
    assert cls.staff_needed == {"授课骨干教师": 3, "考核骨干教师": 3, "班务管理教师": 1}


@pytest.mark.parametrize(
    ("wanted", "message"),
    [
        ({"ends_on": day(60 + 9)}, "二级培训时间为 9 天，本班次为 10 天"),
        ({"capacity": 31}, "每班不超过 30 人"),
        ({"staff_counts": {"讲师": 1}}, "只能调整政策规定的角色"),
    ],
)
def test_a_change_the_policy_forbids_is_refused_when_asked(
    base_admin, applied_class, wanted, message
):
    with pytest.raises(ValidationError, match=message):
        amendments.amendment_request(
            actor=base_admin.user, training_class=applied_class, reason="调整", **wanted
        )
    assert not ClassAmendment.objects.exists()


def test_a_change_to_nothing_and_a_change_of_another_institution_are_refused(
    tree, applied_class, base_admin
):
    from shipei.accounts.models import Role
    from shipei.projects.tests.conftest import make_actor

    with pytest.raises(NothingChanged):
        amendments.amendment_request(
            actor=base_admin.user,
            training_class=applied_class,
            reason="调整",
            capacity=applied_class.capacity,
        )
    other = make_actor(Role.BASE_ADMIN, tree["nj_school"])
    with pytest.raises(NotPermitted):
        amendments.amendment_request(
            actor=other.user, training_class=applied_class, reason="调整", capacity=20
        )


def unplanned(base_admin, p004, start_in=60):
    return flow.class_apply_unplanned(
        actor=base_admin.user,
        programme=p004,
        institution=base_admin.org,
        item="l3-c5",
        reason="承接省技能人才培养项目，新增一期",
        starts_on=day(start_in),
        ends_on=day(start_in + 6),
        capacity=24,
        place="实训楼",
    )


def test_an_unplanned_class_waits_for_the_provinces_consent_with_the_stamped_scan(
    base_admin, zhejiang_admin, p004
):
    cls = unplanned(base_admin, p004)
    assert cls.status == S.APPLIED and cls.unplanned and cls.plan_line is None
    addition = cls.amendments.get()
    assert addition.kind == ClassAmendment.Kind.ADDITION
    with pytest.raises(ConsentPending):
        flow.class_mark_staffed(actor=base_admin.user, training_class=cls)

    with pytest.raises(ScanRequired, match="须上传盖章扫描件"):
        amendments.amendment_decide(actor=zhejiang_admin.user, amendment=addition, approve=True)
    with pytest.raises(ScanInvalid, match="文件内容与扩展名不符"):
        amendments.amendment_decide(
            actor=zhejiang_admin.user,
            amendment=addition,
            approve=True,
            scan=scan(content=b"MZ\x90\x00 not a pdf"),
        )
    with pytest.raises(ScanInvalid, match=r"“\.docx”"):
        amendments.amendment_decide(
            actor=zhejiang_admin.user, amendment=addition, approve=True, scan=scan("批复.docx")
        )
    with pytest.raises(ScanInvalid, match=r"11\.0 MB"):
        amendments.amendment_decide(
            actor=zhejiang_admin.user,
            amendment=addition,
            approve=True,
            scan=scan(content=PDF + b"0" * (11 * 1024 * 1024 - len(PDF))),
        )
    assert ClassAmendment.objects.get(pk=addition.pk).status == ClassAmendment.Status.SUBMITTED

    amendments.amendment_decide(
        actor=zhejiang_admin.user, amendment=addition, approve=True, scan=scan()
    )
    approved = ClassAmendment.objects.get(pk=addition.pk)
    assert approved.scan_name == "盖章件.pdf" and approved.scan.read().startswith(b"%PDF")
    flow.class_mark_staffed(actor=base_admin.user, training_class=cls)
    flow.class_file_plan(actor=base_admin.user, training_class=cls, **PLAN)
    assert TrainingClass.objects.get(pk=cls.pk).status == S.PLAN_FILED


def test_an_unplanned_class_the_province_declines_is_cancelled_with_its_reason(
    base_admin, zhejiang_admin, p004
):
    cls = unplanned(base_admin, p004)
    addition = cls.amendments.get()
    amendments.amendment_decide(
        actor=zhejiang_admin.user, amendment=addition, approve=False, reason="本年度名额已满"
    )
    cancelled = TrainingClass.objects.get(pk=cls.pk)
    assert cancelled.status == S.CANCELLED
    assert cancelled.status_reason == "省级未同意计划外班次：本年度名额已满"
    with pytest.raises(InvalidTransition, match="省级未同意"):
        amendments.amendment_decide(actor=zhejiang_admin.user, amendment=addition, approve=True)


def test_an_unplanned_class_later_than_40_days_before_its_start_is_refused(base_admin, p004):
    with pytest.raises(UnplannedTooLate, match="计划外班次也须在开班前 40 天"):
        unplanned(base_admin, p004, start_in=20)
    assert not TrainingClass.objects.exists()


def test_an_unplanned_class_needs_a_reason_and_keeps_to_the_length_of_its_level(base_admin, p004):
    with pytest.raises(ValidationError, match="请说明增补计划外班次的理由"):
        flow.class_apply_unplanned(
            actor=base_admin.user,
            programme=p004,
            institution=base_admin.org,
            item="l3-c5",
            reason="",
            starts_on=day(60),
            ends_on=day(66),
            capacity=24,
        )
    with pytest.raises(ValidationError, match="三级培训时间为 7 天，本班次为 8 天"):
        flow.class_apply_unplanned(
            actor=base_admin.user,
            programme=p004,
            institution=base_admin.org,
            item="l3-c5",
            reason="新增",
            starts_on=day(60),
            ends_on=day(67),
            capacity=24,
        )
    assert not TrainingClass.objects.exists()
