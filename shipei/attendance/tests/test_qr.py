"""The room's code: signed over the session and the 30-second slot; the current and the previous
slot are taken, nothing older, nothing ahead, nothing made for another session."""

import datetime

import pytest

from shipei.attendance import qr
from shipei.attendance.errors import CheckInCodeExpired, CheckInCodeInvalid

NOW = datetime.datetime(2026, 3, 2, 9, 0, 10, tzinfo=datetime.UTC)


def test_the_code_changes_every_30_seconds_and_the_previous_one_still_works():
    first = qr.code_for(7, NOW)
    later = qr.code_for(7, NOW + datetime.timedelta(seconds=30))
    assert later.slot == first.slot + 1 and later.sig != first.sig
    qr.verify(7, first.slot, first.sig, NOW + datetime.timedelta(seconds=30))
    qr.verify(7, later.slot, later.sig, NOW + datetime.timedelta(seconds=30))


def test_a_photo_of_the_code_stops_working_after_the_next_slot():
    code = qr.code_for(7, NOW)
    with pytest.raises(CheckInCodeExpired, match="签到码已过期"):
        qr.verify(7, code.slot, code.sig, NOW + datetime.timedelta(seconds=60))


def test_a_made_up_or_altered_signature_is_refused():
    code = qr.code_for(7, NOW)
    with pytest.raises(CheckInCodeInvalid, match="签到码无效"):
        qr.verify(7, code.slot, "0" * len(code.sig), NOW)
    with pytest.raises(CheckInCodeInvalid):
        qr.verify(7, code.slot, "", NOW)
    # An old code's signature with the slot changed to now: the signature covers the slot.
    old = qr.code_for(7, NOW - datetime.timedelta(minutes=5))
    with pytest.raises(CheckInCodeInvalid):
        qr.verify(7, code.slot, old.sig, NOW)


def test_another_sessions_code_is_refused():
    code = qr.code_for(7, NOW)
    with pytest.raises(CheckInCodeInvalid):
        qr.verify(8, code.slot, code.sig, NOW)


def test_a_code_for_a_slot_ahead_of_the_server_is_refused():
    ahead = qr.code_for(7, NOW + datetime.timedelta(seconds=30))
    with pytest.raises(CheckInCodeInvalid):
        qr.verify(7, ahead.slot, ahead.sig, NOW)


def test_the_signature_depends_on_the_servers_secret(settings):
    code = qr.code_for(7, NOW)
    settings.SECRET_KEY = "another-server-" + "x" * 40
    with pytest.raises(CheckInCodeInvalid):
        qr.verify(7, code.slot, code.sig, NOW)


def test_the_screen_counts_down_to_the_next_code():
    code = qr.code_for(7, NOW)  # 10 s into its slot
    assert code.seconds_left(NOW) == 20


def test_the_code_is_an_inline_svg_holding_the_url():
    svg = qr.svg("https://example.test/attendance/c/7/1/abc/")
    assert svg.startswith("<svg") and "</svg>" in svg
