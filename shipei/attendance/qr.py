"""The rotating check-in code a room's screen shows: a new one every ``SLOT_SECONDS``, signed
with the server's secret over the session and the time slot, so that a photo sent to a friend
stops working within a minute and no one can make a code for another session.

A code is ``(slot, signature)``: the slot is the number of whole ``SLOT_SECONDS`` since the
epoch, the signature an HMAC (Django's ``salted_hmac``: SHA-256 keyed by ``SECRET_KEY``) of
the session's id and the slot. The current slot and the one before it are accepted: a trainee
who scans in the last second of a slot still has a slot's time to log in and tap.
"""

import datetime
from dataclasses import dataclass

import segno
from django.utils.crypto import constant_time_compare, salted_hmac

from .errors import CheckInCodeExpired, CheckInCodeInvalid

SLOT_SECONDS = 30
_SALT = "shipei.attendance.qr"
# Short enough for a small QR code that phones read from across a room; 80 bits of HMAC are
# more than a guess within a minute can find.
_SIGNATURE_CHARS = 20


def slot_at(moment: datetime.datetime) -> int:
    return int(moment.timestamp()) // SLOT_SECONDS


def signature(session_id: int, slot: int) -> str:
    return salted_hmac(_SALT, f"{session_id}:{slot}", algorithm="sha256").hexdigest()[
        :_SIGNATURE_CHARS
    ]


@dataclass(frozen=True)
class Code:
    session_id: int
    slot: int
    sig: str

    def seconds_left(self, moment: datetime.datetime) -> int:
        """Until the screen shows the next code (this one still works a slot longer)."""
        return (self.slot + 1) * SLOT_SECONDS - int(moment.timestamp())


def code_for(session_id: int, moment: datetime.datetime) -> Code:
    slot = slot_at(moment)
    return Code(session_id, slot, signature(session_id, slot))


def verify(session_id: int, slot: int, sig: str, moment: datetime.datetime) -> None:
    """Accept a code of this session from the current or the previous slot; raise otherwise.

    A signature that does not match (made up, altered, or another session's code) is invalid
    whatever its slot; a genuine one older than the previous slot has expired. A slot ahead of
    now cannot come from our screen: invalid."""
    if not constant_time_compare(signature(session_id, slot), sig or ""):
        raise CheckInCodeInvalid()
    now = slot_at(moment)
    if slot > now:
        raise CheckInCodeInvalid()
    if slot < now - 1:
        raise CheckInCodeExpired()


def svg(url: str) -> str:
    """The code as inline SVG (no image file, no script): medium error correction, which phone
    cameras read from a projector's screen."""
    return segno.make(url, error="m").svg_inline(scale=8, border=2, dark="#000", light="#fff")
