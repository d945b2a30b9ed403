"""Reading the files people really send: a table on any sheet, CSV in UTF-8 or GBK, a masked
export fed back in (core.excel.read_sheet)."""

import io

import pytest
from openpyxl import Workbook

from shipei.core.excel import Column, ExcelFormatError, read_sheet

COLUMNS = [
    Column("seq", "序号"),
    Column("name", "姓名", required=True),
    Column("id_number", "身份证号", required=True, text=True),
    Column("mobile", "手机号", required=True, text=True),
    Column("org", "工作单位"),
]
HEADER = ["序号", "姓名", "身份证号", "手机号", "工作单位"]
ROWS = [
    ["1", "张一", "33010619800101101X", "13711110001", "杭州职业技术学院"],
    ["2", "李二", "330106198202021024", "13711110002", "浙江机电职业技术学院"],
]


def xlsx(sheets: dict[str, list[list[object]]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        ws = book.create_sheet(title)
        for row in rows:
            ws.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(rows: list[list[str]], encoding: str) -> bytes:
    return "\r\n".join(",".join(row) for row in rows).encode(encoding)


def read(content: bytes, filename: str = "") -> list[dict[str, object]]:
    return [values for _row, values in read_sheet(content, COLUMNS, filename=filename).rows]


def test_the_table_is_found_after_a_cover_sheet_and_a_blank_one() -> None:
    content = xlsx(
        {
            "封面": [[None], ["2026年骨干教师培训报名表"], ["报送单位：杭州职业技术学院"]],
            "Sheet2": [],
            "名单": [["参训人员名单"], HEADER, *ROWS],
        }
    )
    sheet = read_sheet(content, COLUMNS)
    assert (sheet.name, sheet.header_row) == ("名单", 2)
    assert [v["name"] for _row, v in sheet.rows] == ["张一", "李二"]
    assert [row[0] for row in sheet.above] == ["参训人员名单"]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_in_utf8_with_or_without_bom_and_in_gbk_reads_as_the_workbook(encoding: str) -> None:
    rows = read(csv_bytes([HEADER, *ROWS], encoding), "名单.csv")
    assert [(v["name"], v["id_number"], v["mobile"], v["org"]) for v in rows] == [
        ("张一", "33010619800101101X", "13711110001", "杭州职业技术学院"),
        ("李二", "330106198202021024", "13711110002", "浙江机电职业技术学院"),
    ]


def test_excels_unicode_text_is_read_too() -> None:
    text = "\r\n".join("\t".join(row) for row in [HEADER, *ROWS])
    rows = read(text.encode("utf-16"), "名单.txt.csv")
    assert [v["name"] for v in rows] == ["张一", "李二"]


def test_a_missing_column_is_named_alone_once() -> None:
    header = [h for h in HEADER if h != "身份证号"]
    rows = [[v for n, v in enumerate(r) if n != 2] for r in ROWS]
    with pytest.raises(ExcelFormatError) as caught:
        read(xlsx({"名单": [header, *rows]}))
    assert caught.value.message == "第1行的表头缺少“身份证号”列，请补上该列后重新上传。"


def test_a_missing_column_on_the_second_sheet_names_the_sheet() -> None:
    header = [h for h in HEADER if h not in ("身份证号", "手机号")]
    content = xlsx({"说明": [["填表说明"]], "名单": [["标题"], header, ["1", "张一", "学校"]]})
    with pytest.raises(ExcelFormatError) as caught:
        read(content)
    assert caught.value.message == (
        "工作表“名单”第2行的表头缺少“身份证号”、“手机号”列，请补上该列后重新上传。"
    )


def test_no_header_anywhere_says_so() -> None:
    with pytest.raises(ExcelFormatError, match="未找到表头行：表头须包含 姓名、身份证号、手机号"):
        read(xlsx({"封面": [["报名表"]], "Sheet2": [["杂项", "备注"]]}))


@pytest.mark.parametrize(
    ("content", "filename"),
    [
        (b"not excel", "名单.xlsx"),  # named as a workbook, but is none
        (b"PK\x03\x04broken zip", "名单.xlsx"),
        (b"\x00\x01\x02\xff\xfe\x00binary", "名单.csv"),
        (b"\xff\xfe\xfd", "名单.csv"),  # neither UTF-8 nor GBK
        (b"  \r\n", "名单.csv"),
    ],
)
def test_files_that_are_no_table_are_refused_whole(content: bytes, filename: str) -> None:
    with pytest.raises(ExcelFormatError) as caught:
        read(content, filename)
    assert caught.value.message == (
        "无法读取该文件：请上传 .xlsx 或 .xls 格式的 Excel 文件，或 .csv 文件（UTF-8 或 GBK 编码）。"
    )


@pytest.mark.parametrize(
    ("id_number", "mobile", "shown"),
    [
        ("330106********101X", "13711110001", "第2行“身份证号”为“330106********101X”"),
        ("3301**********1234", "13711110001", "第2行“身份证号”为“3301**********1234”"),
        ("33010619800101101X", "138****5678", "第2行“手机号”为“138****5678”"),
        ("33010619800101101X", "１３８＊＊＊＊５６７８", "第2行“手机号”为“１３８＊＊＊＊５６７８”"),
    ],
)
def test_a_masked_export_is_refused_with_one_message(id_number, mobile, shown) -> None:
    rows = [["1", "张一", id_number, mobile, "学校"]] + [
        ["2", "李二", "330106********1024", "137****0002", "学校"]
    ] * 151
    for content, filename in (
        (xlsx({"人员": [HEADER, *rows]}), "人员名单.xlsx"),
        (csv_bytes([HEADER, *rows], "gbk"), "人员名单.csv"),
    ):
        with pytest.raises(ExcelFormatError) as caught:
            read(content, filename)
        assert caught.value.message == (
            f"这是一份脱敏导出的名单（{shown}），其中的身份证号、手机号已部分隐藏，不能导入。"
            "请改用“完整数据导出”的文件，或在下载的导入模板中填写完整信息后上传。"
        )


def test_stars_in_a_remark_are_not_a_masked_number() -> None:
    header = [*HEADER, "备注"]
    rows = [[*ROWS[0], "******"], [*ROWS[1], "重点***"]]
    columns = [*COLUMNS, Column("remark", "备注")]
    sheet = read_sheet(xlsx({"名单": [header, *rows]}), columns)
    assert [v["remark"] for _row, v in sheet.rows] == ["******", "重点***"]
