"""The ledger as .xlsx: one row per line, the ID number masked as in every export."""

from collections.abc import Iterable

from shipei.core.excel import flat_xlsx

from .models import Entry

HEADERS = [
    "姓名",
    "身份证号码",
    "单位",
    "年度",
    "培训名称",
    "主办或发证单位",
    "开始日期",
    "结束日期",
    "学时",
    "来源",
    "证书编号",
]


def ledger_xlsx(entries: Iterable[Entry]) -> bytes:
    rows = (
        [
            e.person.name,
            e.person.id_number_masked,
            e.person.org.name if e.person.org_id else "",
            e.year,
            e.title,
            e.organiser,
            e.starts_on.isoformat() if e.starts_on else "",
            e.ends_on.isoformat() if e.ends_on else "",
            format(e.hours.normalize(), "f"),
            e.get_source_display(),
            e.number,
        ]
        for e in entries
    )
    return flat_xlsx(HEADERS, rows, title="继续教育学时台账")
