"""003 (MoE 2024 职教国培示范项目): 附件1 projects and the 附件2 quota table as data.

Plain pytest, no Django: the data file is checked against itself, against the printed totals of
the notice and against the region list.
"""

import json
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
DATA = json.loads((HERE.parent / "data" / "003_projects_quota.json").read_text("utf-8"))
REGIONS = json.loads((HERE.parents[1] / "orgs" / "data" / "regions.json").read_text("utf-8"))

PROJECTS = DATA["projects"]
TABLE = DATA["quota_table"]
COLUMNS = TABLE["columns"]
ROWS = TABLE["rows"]
ROW_BY_NO = {row["project_no"]: row for row in ROWS}

HEADER_ORDER = [
    "北京市",
    "天津市",
    "河北省",
    "山西省",
    "内蒙古自治区",
    "辽宁省",
    "吉林省",
    "黑龙江省",
    "上海市",
    "江苏省",
    "浙江省",
    "安徽省",
    "福建省",
    "江西省",
    "山东省",
    "河南省",
    "湖北省",
    "湖南省",
    "广东省",
    "广西壮族自治区",
    "海南省",
    "重庆市",
    "四川省",
    "贵州省",
    "云南省",
    "西藏自治区",
    "陕西省",
    "甘肃省",
    "青海省",
    "宁夏回族自治区",
    "新疆维吾尔自治区",
    "新疆生产建设兵团",
]

# Printed totals that the printed cells satisfy, asserted one by one.
SATISFIED_ROWS = {2: 50, 4: 50, 5: 50, 6: 50, 8: 50, 9: 50, 10: 50, 11: 50, 13: 50, 14: 50}
SATISFIED_COLUMNS = {
    "北京市": 8,
    "天津市": 8,
    "河北省": 49,
    "山西省": 23,
    "辽宁省": 21,
    "吉林省": 13,
    "黑龙江省": 15,
    "江苏省": 50,
    "浙江省": 37,
    "安徽省": 37,
    "福建省": 23,
    "山东省": 61,
    "河南省": 63,
    "湖北省": 28,
    "湖南省": 43,
    "广东省": 58,
    "重庆市": 24,
    "四川省": 46,
    "贵州省": 22,
    "陕西省": 21,
    "宁夏回族自治区": 5,
}
# Printed totals that the printed cells contradict: (printed total, sum of printed cells).
FAILING_ROWS = {1: (50, 52), 3: (50, 46), 7: (50, 52), 12: (50, 53), 15: (50, 48), 16: (50, 48)}
FAILING_COLUMNS = {
    "内蒙古自治区": (15, 12),
    "上海市": (10, 8),
    "江西省": (29, 31),
    "广西壮族自治区": (27, 25),
    "海南省": (5, 9),
    "云南省": (22, 20),
    "西藏自治区": (3, 7),
    "甘肃省": (14, 12),
    "青海省": (6, 8),
    "新疆维吾尔自治区": (12, 8),
    "新疆生产建设兵团": (2, 4),
}


def row_sum(row: dict) -> int:
    return sum(row["cells"].values())


def column_sum(column: str) -> int:
    return sum(row["cells"][column] for row in ROWS)


def test_notice() -> None:
    assert DATA["notice"] == "003_5366d26e36240574.txt"
    assert TABLE["title"].startswith("附件2 ")


def test_sixteen_projects_in_order_with_distinct_labels() -> None:
    assert [p["no"] for p in PROJECTS] == list(range(1, 17))
    labels = [p["label"] for p in PROJECTS]
    assert len(set(labels)) == 16
    assert len({p["base"] for p in PROJECTS}) == 16


def test_label_is_name_or_name_with_base_when_shared() -> None:
    names = [p["name"] for p in PROJECTS]
    for p in PROJECTS:
        if names.count(p["name"]) == 1:
            assert p["label"] == p["name"]
        else:
            assert p["label"] == f"{p['name']}（{p['base']}）"
    shared = {p["no"] for p in PROJECTS if p["label"] != p["name"]}
    assert shared == {1, 2, 3, 4, 5, 8, 9, 10, 11}
    assert PROJECTS[9]["label"] == "机器人领域领军教师示范培训项目（深圳职业技术大学）"
    assert PROJECTS[6]["label"] == "新能源汽车领域领军教师示范培训项目"


def test_aliases_for_names_that_differ_within_the_notice() -> None:
    shenzhen = PROJECTS[9]
    assert shenzhen["base"] == "深圳职业技术大学"
    assert "深圳职业技术学院" in shenzhen["base_aliases"]
    railway = PROJECTS[13]
    assert railway["name"] == "铁道运输领域领军教师示范培训项目"
    assert railway["field"] == "铁道运输类"
    assert "铁路运输" in railway["domain_aliases"]
    assert len({p["domain"] for p in PROJECTS}) == 11


