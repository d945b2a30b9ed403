"""Templates with drop-downs (core.excel.template_workbook / add_choices)."""

import io

from openpyxl import load_workbook

from shipei.core.excel import CHOICES_SHEET, MAX_ROWS, Column, read_sheet, template_workbook

from .excel_helpers import drop_downs

COLUMNS = [
    Column("name", "姓名", required=True),
    Column("gender", "性别"),
    Column("project", "项目名称"),
    Column("org", "工作单位"),
]


def test_a_short_list_is_written_inline_and_refuses_other_values() -> None:
    content = template_workbook(COLUMNS, title="名单", notes=[], choices={"gender": ["男", "女"]})
    found = drop_downs(content)
    assert list(found) == ["性别"]
    assert found["性别"].values == ["男", "女"]
    assert found["性别"].style == "stop"
    assert found["性别"].cells == f"B2:B{MAX_ROWS + 1}"
    assert not found["性别"].hidden_sheet


def test_a_list_past_excels_255_characters_goes_to_a_hidden_sheet() -> None:
    projects = [f"第{n}个领域的骨干教师示范培训项目" for n in range(1, 21)]
    assert len(",".join(projects)) > 255
    content = template_workbook(COLUMNS, title="名单", notes=[], choices={"project": projects})
    found = drop_downs(content)
    assert found["项目名称"].values == projects
    assert found["项目名称"].hidden_sheet
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames[0] == "名单"  # the sheet the importer reads stays first
    assert book[CHOICES_SHEET].sheet_state == "hidden"


def test_values_with_a_comma_and_repeats_are_listed_once_each_on_the_hidden_sheet() -> None:
    content = template_workbook(
        COLUMNS,
        title="名单",
        notes=[],
        choices={"project": ["甲,乙培训", "丙培训", "丙培训"], "org": ["杭州学校", "宁波学校"]},
        warn_only={"org"},
    )
    found = drop_downs(content)
    assert found["项目名称"].values == ["甲,乙培训", "丙培训"]
    assert found["项目名称"].hidden_sheet
    assert found["工作单位"].values == ["杭州学校", "宁波学校"]
    assert found["工作单位"].style == "warning"  # aliases are accepted: Excel only asks


def test_a_column_without_choices_gets_no_drop_down_and_the_template_still_reads() -> None:
    content = template_workbook(COLUMNS, title="名单", notes=[], choices={"gender": []})
    assert drop_downs(content) == {}
    book = load_workbook(io.BytesIO(content))
    book.active.append(["张一", "男", "", ""])
    out = io.BytesIO()
    book.save(out)
    sheet = read_sheet(out.getvalue(), COLUMNS)
    assert [values["name"] for _row, values in sheet.rows] == ["张一"]
