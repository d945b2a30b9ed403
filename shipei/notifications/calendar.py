"""A person's calendar: what the apps put in it, the page, and the ICS feed (RFC 5545).

The channel knows people, not classes: each app registers a source (from its
``AppConfig.ready``) that gives a user's events (the core teachers' classes now, sessions
later), and the page and the feed show them all. Events are whole days or moments in UTC;
each keeps one UID for good, so that a calendar updates an event instead of adding it twice.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

PRODID = "-//shipei//师培 日程//ZH"


@dataclass(frozen=True)
class Event:
    uid: str  # stable for the life of the thing the event is about
    summary: str
    start: datetime.date | datetime.datetime  # a date: an all-day event
    end: datetime.date | datetime.datetime  # a date: the last day (inclusive)
    updated: datetime.datetime
    location: str = ""
    description: str = ""
    url: str = ""
    tentative: bool = False

    @property
    def all_day(self) -> bool:
        return not isinstance(self.start, datetime.datetime)


Source = Callable[[Any], Iterable[Event]]
_sources: list[Source] = []


def register(source: Source) -> None:
    if source not in _sources:
        _sources.append(source)


def events_for(user: Any) -> list[Event]:
    events = [e for source in _sources for e in source(user)]
    return sorted(events, key=lambda e: (_as_datetime(e.start), e.uid))


def _as_datetime(value: datetime.date | datetime.datetime) -> datetime.datetime:
    if isinstance(value, datetime.datetime):
        return value
    return datetime.datetime.combine(value, datetime.time.min, timezone.get_current_timezone())


# ---- ICS ----------------------------------------------------------------------------------


def _text(value: str) -> str:
    """TEXT escaping (RFC 5545 §3.3.11)."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """Lines of at most 75 octets, continued with CRLF and a space (§3.1), never splitting a
    UTF-8 character."""
    out, current, size = [], "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        limit = 75 if not out else 74  # a continuation line starts with a space
        if size + width > limit:
            out.append(current)
            current, size = "", 0
        current += char
        size += width
    out.append(current)
    return "\r\n ".join(out)


def _utc(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def _when(name: str, value: datetime.date | datetime.datetime) -> str:
    if isinstance(value, datetime.datetime):
        return f"{name}:{_utc(value)}"
    return f"{name};VALUE=DATE:{value.strftime('%Y%m%d')}"


def ics(events: Iterable[Event], *, name: str) -> str:
    now = timezone.now()
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_text(name)}",
        "X-WR-TIMEZONE:Asia/Shanghai",
        "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
        "X-PUBLISHED-TTL:PT1H",
    ]
    for e in events:
        end = e.end
        if not isinstance(end, datetime.datetime):
            end = end + datetime.timedelta(days=1)  # DTEND of a whole day is exclusive
        lines += [
            "BEGIN:VEVENT",
            f"UID:{e.uid}",
            f"DTSTAMP:{_utc(now)}",
            f"LAST-MODIFIED:{_utc(e.updated)}",
            _when("DTSTART", e.start),
            _when("DTEND", end),
            f"SUMMARY:{_text(e.summary)}",
            f"STATUS:{'TENTATIVE' if e.tentative else 'CONFIRMED'}",
            "TRANSP:OPAQUE",
        ]
        if e.location:
            lines.append(f"LOCATION:{_text(e.location)}")
        if e.description:
            lines.append(f"DESCRIPTION:{_text(e.description)}")
        if e.url.startswith(("https://", "http://")):  # a page's path alone means nothing there
            lines.append(f"URL:{e.url}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)