def test_every_quota_row_maps_to_a_project() -> None:
    by_no = {p["no"]: p for p in PROJECTS}
    assert [row["project_no"] for row in ROWS] == list(range(1, 17))
    for row in ROWS:
        project = by_no[row["project_no"]]
        assert row["label"] == project["label"]
        assert row["printed_name"] == project["name"]
        assert row["printed_base"] in [project["base"], *project["base_aliases"]]


def test_columns_are_region_names_in_header_order() -> None:
    provinces = {r["name"] for r in REGIONS["regions"] if r["level"] == "province"}
    assert COLUMNS == HEADER_ORDER
    assert set(COLUMNS) <= provinces
    assert len(TABLE["printed_columns"]) == len(COLUMNS)
    for row in ROWS:
        assert list(row["cells"]) == COLUMNS
        assert all(isinstance(v, int) and v >= 0 for v in row["cells"].values())
    assert list(TABLE["printed_column_totals"]) == COLUMNS


@pytest.mark.parametrize(("project_no", "total"), sorted(SATISFIED_ROWS.items()))
def test_row_total_satisfied(project_no: int, total: int) -> None:
    row = ROW_BY_NO[project_no]
    assert row["printed_row_total"] == total
    assert row_sum(row) == total


@pytest.mark.parametrize(("column", "total"), sorted(SATISFIED_COLUMNS.items()))
def test_column_total_satisfied(column: str, total: int) -> None:
    assert TABLE["printed_column_totals"][column] == total
    assert column_sum(column) == total


def test_grand_total_against_printed_totals() -> None:
    assert TABLE["printed_grand_total"] == 800
    assert all(row["printed_row_total"] == 50 for row in ROWS)
    assert sum(row["printed_row_total"] for row in ROWS) == 800
    assert sum(TABLE["printed_column_totals"].values()) == 800


def test_failing_totals_are_exactly_the_listed_contradictions() -> None:
    failing_rows = {
        row["project_no"]: (row["printed_row_total"], row_sum(row))
        for row in ROWS
        if row_sum(row) != row["printed_row_total"]
    }
    failing_columns = {
        column: (TABLE["printed_column_totals"][column], column_sum(column))
        for column in COLUMNS
        if column_sum(column) != TABLE["printed_column_totals"][column]
    }
    cells_total = sum(row_sum(row) for row in ROWS)
    assert failing_rows == FAILING_ROWS
    assert failing_columns == FAILING_COLUMNS
    assert cells_total == 799

    contradictions = DATA["contradictions"]
    listed_rows = {
        c["row"]: (c["printed_total"], c["sum_of_printed_cells"])
        for c in contradictions
        if c["kind"] == "row"
    }
    listed_columns = {
        c["column"]: (c["printed_total"], c["sum_of_printed_cells"])
        for c in contradictions
        if c["kind"] == "column"
    }
    listed_grand = [
        (c["printed_total"], c["sum_of_printed_cells"])
        for c in contradictions
        if c["kind"] == "grand"
    ]
    assert listed_rows == failing_rows
    assert listed_columns == failing_columns
    assert listed_grand == [(TABLE["printed_grand_total"], cells_total)]
    assert len(contradictions) == len(failing_rows) + len(failing_columns) + 1
    assert all(c["where"] and c["note"] for c in contradictions)


def test_reconstructed_entries_match_cells() -> None:
    reconstructed = DATA["reconstructed"]
    assert reconstructed
    for entry in reconstructed:
        row = ROW_BY_NO[entry["row"]]
        if entry["column"] == "总计":
            assert entry["value"] == row["printed_row_total"]
        else:
            assert entry["column"] in COLUMNS
            assert entry["value"] == row["cells"][entry["column"]]
        assert int(entry["printed"]) == entry["value"]
        assert entry["how"]
    # Every row with the stray field before its total is noted; rows 7 and 8 follow the header.
    stray_rows = {e["row"] for e in reconstructed if e["column"] == "总计"}
    assert stray_rows == set(range(1, 17)) - {7, 8}


def test_row_12_extra_number_is_kept_out_of_the_cells() -> None:
    row = ROW_BY_NO[12]
    assert row["cells"]["新疆维吾尔自治区"] == 1
    assert row["cells"]["新疆生产建设兵团"] == 3
    extra = [e for e in DATA["repairs_outside_cells"] if e["where"].startswith("附件2 row 12")]
    assert [e["printed"] for e in extra] == ["1"]
    assert extra[0]["value"] is None
