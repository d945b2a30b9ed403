"""The ledger's writes (STYLE.md §2): certificates credited as they are issued and revoked, and
external claims filed by a teacher and decided by the school, each in one transaction, audited.
"""

import datetime
import re
from decimal import Decimal, InvalidOperation
from pathlib import PurePath
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shipei.accounts import scope
from shipei.accounts.models import Role, User
from shipei.audit.lifecycle import Lifecycle
from shipei.audit.services import record
from shipei.certificates.eligibility import hours_text
from shipei.certificates.models import Certificate
from shipei.core.errors import NotPermitted
from shipei.notifications.services import notify

from .errors import ClaimDuplicate, NoTeacher, ReasonRequired
from .models import Claim, Entry
from .proofs import proof_problem

Status = Claim.Status
LIFECYCLE = Lifecycle({Status.SUBMITTED: {Status.APPROVED, Status.RETURNED}})
EARLIEST, LATEST = datetime.date(2000, 1, 1), datetime.date(2100, 12, 31)
# A day of training credits at most this many class hours: more is a slip of the keyboard.
HOURS_PER_DAY = Decimal(12)


# ---- certificates ----------------------------------------------------------------------------


def counts(certificate: Certificate) -> bool:
    """Whether the certificate credits hours: valid, with hours, and the programme's policy
    counts its training as continuing education."""
    rules = certificate.programme.rules
    return (
        certificate.status == Certificate.Status.VALID
        and bool(certificate.hours)
        and rules.credit.counts_as_continuing_education
    )


def credit_sync(certificate: Certificate) -> Entry | None:
    """Bring the certificate's ledger line in line with it: written while it counts, removed
    once it is revoked (a re-issue writes the new certificate's line)."""
    if not counts(certificate):
        Entry.objects.filter(certificate=certificate).delete()
        return None
    year = (certificate.ends_on or certificate.issued_on).year
    entry, _created = Entry.objects.update_or_create(
        certificate=certificate,
        defaults={
            "person_id": certificate.person_id,
            "source": Entry.Source.CERTIFICATE,
            "programme_id": certificate.programme_id,
            "year": year,
            "title": f"{certificate.programme_title} · {certificate.title}"[:300],
            "organiser": certificate.issuer[:200],
            "starts_on": certificate.starts_on,
            "ends_on": certificate.ends_on,
            "hours": certificate.hours,
            "number": certificate.number,
        },
    )
    return entry


def certificate_saved(sender: Any, instance: Certificate, **kwargs: Any) -> None:
    credit_sync(instance)


# ---- external claims -------------------------------------------------------------------------


def _date(value: Any, field: str, errors: dict[str, str]) -> datetime.date | None:
    if isinstance(value, datetime.date):
        day = value
    else:
        try:
            day = datetime.date.fromisoformat(str(value or "").strip())
        except ValueError:
            errors[field] = _("请填写日期，格式如 2026-03-01。")
            return None
    if not EARLIEST <= day <= LATEST:
        errors[field] = _("日期须在 2000 年至 2100 年之间。")
        return None
    if day > timezone.localdate():
        errors[field] = _("培训尚未结束，结束后再申报（%(day)s 在今天之后）。") % {"day": day}
        return None
    return day


def _hours(value: Any, days: int | None, errors: dict[str, str]) -> Decimal | None:
    try:
        hours = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        errors["hours"] = _("学时须为数字，如 8 或 7.5。")
        return None
    if not hours.is_finite() or hours <= 0:
        errors["hours"] = _("学时须大于 0。")
        return None
    if hours != hours.quantize(Decimal("0.1")):
        errors["hours"] = _("学时最多保留 1 位小数。")
        return None
    if days is not None and hours > HOURS_PER_DAY * days:
        errors["hours"] = _(
            "%(days)s 天的培训最多计 %(most)s 学时（每天 %(per)s 学时），请核对。"
        ) % {"days": days, "most": HOURS_PER_DAY * days, "per": HOURS_PER_DAY}
        return None
    return hours


def _text(value: Any, field: str, label: str, errors: dict[str, str]) -> str:
    text = re.sub(r"\s+", " ", str(value or "")).strip()
    if not text:
        errors[field] = _("请填写%(label)s。") % {"label": label}
    elif len(text) > 200:
        errors[field] = _("%(label)s不能超过 200 字。") % {"label": label}
    return text


