"""The ICS writer: folded lines that keep Chinese characters whole, escaped text, UTC times."""

import datetime

from icalendar import Calendar

from shipei.notifications.calendar import Event, ics

LONG = "工学一体化教师培训，三级·机械类；第1期：" * 6


def test_long_chinese_text_is_folded_within_75_octets_and_reads_back_whole():
    moment = datetime.datetime(2026, 3, 2, 1, 30, tzinfo=datetime.UTC)
    body = ics(
        [
            Event(
                uid="x-1@shipei",
                summary=LONG,
                start=moment,
                end=moment + datetime.timedelta(hours=2),
                updated=moment,
                location="杭州,滨江\\实训楼",
            )
        ],
        name="日程",
    ).encode("utf-8")

    lines = body.split(b"\r\n")
    assert all(len(line) <= 75 for line in lines)
    for line in lines:
        line.decode("utf-8")  # raises where a character was cut in two
    [event] = Calendar.from_ical(body).walk("VEVENT")
    assert str(event["SUMMARY"]) == LONG
    assert str(event["LOCATION"]) == "杭州,滨江\\实训楼"
    assert event["DTSTART"].dt == moment
    assert b"DTSTART:20260302T013000Z" in body
