"""The platform's clock as its users read it: China's time, minutes shown as 2026-03-01 09:00."""

import datetime
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def minute_text(moment: datetime.datetime | None) -> str:
    """ "2026-03-01 09:00" in Asia/Shanghai, "" for no moment."""
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") if moment else ""
