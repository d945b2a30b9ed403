"""Issuing, revoking and re-issuing certificates (STYLE.md §2): each in one transaction, audited.

Who issues: the holder of the base role for the enrollment's base (its project's, else the one
its item names), and the admins of the programme's owner; the same may revoke and re-issue.
"""

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from shipei.accounts import scope
from shipei.accounts.models import Role
from shipei.audit.lifecycle import Lifecycle
from shipei.audit.services import record
from shipei.core.errors import NotPermitted
from shipei.enrollment.models import Enrollment

from . import credential, eligibility, numbers, selectors, signing
from .errors import AlreadyIssued, NotEligible, ReasonRequired
from .models import Batch, Certificate

Status = Certificate.Status
LIFECYCLE = Lifecycle({Status.VALID: {Status.REVOKED}})


def may_issue(user: Any, enrollment: Enrollment) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if enrollment.base_id is not None and scope.acts_as(user, Role.BASE_ADMIN, enrollment.base):
        return True
    return scope.allows_programme(user, "programme.manage", enrollment.programme)


def _audit_org(enrollment: Enrollment) -> Any:
    return enrollment.base or enrollment.programme.owner or enrollment.org


@transaction.atomic
def certificate_issue(
    *,
    actor: Any,
    enrollment: Enrollment,
    batch: Batch | None = None,
    replaces: Certificate | None = None,
) -> Certificate:
    """Issue the certificate of `enrollment`: refused with the reasons unless it is eligible
    (``eligibility.problems``), or while the person holds a valid one for the same item."""
    enrollment = (
        Enrollment.objects.select_for_update(of=("self",))
        .select_related("programme__owner", "person", "org", "base", "project", "training_class")
        .get(pk=enrollment.pk)
    )
    if not may_issue(actor, enrollment):
        raise NotPermitted()
    name = enrollment.person.name
    refusals = eligibility.problems(enrollment)
    if refusals:
        raise NotEligible(name=name, reasons="".join(refusals))
    facts = eligibility.facts(enrollment)
    held = Certificate.objects.filter(
        programme=enrollment.programme_id,
        person=enrollment.person_id,
        item=facts.item,
        status=Status.VALID,
    ).first()
    if held is not None:
        raise AlreadyIssued(name=name, number=held.number)
    programme = enrollment.programme
    today = timezone.localdate()
    series, serial, number = numbers.number_take(
        programme.rules.certificate.number_format, year=today.year, code=programme.code
    )
    certificate = Certificate(
        enrollment=enrollment,
        person=enrollment.person,
        programme=programme,
        item=facts.item,
        holder_name=name,
        programme_title=facts.programme_title,
        title=facts.title,
        hours=facts.hours,
        starts_on=facts.starts_on,
        ends_on=facts.ends_on,
        issuer=facts.issuer,
        issued_on=today,
        number=number,
        series=series,
        serial=serial,
        replaces=replaces,
        issued_by=actor,
        batch=batch,
    )
    try:
        with transaction.atomic():
            certificate.save()
    except IntegrityError:
        # Another enrollment of the same person and phase got there first.
        raise AlreadyIssued(name=name, number="") from None
    _sign(certificate)
    record(
        actor,
        "certificate.issued",
        certificate,
        org=_audit_org(enrollment),
        number=number,
        replaces=replaces.number if replaces else None,
    )
    return certificate


def _sign(certificate: Certificate) -> None:
    """The credential and the QR payload; the status list index is the primary key."""
    certificate.credential = signing.jwt_sign(credential.build(certificate))
    certificate.qr_payload = signing.payload_sign(credential.payload_fields(certificate))
    certificate.save(update_fields=["credential", "qr_payload", "updated_at"])


def certificates_resign() -> int:
    """Sign every certificate not yet signed with the current key anew (key rotation)."""
    kid = signing.current_kid()
    done = 0
    for pk in Certificate.objects.order_by("pk").values_list("pk", flat=True).iterator():
        with transaction.atomic():
            certificate = (
                Certificate.objects.select_for_update().select_related("programme").get(pk=pk)
            )
            if signing.signed_with(certificate.credential) != kid:
                _sign(certificate)
                done += 1
    return done


def _locked(certificate: Certificate) -> Certificate:
    return (
        Certificate.objects.select_for_update(of=("self",))
        .select_related("enrollment__base", "enrollment__programme__owner", "enrollment__org")
        .get(pk=certificate.pk)
    )


@transaction.atomic
def certificate_revoke(
    *, actor: Any, certificate: Certificate, reason: str, note: str = ""
) -> Certificate:
    """Revoke a valid certificate with a reason category (and a note for 其他原因). Its number
    stays taken; the public page shows it revoked, with the date and the reason."""
    certificate = _locked(certificate)
    if not may_issue(actor, certificate.enrollment):
        raise NotPermitted()
    note = (note or "").strip()
    if reason not in Certificate.Reason.values or (reason == Certificate.Reason.OTHER and not note):
        raise ReasonRequired()
    certificate.revoked_on = timezone.localdate()
    certificate.revoked_reason = reason
    certificate.revoked_note = note[:500]
    LIFECYCLE.move(
        certificate,
        Status.REVOKED,
        actor=actor,
        action="certificate.revoked",
        org=_audit_org(certificate.enrollment),
        fields=["revoked_on", "revoked_reason", "revoked_note"],
        number=certificate.number,
        reason=reason,
    )
    transaction.on_commit(lambda: selectors.verdict_refresh(certificate.number))
    return certificate


@transaction.atomic
def certificate_reissue(*, actor: Any, certificate: Certificate, note: str = "") -> Certificate:
    """A new certificate with a new number in place of `certificate` (a corrected name, say),
    which is revoked as 已换发新证书 if it is still valid; the new one links to it."""
    certificate = _locked(certificate)
    if not may_issue(actor, certificate.enrollment):
        raise NotPermitted()
    if hasattr(certificate, "replaced_by"):
        raise AlreadyIssued(name=certificate.holder_name, number=certificate.replaced_by.number)
    if certificate.is_valid:
        certificate_revoke(
            actor=actor, certificate=certificate, reason=Certificate.Reason.REISSUED, note=note
        )
    return certificate_issue(actor=actor, enrollment=certificate.enrollment, replaces=certificate)
