"""Issuing, refusing, revoking and re-issuing, as the issuer and the holder see it."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from shipei.accounts.tests.factories import PersonFactory
from shipei.audit.models import AuditEntry
from shipei.certificates import services
from shipei.certificates.errors import AlreadyIssued, NotEligible, NumberTaken, ReasonRequired
from shipei.certificates.models import Certificate, NumberSeries
from shipei.certificates.numbers import series_key
from shipei.certificates.tests.conftest import P000, admit, make_class, programme_from
from shipei.classes.models import TrainingClass
from shipei.core.errors import NotPermitted
from shipei.enrollment.models import Enrollment
from shipei.projects.models import Project

pytestmark = pytest.mark.django_db


def test_a_closed_class_gets_numbered_certificates_issued_by_its_base(c004, issuer):
    first = services.certificate_issue(actor=issuer.user, enrollment=c004.enrollments[0])
    second = services.certificate_issue(actor=issuer.user, enrollment=c004.enrollments[1])
    year = timezone.localdate().year
    assert (first.number, second.number) == (f"ZJSZ-{year}-00001", f"ZJSZ-{year}-00002")
    assert first.issuer == "杭州职业技术学院"  # issued_by_base: 004's 培训机构
    assert first.hours == Decimal("56") and first.holder_name == c004.enrollments[0].person.name
    assert (first.starts_on, first.ends_on) == (c004.klass.starts_on, c004.klass.ends_on)
    entry = AuditEntry.objects.get(action="certificate.issued", target_id=str(first.pk))
    assert entry.actor == issuer.user and entry.data["number"] == first.number


def test_the_number_format_gives_the_series_and_braces_in_its_text_stay_text():
    assert series_key("{year}{programme}{serial:06d}", year=2026, code="zj") == (
        "2026zj{serial:06d}"
    )
    key = series_key("{{A}}-{year}-{serial}", year=2026, code="x")
    assert key.format(serial=7) == "{A}-2026-7"


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"klass_status": TrainingClass.Status.RUNNING}, "培训尚未结束"),
        ({"status": Enrollment.Status.WITHDRAWN}, "报名状态为“已撤回”"),
        ({"status": Enrollment.Status.NO_SHOW}, "报名状态为“未报到”"),
        ({"status": Enrollment.Status.FAILED}, "未通过结业考核"),
        ({"project_hours": Decimal("40")}, "少于通知规定的 56 学时"),
    ],
)
def test_issuing_for_someone_not_eligible_is_refused_with_the_reason_and_changes_nothing(
    tree, issuer, change, reason
):
    c = make_class(tree, n=1)
    enrollment = c.enrollments[0]
    if "klass_status" in change:
        TrainingClass.objects.filter(pk=c.klass.pk).update(status=change["klass_status"])
    if "status" in change:
        Enrollment.objects.filter(pk=enrollment.pk).update(status=change["status"])
    if "project_hours" in change:
        # The notice's 56 hours as the item's; the project delivered fewer.
        policy = c.programme.policy
        policy["items"] = [
            {**i, "hours": 56} if i["code"] == "l3-c1" else i for i in policy["items"]
        ]
        c.programme.policy = policy
        c.programme.save()
        Project.objects.filter(pk=c.project.pk).update(hours=change["project_hours"])
    with pytest.raises(NotEligible) as refused:
        services.certificate_issue(actor=issuer.user, enrollment=enrollment)
    assert reason in refused.value.message and enrollment.person.name in refused.value.message
    assert not Certificate.objects.exists()
    assert not NumberSeries.objects.filter(last__gt=0).exists()


def test_a_completed_project_ends_the_training_of_an_enrollment_without_a_closed_class(
    c004, issuer
):
    TrainingClass.objects.filter(pk=c004.klass.pk).update(status=TrainingClass.Status.RUNNING)
    enrollment = c004.enrollments[0]
    with pytest.raises(NotEligible):
        services.certificate_issue(actor=issuer.user, enrollment=enrollment)
    Project.objects.filter(pk=c004.project.pk).update(status=Project.Status.COMPLETED)
    assert services.certificate_issue(actor=issuer.user, enrollment=enrollment).is_valid


def test_a_second_certificate_for_the_same_training_is_refused(c004, issuer):
    first = services.certificate_issue(actor=issuer.user, enrollment=c004.enrollments[0])
    with pytest.raises(AlreadyIssued) as refused:
        services.certificate_issue(actor=issuer.user, enrollment=c004.enrollments[0])
    assert first.number in refused.value.message
    assert Certificate.objects.count() == 1


def test_a_number_another_series_already_gave_is_refused_and_the_serial_given_back(
    c004, issuer, tree
):
    year = timezone.localdate().year
    services.certificate_issue(actor=issuer.user, enrollment=c004.enrollments[0])
    # A second programme whose format spells the same numbers another way.
    other = make_class(tree, n=1, code="c004b", number_format="ZJSZ-{year}-0{serial:04d}")
    with pytest.raises(NumberTaken) as refused:
        services.certificate_issue(actor=issuer.user, enrollment=other.enrollments[0])
    assert f"ZJSZ-{year}-00001" in refused.value.message
    assert not NumberSeries.objects.filter(key__startswith=f"ZJSZ-{year}-0{{", last__gt=0)
    assert Certificate.objects.count() == 1


def test_only_who_runs_the_training_issues(c004, trainee, school_coordinator, zhejiang_admin):
    for actor in (trainee, school_coordinator, zhejiang_admin):
        with pytest.raises(NotPermitted):
            services.certificate_issue(actor=actor.user, enrollment=c004.enrollments[0])
    assert not Certificate.objects.exists()


def test_revocation_needs_a_reason_keeps_the_number_and_is_audited(c004, issuer):
    certificate = services.certificate_issue(actor=issuer.user, enrollment=c004.enrollments[0])
    with pytest.raises(ReasonRequired):
        services.certificate_revoke(actor=issuer.user, certificate=certificate, reason="")
    with pytest.raises(ReasonRequired):
        services.certificate_revoke(actor=issuer.user, certificate=certificate, reason="other")
    revoked = services.certificate_revoke(
        actor=issuer.user, certificate=certificate, reason="misconduct", note="考核作弊"
    )
    assert revoked.status == "revoked" and revoked.revoked_on == timezone.localdate()
    entry = AuditEntry.objects.get(action="certificate.revoked")
    assert entry.data["reason"] == "misconduct" and entry.data["number"] == certificate.number
    # Revoked, the holder may be issued again: a new number, never the old one.
    again = services.certificate_issue(actor=issuer.user, enrollment=c004.enrollments[0])
    assert again.number != certificate.number and again.serial == certificate.serial + 1


def test_a_reissue_takes_a_new_number_and_links_to_the_old(c004, issuer):
    old = services.certificate_issue(actor=issuer.user, enrollment=c004.enrollments[0])
    c004.enrollments[0].person.name = "张伟伟"
    c004.enrollments[0].person.save()
    new = services.certificate_reissue(actor=issuer.user, certificate=old, note="姓名有误")
    old.refresh_from_db()
    assert new.replaces == old and old.replaced_by == new
    assert old.status == "revoked" and old.revoked_reason == "reissued"
    assert new.holder_name == "张伟伟" and new.number != old.number
    with pytest.raises(AlreadyIssued):
        services.certificate_reissue(actor=issuer.user, certificate=old)


def test_per_phase_one_certificate_names_the_phase_with_its_hours(tree, national_admin):
    """000: each phase is certified once, whichever of its fields the teacher took; the
    ministry's committee issues."""
    programme = programme_from(P000, "c000", number_format="{year}{programme}{serial:04d}")
    person = PersonFactory(org=tree["hz_school"])
    first = admit(programme, "p2-f1", person)
    second = admit(programme, "p2-f2", person)
    # 000's phases are long past (2020): their training has ended.
    certificate = services.certificate_issue(actor=national_admin.user, enrollment=first)
    assert certificate.item == "p2" and certificate.title == "第2期"
    assert certificate.hours == Decimal("20") and certificate.issuer == "教育部信息化教学指导委员会"
    assert certificate.starts_on == datetime.date(2020, 11, 10)
    assert certificate.number == f"{timezone.localdate().year}c0000001"
    with pytest.raises(AlreadyIssued):
        services.certificate_issue(actor=national_admin.user, enrollment=second)
