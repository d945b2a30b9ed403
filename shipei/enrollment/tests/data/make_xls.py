"""Writes signup-001.xls and signup-001-cover.xls, the legacy .xls fixtures of test_import.py and
test_import_files.py (run once, committed).

openpyxl cannot write .xls and LibreOffice is not installed here; xlwt (PyPI, pure Python,
test-time only, not a dependency of the project) can:

    pip install --target /tmp/xlwt_pkg xlwt==1.3.0
    PYTHONPATH=/tmp/xlwt_pkg python shipei/enrollment/tests/data/make_xls.py

The sheet copies notice 001's 附件3 as the notice prints it (title, 填报单位 line, the header with
its spaces "姓 名" and "手 机", numbered rows, the 说明 line), plus the platform's 任教专业 column.
The ID numbers are synthetic (valid check digits, belonging to no one); one mobile is a number
cell, as Excel stores a mobile typed without a leading apostrophe. signup-001-cover.xls holds the
same table on its third sheet, after a cover sheet and a blank one, as schools send it.
"""

from pathlib import Path

import xlwt

HERE = Path(__file__).resolve().parent
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number(first17: str) -> str:
    return (
        first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]
    )


def write_table(ws: xlwt.Worksheet) -> None:
    ws.write_merge(0, 0, 0, 8, "高校参训教师信息汇总表")
    ws.write(1, 0, "填报单位（盖章）：杭州职业技术学院")
    ws.write(1, 4, "联系人：王老师")
    ws.write(1, 6, "联系电话：0571-86000000")
    header = [
        "序号",
        "所报证书培训班名称",
        "姓 名",
        "性别",
        "职务",
        "电子邮箱",
        "身份证号",
        "手 机",
    ]
    for col, text in enumerate([*header, "任教专业"]):
        ws.write(2, col, text)
    rows = [
        [
            "Web前端开发职业技能等级证书",
            "张一",
            "",
            "教师",
            "zhang1@example.cn",
            id_number("33010619800101101"),
            "137 1111 0101",
            "软件技术",
        ],
        [
            "老年照护职业技能等级证书培训班",
            "李二",
            "",
            "教研室主任",
            "",
            id_number("33010619820202102"),
            13711110102,
            "智慧健康养老服务与管理",
        ],
    ]
    for n, row in enumerate(rows, start=1):
        ws.write(2 + n, 0, n)
        for col, value in enumerate(row, start=1):
            ws.write(2 + n, col, value)
    for n in range(len(rows) + 1, 6):  # the notice's empty numbered lines
        ws.write(2 + n, 0, n)
    ws.write_merge(8, 8, 0, 8, "说明：请于 11月 9日前发送电子邮件至邮箱：shengpei@zjut.edu.cn。")


def main() -> None:
    book = xlwt.Workbook(encoding="utf-8")
    write_table(book.add_sheet("附件3"))
    book.save(str(HERE / "signup-001.xls"))
    book = xlwt.Workbook(encoding="utf-8")
    cover = book.add_sheet("封面")
    cover.write(2, 1, "2020年1+X证书师资培训报名材料")
    cover.write(4, 1, "杭州职业技术学院 报送")
    book.add_sheet("Sheet2")
    write_table(book.add_sheet("附件3"))
    book.save(str(HERE / "signup-001-cover.xls"))


if __name__ == "__main__":
    main()
