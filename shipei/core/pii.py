"""Personal data at rest: AES-GCM with rotating keys, and a keyed blind index for lookups.

Ciphertext is ``<key id>:<base64(nonce + ciphertext)>``; the key id lets old rows be read after
a new key is added (settings.PII_KEYS lists the current key first).
"""

import base64
import hashlib
import hmac
import os
from functools import cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings


def _b64key(text: str) -> bytes:
    key = base64.urlsafe_b64decode(text.strip() + "=" * (-len(text.strip()) % 4))
    if len(key) not in (16, 24, 32):
        raise ValueError("PII key must be 16, 24 or 32 bytes (base64).")
    return key


@cache
def _keys() -> tuple[str, dict[str, bytes]]:
    pairs = [item.split(":", 1) for item in settings.PII_KEYS.split(",") if item.strip()]
    keys = {kid.strip(): _b64key(raw) for kid, raw in pairs}
    return pairs[0][0].strip(), keys


def encrypt(plain: str, *, context: str) -> str:
    """`context` binds the ciphertext to its column, so a value cannot be moved to another."""
    kid, keys = _keys()
    nonce = os.urandom(12)
    sealed = AESGCM(keys[kid]).encrypt(nonce, plain.encode(), context.encode())
    return f"{kid}:{base64.b64encode(nonce + sealed).decode()}"


class Undecryptable(InvalidTag):
    """A value these keys cannot open: encrypted with a key PII_KEYS does not hold (another
    installation's, a lost one: a database restored without its keys), or moved to another
    column. Said plainly, where the library says nothing."""


_RESTORE_HINT = (
    "请配置加密这些数据时的 PII_KEYS（恢复备份时须使用备份时的密钥，见 deploy/backup.md）。"
)


def decrypt(token: str, *, context: str) -> str:
    kid, _, payload = token.partition(":")
    key = _keys()[1].get(kid)
    if key is None:
        raise Undecryptable(
            f"个人信息无法解密：数据由密钥“{kid}”加密，PII_KEYS 中没有这把密钥。{_RESTORE_HINT}"
        )
    raw = base64.b64decode(payload)
    try:
        return AESGCM(key).decrypt(raw[:12], raw[12:], context.encode()).decode()
    except InvalidTag:
        raise Undecryptable(
            f"个人信息无法解密：PII_KEYS 中的密钥“{kid}”与数据不符，不是加密这些数据的那把密钥。"
            f"{_RESTORE_HINT}"
        ) from None


def needs_rotation(token: str) -> bool:
    return token.partition(":")[0] != _keys()[0]


def blind_index(value: str, *, context: str) -> str:
    """HMAC-SHA256 of the normalised value: exact lookups and duplicate checks, no decryption."""
    key = _b64key(settings.PII_INDEX_KEY)
    return hmac.new(key, f"{context}:{value}".encode(), hashlib.sha256).hexdigest()
