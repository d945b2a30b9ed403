"""The issuer's Ed25519 keys, and the two signed forms of a certificate.

- The credential: an Open Badges 3.0 ``OpenBadgeCredential`` (W3C VC 2.0) secured as a VC-JWT
  (compact JWS, ``alg`` EdDSA, ``kid`` the key id, ``typ`` vc+jwt), downloadable as JSON.
- The QR payload: ``<base64url(message)>.<base64url(signature)>`` where the message is a JSON
  array ``[1, kid, number, name, title, hours, issued_on]``: small enough for a QR code a phone
  reads, and checkable without the server against the published keys (/verify/offline/).

Keys come from ``settings.CERT_SIGNING_KEYS`` ("k2:<base64 seed>,k1:<base64 seed>"): the first
signs, every one verifies and is published (JWKS), so a certificate printed before a rotation
still checks.
"""

import base64
import json
from functools import cache
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)
from django.conf import settings

PAYLOAD_VERSION = 1


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@cache
def _parse(setting: str) -> tuple[str, dict[str, Ed25519PrivateKey]]:
    keys: dict[str, Ed25519PrivateKey] = {}
    for part in (p.strip() for p in setting.split(",") if p.strip()):
        kid, _sep, seed = part.partition(":")
        raw = unb64url(seed.strip().replace("+", "-").replace("/", "_").rstrip("="))
        if len(raw) != 32:
            raise ValueError(f"CERT_SIGNING_KEYS 中的密钥“{kid}”应为 32 字节（base64）。")
        keys[kid.strip()] = Ed25519PrivateKey.from_private_bytes(raw)
    if not keys:
        raise ValueError("CERT_SIGNING_KEYS 中没有密钥。")
    return next(iter(keys)), keys


def current_kid() -> str:
    return _parse(settings.CERT_SIGNING_KEYS)[0]


def public_keys() -> dict[str, Ed25519PublicKey]:
    return {kid: key.public_key() for kid, key in _parse(settings.CERT_SIGNING_KEYS)[1].items()}


def _raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def jwks() -> dict[str, Any]:
    """The public keys as a JSON Web Key Set (RFC 8037 OKP keys), the signing key first."""
    return {
        "keys": [
            {
                "kty": "OKP",
                "crv": "Ed25519",
                "kid": kid,
                "alg": "EdDSA",
                "use": "sig",
                "x": b64url(_raw_public(key)),
            }
            for kid, key in public_keys().items()
        ]
    }


def _sign(data: bytes) -> tuple[str, bytes]:
    kid, keys = _parse(settings.CERT_SIGNING_KEYS)
    return kid, keys[kid].sign(data)


def _verify(kid: str, signature: bytes, data: bytes) -> bool:
    key = public_keys().get(kid)
    if key is None:
        return False
    try:
        key.verify(signature, data)
    except InvalidSignature:
        return False
    return True


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


# ---- VC-JWT -----------------------------------------------------------------------------------


def jwt_sign(claims: dict[str, Any]) -> str:
    kid = current_kid()
    header = {"alg": "EdDSA", "kid": kid, "typ": "vc+jwt", "cty": "vc"}
    signing_input = f"{b64url(_json(header))}.{b64url(_json(claims))}"
    _kid, signature = _sign(signing_input.encode())
    return f"{signing_input}.{b64url(signature)}"


def signed_with(token: str) -> str | None:
    """The key id in a VC-JWT's header (not checked)."""
    try:
        return json.loads(unb64url(token.split(".")[0])).get("kid")
    except (ValueError, AttributeError):
        return None


def jwt_verify(token: str) -> dict[str, Any] | None:
    """The credential a VC-JWT carries if its signature holds under a published key, else None
    (altered, forged, unknown key, or not a JWS at all)."""
    try:
        head, body, signature = token.strip().split(".")
        header = json.loads(unb64url(head))
        if header.get("alg") != "EdDSA":
            return None
        if not _verify(str(header.get("kid")), unb64url(signature), f"{head}.{body}".encode()):
            return None
        return json.loads(unb64url(body))
    except (ValueError, TypeError, AttributeError):
        return None


# ---- the QR payload ---------------------------------------------------------------------------


def payload_sign(fields: list[Any]) -> str:
    """The compact payload of `fields` (number, name, title, hours, issued_on)."""
    kid = current_kid()
    message = _json([PAYLOAD_VERSION, kid, *fields])
    _kid, signature = _sign(message)
    return f"{b64url(message)}.{b64url(signature)}"


def payload_read(payload: str) -> tuple[list[Any] | None, bool]:
    """(fields, signature holds) of a compact payload; (None, False) when it cannot be read."""
    try:
        message_text, signature_text = payload.strip().split(".")
        message = unb64url(message_text)
        fields = json.loads(message)
        if not isinstance(fields, list) or len(fields) < 3 or fields[0] != PAYLOAD_VERSION:
            return None, False
        return fields[2:], _verify(str(fields[1]), unb64url(signature_text), message)
    except (ValueError, TypeError, UnicodeDecodeError):
        return None, False


def new_key_line(kid: str) -> str:
    """A fresh key for CERT_SIGNING_KEYS: ``kid:<base64 32 bytes>``."""
    seed = Ed25519PrivateKey.generate().private_bytes(
        Encoding.Raw, PrivateFormat.Raw, NoEncryption()
    )
    return f"{kid}:{base64.b64encode(seed).decode()}"
