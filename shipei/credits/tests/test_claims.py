"""External hours: a teacher claims training elsewhere with a proof file; the school approves it
into the ledger (marked external) or returns it with a reason; bad input changes nothing."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from shipei.audit.models import AuditEntry
from shipei.core.errors import NotPermitted
from shipei.credits import services
from shipei.credits.errors import ClaimDuplicate, NoTeacher, ReasonRequired
from shipei.credits.models import Claim, Entry
from shipei.credits.proofs import MAX_PROOF_BYTES
from shipei.credits.tests.conftest import PDF, claim_fields, proof, teacher_of
from shipei.projects.tests.conftest import make_actor

pytestmark = pytest.mark.django_db


def test_an_approved_claim_counts_in_the_ledger_marked_external(teacher, coordinator):
    claim = services.claim_submit(actor=teacher.user, **claim_fields())
    assert claim.status == Claim.Status.SUBMITTED and claim.org == teacher.person.org
    assert claim.proof.read() == PDF and claim.proof_name == "证书.pdf"
    assert not Entry.objects.exists()

    services.claim_decide(actor=coordinator.user, claim=claim, approve=True)

    entry = Entry.objects.get()
    assert (entry.person, entry.source, entry.hours, entry.year) == (
        teacher.person,
        Entry.Source.EXTERNAL,
        24,
        2025,
    )
    actions = AuditEntry.objects.filter(action__startswith="credit.").values_list("action", "actor")
    assert set(actions) == {
        ("credit.claim_submitted", teacher.user.pk),
        ("credit.claim_approved", coordinator.user.pk),
    }


def test_a_returned_claim_says_why_counts_nothing_and_may_be_filed_again(
    client, teacher, coordinator
):
    claim = services.claim_submit(actor=teacher.user, **claim_fields())
    with pytest.raises(ReasonRequired):
        services.claim_decide(actor=coordinator.user, claim=claim, approve=False, reason=" ")
    services.claim_decide(
        actor=coordinator.user, claim=claim, approve=False, reason="证明材料不清晰，请重新上传"
    )
    claim.refresh_from_db()
    assert claim.status == Claim.Status.RETURNED and not Entry.objects.exists()
    entry = AuditEntry.objects.get(action="credit.claim_returned")
    assert entry.data["reason"] == "证明材料不清晰，请重新上传"

    client.force_login(teacher.user)
    assert "证明材料不清晰，请重新上传" in client.get(reverse("credits:mine")).content.decode()
    # Returned, it no longer blocks filing the same training again.
    services.claim_submit(actor=teacher.user, **claim_fields())
    assert Claim.objects.count() == 2


def test_a_decided_claim_cannot_be_decided_again(teacher, coordinator):
    claim = services.claim_submit(actor=teacher.user, **claim_fields())
    services.claim_decide(actor=coordinator.user, claim=claim, approve=True)
    with pytest.raises(Exception, match="已通过"):
        services.claim_decide(actor=coordinator.user, claim=claim, approve=False, reason="x")
    assert Entry.objects.count() == 1


def _future() -> str:
    return (timezone.localdate() + datetime.timedelta(days=3)).isoformat()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"hours": "-8"}, "hours", "学时须大于 0"),
        ({"hours": "0"}, "hours", "学时须大于 0"),
        ({"hours": "abc"}, "hours", "学时须为数字"),
        ({"hours": "NaN"}, "hours", "学时须大于 0"),
        ({"hours": "500"}, "hours", "3 天的培训最多计 36 学时"),
        ({"hours": "7.25"}, "hours", "最多保留 1 位小数"),
        ({"starts_on": "1999-12-30"}, "starts_on", "2000 年至 2100 年之间"),
        ({"ends_on": "2101-01-01"}, "ends_on", "2000 年至 2100 年之间"),
        ({"ends_on": "__future__"}, "ends_on", "培训尚未结束"),
        ({"ends_on": "2025-07-01"}, "ends_on", "结束日期不能早于开始日期"),
        ({"starts_on": "去年七月"}, "starts_on", "格式如 2026-03-01"),
        ({"title": "  "}, "title", "请填写培训名称"),
        ({"proof": proof("证书.exe", b"MZ\x90\x00")}, "proof", "只能是 PDF、JPG 或 PNG"),
        ({"proof": proof("证书.pdf", b"MZ\x90\x00 not a pdf")}, "proof", "文件内容与扩展名"),
        ({"proof": proof("证书.pdf", PDF + b"0" * MAX_PROOF_BYTES)}, "proof", "不能超过 10 MB"),
        ({"proof": None}, "proof", "请上传证明材料"),
    ],
)
def test_a_bad_claim_is_refused_with_the_reason_beside_its_field_and_saves_nothing(
    teacher, changes, field, message
):
    if changes.get("ends_on") == "__future__":
        changes = {"ends_on": _future(), "starts_on": timezone.localdate().isoformat()}
    with pytest.raises(ValidationError) as refused:
        services.claim_submit(actor=teacher.user, **claim_fields(**changes))
    assert message in refused.value.message_dict[field][0]
    assert (
        not Claim.objects.exists()
        and not AuditEntry.objects.filter(action__startswith="credit.").exists()
    )


def test_the_same_training_claimed_twice_is_refused(teacher):
    services.claim_submit(actor=teacher.user, **claim_fields())
    with pytest.raises(ClaimDuplicate) as refused:
        services.claim_submit(actor=teacher.user, **claim_fields(hours="20"))
    assert "请勿重复申报" in refused.value.message and "2025-07-08" in refused.value.message
    assert Claim.objects.count() == 1


def test_only_a_teacher_files_a_claim(coordinator):
    with pytest.raises(NoTeacher):
        services.claim_submit(actor=coordinator.user, **claim_fields())


def test_another_schools_coordinator_can_neither_approve_nor_see_the_claim(
    client, tree, teacher, coordinator
):
    claim = services.claim_submit(actor=teacher.user, **claim_fields())
    elsewhere = make_actor("school_coordinator", tree["nj_school"])

    with pytest.raises(NotPermitted):
        services.claim_decide(actor=elsewhere.user, claim=claim, approve=True)
    client.force_login(elsewhere.user)
    response = client.post(reverse("credits:decide", args=[claim.pk]), {"decision": "approve"})
    assert response.status_code == 404
    assert "周晓燕" not in client.get(reverse("credits:review")).content.decode()
    claim.refresh_from_db()
    assert claim.status == Claim.Status.SUBMITTED and not Entry.objects.exists()
    # A city admin sees the claim but does not decide it: the school does.
    with pytest.raises(NotPermitted):
        services.claim_decide(
            actor=make_actor("city_admin", tree["hz"]).user, claim=claim, approve=True
        )


def test_the_claim_form_shows_each_refusal_beside_its_field(client, teacher):
    client.force_login(teacher.user)
    response = client.post(
        reverse("credits:claim_new"),
        claim_fields(hours="-3", proof=proof("x.docx", b"PK\x03\x04")),
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "学时须大于 0" in page and "只能是 PDF、JPG 或 PNG" in page
    assert 'value="全国职业院校数字化教学能力提升研修"' in page  # kept for the next try
    assert not Claim.objects.exists()


def test_the_proof_is_seen_by_its_teacher_and_school_only(client, tree, teacher, coordinator):
    claim = services.claim_submit(actor=teacher.user, **claim_fields())
    url = reverse("credits:proof", args=[claim.pk])
    for who, status in (
        (teacher, 200),
        (coordinator, 200),
        (teacher_of(tree["hz_school"]), 404),
        (make_actor("school_coordinator", tree["nj_school"]), 404),
    ):
        client.force_login(who.user)
        response = client.get(url)
        assert response.status_code == status
        if status == 200:
            assert b"".join(response.streaming_content) == PDF


def test_the_teacher_is_told_of_the_decision_with_the_reason_and_a_link_to_the_ledger(
    client, teacher, coordinator
):
    from shipei.notifications.models import Notification

    approved = services.claim_submit(actor=teacher.user, **claim_fields())
    returned = services.claim_submit(actor=teacher.user, **claim_fields(title="职业教育数字化专题"))
    assert not Notification.objects.filter(user=teacher.user).exists()
    services.claim_decide(actor=coordinator.user, claim=approved, approve=True)
    services.claim_decide(
        actor=coordinator.user, claim=returned, approve=False, reason="证明材料不清晰，请重新上传。"
    )

    told = {n.title: n for n in Notification.objects.filter(user=teacher.user)}
    assert set(told) == {
        f"学时申报已通过：{approved.title}",
        "学时申报被退回：职业教育数字化专题",
    }
    yes, no = told[f"学时申报已通过：{approved.title}"], told["学时申报被退回：职业教育数字化专题"]
    assert "24 学时已计入" in yes.body and teacher.person.org.name in yes.body
    assert "原因：证明材料不清晰，请重新上传。" in no.body and "。。" not in no.body
    assert yes.url == no.url == reverse("credits:mine")
    assert not Notification.objects.exclude(user=teacher.user).exists()  # nobody else

    client.force_login(teacher.user)
    inbox = client.get(reverse("notifications:list")).content.decode()
    assert "学时申报被退回：职业教育数字化专题" in inbox