@transaction.atomic
def claim_submit(
    *,
    actor: Any,
    title: Any,
    organiser: Any,
    starts_on: Any,
    ends_on: Any,
    hours: Any,
    proof: Any,
) -> Claim:
    """File the teacher's own claim of training elsewhere; every field is checked first and a
    refusal saves nothing."""
    person = getattr(actor, "person", None)
    if person is None or not hasattr(person, "teacher_profile"):
        raise NoTeacher()
    errors: dict[str, str] = {}
    title = _text(title, "title", _("培训名称"), errors)
    organiser = _text(organiser, "organiser", _("主办单位"), errors)
    start = _date(starts_on, "starts_on", errors)
    end = _date(ends_on, "ends_on", errors)
    if start and end and end < start:
        errors["ends_on"] = _("结束日期不能早于开始日期。")
    days = (end - start).days + 1 if start and end and end >= start else None
    amount = _hours(hours, days, errors)
    problem = proof_problem(proof)
    if problem:
        errors["proof"] = problem
    if errors:
        raise ValidationError(errors)
    same = Claim.objects.filter(person=person, title=title, starts_on=start, ends_on=end).exclude(
        status=Status.RETURNED
    )
    dates = f"{start:%Y-%m-%d} 至 {end:%Y-%m-%d}"
    if same.exists():
        raise ClaimDuplicate(title=title, dates=dates)
    name = re.sub(r"[\x00-\x1f\x7f/\\]", "", PurePath(proof.name).name).strip()[-200:]
    claim = Claim(
        person=person,
        org=person.org,
        title=title,
        organiser=organiser,
        starts_on=start,
        ends_on=end,
        hours=amount,
        proof_name=name,
    )
    claim.proof.save(name, proof, save=False)
    try:
        with transaction.atomic():
            claim.save()
    except IntegrityError:
        claim.proof.storage.delete(claim.proof.name)  # no row, no file
        raise ClaimDuplicate(title=title, dates=dates) from None
    record(actor, "credit.claim_submitted", claim, org=claim.org, hours=str(amount))
    return claim


def may_decide(user: Any, claim: Claim) -> bool:
    """The coordinator of the teacher's school (or of a school above it) decides."""
    return scope.acts_as(user, Role.SCHOOL_COORDINATOR, claim.org)


@transaction.atomic
def claim_decide(*, actor: Any, claim: Claim, approve: bool, reason: str = "") -> Claim:
    """Approve a submitted claim into the ledger (marked external), or return it with a reason
    the teacher sees."""
    claim = Claim.objects.select_for_update().select_related("org", "person").get(pk=claim.pk)
    if not may_decide(actor, claim):
        raise NotPermitted()
    reason = (reason or "").strip()[:500]
    if not approve and not reason:
        raise ReasonRequired()
    claim.reason = "" if approve else reason
    claim.decided_by = actor
    claim.decided_at = timezone.now()
    LIFECYCLE.move(
        claim,
        Status.APPROVED if approve else Status.RETURNED,
        actor=actor,
        action="credit.claim_approved" if approve else "credit.claim_returned",
        org=claim.org,
        fields=["reason", "decided_by", "decided_at"],
        hours=str(claim.hours),
        reason=reason if not approve else None,
    )
    if approve:
        Entry.objects.create(
            person=claim.person,
            source=Entry.Source.EXTERNAL,
            claim=claim,
            year=claim.ends_on.year,
            title=claim.title,
            organiser=claim.organiser,
            starts_on=claim.starts_on,
            ends_on=claim.ends_on,
            hours=claim.hours,
        )
    _notify_decided(claim)
    return claim


def _notify_decided(claim: Claim) -> None:
    """Tell the teacher the school's decision, with the reason of a return, in 消息中心 (and its
    e-mail and SMS copies), linking to the ledger where the claim now shows."""
    values = {
        "title": claim.title,
        "hours": hours_text(claim.hours),
        "dates": f"{claim.starts_on:%Y-%m-%d} 至 {claim.ends_on:%Y-%m-%d}",
        "school": claim.org.name,
        "reason": claim.reason.rstrip("。. "),
    }
    if claim.status == Status.APPROVED:
        title = _("学时申报已通过：%(title)s") % values
        body = (
            _(
                "您申报的“%(title)s”（%(dates)s）已由%(school)s审核通过，%(hours)s 学时已计入您的"
                "学时档案（校外培训）。"
            )
            % values
        )
    else:
        title = _("学时申报被退回：%(title)s") % values
        body = (
            _(
                "您申报的“%(title)s”（%(dates)s，%(hours)s 学时）被%(school)s退回，原因：%(reason)s。"
                "可按要求修改后重新申报。"
            )
            % values
        )
    notify(
        User.objects.filter(person_id=claim.person_id, is_active=True),
        title=title,
        body=body,
        url=reverse("credits:mine"),
        key=f"credit-claim-decided:{claim.pk}",
    )
