"""Writes zj-2020-plan.xls, the legacy .xls fixture of test_import.py (run once, committed).

openpyxl cannot write .xls and LibreOffice is not installed here; xlwt (PyPI, pure Python,
test-time only, not a dependency of the project) can:

    pip install --target /tmp/xlwt_pkg xlwt==1.3.0
    PYTHONPATH=/tmp/xlwt_pkg python shipei/quotas/tests/data/make_xls.py

The sheet copies notice 001's 附件2 as the notice prints it: short city names, 培训项目
merged down its rows, 小计 before the cities, the 按需报名 note, the printed 合计 row (which
the notice itself gets wrong) and the note under the table. Two cells differ from the notice:
杭州 of the first row is 7 (printed 6) and 宁波 of the second is the text "６" (full width).
"""

import json
from pathlib import Path

import xlwt

HERE = Path(__file__).resolve().parent
DATA = HERE.parents[2] / "presets" / "data" / "001_quota.json"


def main() -> None:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    cities = data["columns"]
    book = xlwt.Workbook(encoding="utf-8")
    ws = book.add_sheet("附件2")
    width = 4 + len(cities)
    ws.write_merge(0, 0, 0, width - 1, "附件 2  " + data["table"].split(" ", 1)[1])
    header = ["培训项目（时长 2 周）", "专业类别或专题", "承担院校", "小计"]
    header += [c.removesuffix("市") for c in cities]
    for col, text in enumerate(header):
        ws.write(1, col, text)
    row = 2
    runs: dict[str, list[int]] = {}
    for n, item in enumerate(data["rows"]):
        runs.setdefault(item["project"], []).append(row)
        ws.write(row, 1, item["category"])
        ws.write(row, 2, item["institution"])
        ws.write(row, 3, item["printed_row_total"])
        if item.get("on_demand"):
            ws.write_merge(row, row, 4, width - 1, item["printed_note"])
        else:
            for col, city in enumerate(cities, start=4):
                value: object = item["cells"][city]
                if n == 0 and city == "杭州市":
                    value = 7
                if n == 1 and city == "宁波市":
                    value = "６"
                ws.write(row, col, value)
        row += 1
    for project, rows in runs.items():
        if len(rows) > 1:
            ws.write_merge(rows[0], rows[-1], 0, 0, project)
        else:
            ws.write(rows[0], 0, project)
    ws.write_merge(row, row, 0, 2, "合计")
    ws.write(row, 3, data["printed_grand_total"])
    for col, city in enumerate(cities, start=4):
        ws.write(row, col, data["printed_column_totals"][city])
    ws.write_merge(row + 1, row + 1, 0, width - 1, data["printed_table_note"])
    book.save(str(HERE / "zj-2020-plan.xls"))


if __name__ == "__main__":
    main()
