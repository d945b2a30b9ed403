"""Reads of certificates: who sees which (the same rows as their enrollments), a holder's own,
the public lookup by number or QR payload, and the revocation list."""

import functools
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.db.models import Q, QuerySet

from shipei.accounts import scope
from shipei.accounts.models import Role
from shipei.classes.models import TrainingClass
from shipei.core.errors import NotFound
from shipei.enrollment.models import Enrollment
from shipei.programmes.models import Programme

from . import eligibility, signing
from .models import Certificate, mask_name

_RELATED = ("programme", "person", "enrollment__org", "enrollment__base", "replaces")


def number_of(enrollment: Any) -> str:
    """The number of the enrollment's valid certificate (the 附件5 score sheet's 证书编号)."""
    found = (
        Certificate.objects.filter(enrollment=enrollment, status=Certificate.Status.VALID)
        .order_by("-pk")
        .values_list("number", flat=True)
        .first()
    )
    return found or ""


def certificate_list(
    *,
    user: Any,
    programme: Programme | None = None,
    training_class: TrainingClass | None = None,
) -> QuerySet[Certificate]:
    """The certificates of every enrollment the user reaches (scope.enrollments_q)."""
    enrollments = Enrollment.objects.filter(scope.enrollments_q(user)).values("pk")
    qs = Certificate.objects.filter(enrollment__in=enrollments).select_related(*_RELATED)
    if programme is not None:
        qs = qs.filter(programme=programme)
    if training_class is not None:
        qs = qs.filter(enrollment__training_class=training_class)
    return qs.order_by("number")


