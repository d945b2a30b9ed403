"""A certificate as an Open Badges 3.0 ``OpenBadgeCredential`` (W3C VC 2.0 data model), its QR
payload's fields, and the revocation list in the Bitstring Status List shape."""

import base64
import datetime
import gzip
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.urls import reverse

from shipei.core.clock import SHANGHAI

from .eligibility import hours_text
from .models import Certificate

CONTEXTS = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]
# The spec's smallest list (16 KB), so that a list does not tell how many were issued.
STATUS_LIST_BITS = 131072


def site_url() -> str:
    """The site's own address, in QR codes and credentials printed without a request."""
    return (settings.SITE_URL or "http://127.0.0.1:8000").rstrip("/")


def verify_url(number: str) -> str:
    return f"{site_url()}{reverse('verify')}?no={quote(number)}"


def qr_url(certificate: Certificate) -> str:
    """What the printed QR code holds: the verification page with the signed payload, which
    the offline verifier reads as well."""
    return f"{site_url()}{reverse('verify')}?c={certificate.qr_payload}"


def _moment(day: datetime.date | None) -> str | None:
    if day is None:
        return None
    return datetime.datetime.combine(day, datetime.time.min, SHANGHAI).isoformat()


def build(certificate: Certificate) -> dict[str, Any]:
    """The credential's claims; ``signing.jwt_sign`` secures them (the JWT's payload is the
    credential itself, as VC-JOSE-COSE has it)."""
    site = site_url()
    status_list = f"{site}{reverse('verify-status-list')}"
    subject: dict[str, Any] = {
        "type": ["AchievementSubject"],
        "identifier": [
            {
                "type": "IdentityObject",
                "identityType": "name",
                "hashed": False,
                "identityHash": certificate.holder_name,
            }
        ],
        "achievement": {
            "id": f"{site}/verify/achievements/{quote(certificate.programme.code)}/"
            f"{quote(certificate.item)}",
            "type": ["Achievement"],
            "achievementType": "Certificate",
            "name": certificate.title,
            "description": certificate.programme_title,
            "criteria": {"narrative": "完成培训并达到结业要求"},
        },
    }
    if certificate.hours is not None:
        subject["creditsEarned"] = float(certificate.hours)
    if certificate.starts_on:
        subject["activityStartDate"] = _moment(certificate.starts_on)
    if certificate.ends_on:
        subject["activityEndDate"] = _moment(certificate.ends_on)
    return {
        "@context": CONTEXTS,
        "id": verify_url(certificate.number),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": f"{certificate.programme_title} 结业证书",
        "issuer": {"id": f"{site}/verify/", "type": ["Profile"], "name": certificate.issuer},
        "validFrom": _moment(certificate.issued_on),
        "credentialSubject": subject,
        "credentialStatus": {
            "id": f"{status_list}#{certificate.pk}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(certificate.pk),
            "statusListCredential": status_list,
        },
        "identifier": certificate.number,
    }


def payload_fields(certificate: Certificate) -> list[Any]:
    """What the QR code signs: enough to compare with the printed paper."""
    return [
        certificate.number,
        certificate.holder_name,
        certificate.title,
        hours_text(certificate.hours),
        certificate.issued_on.isoformat(),
    ]


def enveloped(token: str) -> dict[str, Any]:
    """The VC-JWT as JSON: a VC 2.0 ``EnvelopedVerifiableCredential``."""
    return {
        "@context": CONTEXTS[0],
        "id": f"data:application/vc+jwt,{token}",
        "type": "EnvelopedVerifiableCredential",
    }


def status_list(revoked: list[int]) -> dict[str, Any]:
    """The revocation list: bit `pk` set for each revoked certificate (GZIP, base64url with the
    multibase prefix "u", left-most bit first, as the Bitstring Status List spec has it)."""
    size = max(STATUS_LIST_BITS, ((max(revoked, default=0) // 8) + 1) * 8)
    bits = bytearray(size // 8)
    for index in revoked:
        bits[index // 8] |= 0x80 >> (index % 8)
    encoded = base64.urlsafe_b64encode(gzip.compress(bytes(bits), mtime=0)).rstrip(b"=").decode()
    site = site_url()
    url = f"{site}{reverse('verify-status-list')}"
    return {
        "@context": CONTEXTS[:1],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": f"{site}/verify/",
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": f"u{encoded}",
        },
    }


def revoked_in(encoded_list: str, index: int) -> bool:
    """Read one bit back (for the tests and any verifier written in Python)."""
    data = gzip.decompress(
        base64.urlsafe_b64decode(encoded_list[1:] + "=" * (-len(encoded_list[1:]) % 4))
    )
    return bool(data[index // 8] & (0x80 >> (index % 8)))