def certificate_get(*, user: Any, pk: Any) -> Certificate:
    try:
        return certificate_list(user=user).get(pk=pk)
    except (Certificate.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def my_certificates(*, user: Any) -> QuerySet[Certificate]:
    person_id = getattr(user, "person_id", None)
    return (
        Certificate.objects.filter(person_id=person_id or -1)
        .select_related(*_RELATED)
        .order_by("-issued_on", "-pk")
    )


@dataclass(frozen=True)
class Verdict:
    """What the public verification page says: ``state`` is valid, revoked, not_found or
    invalid (a QR payload whose signature does not hold, or that disagrees with the record)."""

    state: str
    certificate: Certificate | None = None
    number: str = ""


def verify_number(number: str) -> Verdict:
    number = (number or "").strip()[:80]
    certificate = (
        Certificate.objects.select_related("replaced_by").filter(number=number).first()
        if number
        else None
    )
    if certificate is None:
        return Verdict("not_found", number=number)
    return Verdict("valid" if certificate.is_valid else "revoked", certificate, number)


# The public page's answer by number, cached briefly: what it shows of a certificate changes only
# when it is revoked (or re-issued), and that refreshes the entry (verdict_refresh) once the
# change is committed, so a revoked certificate never shows valid (production's cache is Redis,
# one for every server process; settings refuse production without it). Unknown numbers are not kept:
# a guessed number costs no cache room, and a number issued later is found at once.
VERDICT_TTL = 60


def _verdict_key(number: str) -> str:
    return f"cert-verdict:{number}"


# What the public page shows of a certificate, read as plain values (no model built).
_SHOWN = (
    "number",
    "holder_name",
    "programme_title",
    "title",
    "hours",
    "issuer",
    "issued_on",
    "status",
    "revoked_on",
    "revoked_reason",
)


def _facts(row: dict[str, Any]) -> dict[str, Any]:
    reason = row["revoked_reason"]
    return {
        "state": "valid" if row["status"] == Certificate.Status.VALID else "revoked",
        "number": row["number"],
        "holder": mask_name(row["holder_name"]),
        "programme": row["programme_title"],
        "title": row["title"],
        "hours": eligibility.hours_text(row["hours"]) or None,
        "issuer": row["issuer"],
        "issued_on": row["issued_on"],
        "revoked_on": row["revoked_on"],
        "revoked_reason": Certificate.Reason(reason).label if reason else "",
        "replaced_by": row["replaced_by__number"] or "",
    }


def verdict_facts(verdict: Verdict) -> dict[str, Any]:
    """What the public page shows of a verdict, as plain values (kept in the cache)."""
    c = verdict.certificate
    if c is None:
        return {"state": verdict.state, "number": verdict.number}
    replaced_by = getattr(c, "replaced_by", None)
    row = {f: getattr(c, f) for f in _SHOWN}
    row["replaced_by__number"] = replaced_by.number if replaced_by is not None else None
    return {**_facts(row), "state": verdict.state}


@functools.cache
def _row_sql() -> str:
    table, quote = Certificate._meta.db_table, connection.ops.quote_name
    columns = ", ".join(quote(Certificate._meta.get_field(f).column) for f in ("id", *_SHOWN))
    return f"SELECT {columns} FROM {quote(table)} WHERE {quote('number')} = %s"


def _facts_by_number(number: str) -> dict[str, Any]:
    # One indexed row by a fixed statement: building and compiling the ORM's query cost more
    # than running it, on the path every public lookup of a number not in the cache takes.
    row = None
    if number:
        with connection.cursor() as cursor:
            cursor.execute(_row_sql(), [number])
            found = cursor.fetchone()
        if found is not None:
            # to_python: SQLite hands dates back as text.
            fields = [Certificate._meta.get_field(f) for f in ("id", *_SHOWN)]
            row = {f.attname: f.to_python(v) for f, v in zip(fields, found, strict=True)}
            row["pk"] = row.pop("id")
    if row is None:
        return {"state": "not_found", "number": number}
    # Its successor only for a revoked one: a valid certificate's lookup stays one short query.
    row["replaced_by__number"] = (
        Certificate.objects.filter(replaces=row["pk"]).values_list("number", flat=True).first()
        if row["status"] != Certificate.Status.VALID
        else None
    )
    return _facts(row)


def verify_number_facts(number: str) -> dict[str, Any]:
    """verify_number's answer as verdict_facts, from the cache when it holds it."""
    number = (number or "").strip()[:80]
    facts = cache.get(_verdict_key(number)) if number else None
    if facts is None:
        facts = _facts_by_number(number)
        if facts["state"] != "not_found":
            # add, not set: an entry verdict_refresh wrote meanwhile (a revocation) wins.
            cache.add(_verdict_key(number), facts, VERDICT_TTL)
    return facts


def verdict_refresh(number: str) -> None:
    """Called once a change of the certificate is committed: the entry is overwritten with the
    new answer, so that a lookup that read the row before the change cannot put it back."""
    cache.set(_verdict_key(number), _facts_by_number(number), VERDICT_TTL)


def verify_payload(payload: str) -> Verdict:
    """A scanned QR payload: its signature must hold under a published key and its fields
    match the record of its number; then the record's status decides."""
    fields, signed = signing.payload_read(payload or "")
    if fields is None or not signed:
        return Verdict("invalid")
    verdict = verify_number(str(fields[0]))
    if verdict.certificate is not None and verdict.certificate.qr_payload != payload.strip():
        # Signed by us but not this record's: an older issue of a re-issued number cannot be,
        # as numbers are never reused, so this is a record changed outside the platform.
        return Verdict("invalid", number=verdict.number)
    return verdict


def revoked_indexes() -> list[int]:
    return list(
        Certificate.objects.filter(status=Certificate.Status.REVOKED).values_list("pk", flat=True)
    )


def may_issue_any(user: Any) -> bool:
    """Whether the menu offers 结业证书: the user runs a base's classes or manages programmes."""
    return scope.has_any(user, "class.run") or scope.has_any(user, "programme.manage")


def issuing_classes(*, user: Any) -> QuerySet[TrainingClass]:
    """The classes of the bases where the user holds the base role, the latest first."""
    bases = [a.org.path for a in scope.active_assignments(user) if a.role == Role.BASE_ADMIN]
    q = Q(pk__in=[])
    for path in bases:
        q |= Q(project__base__path__startswith=path)
    return (
        TrainingClass.objects.filter(q)
        .exclude(status=TrainingClass.Status.CANCELLED)
        .select_related("project__programme")
        .order_by("-ends_on", "-pk")
    )


def issuing_programmes(*, user: Any) -> list[Programme]:
    return [
        p
        for p in Programme.objects.select_related("owner").order_by("-year", "code")
        if scope.allows_programme(user, "programme.manage", p)
    ]
