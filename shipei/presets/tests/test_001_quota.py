"""001 附件2 (中职学校骨干教师培训项目实施计划表): the quota table reproduces the notice.

Plain pytest, no Django: the data file is read straight from disk.
"""

import json
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
DATA = json.loads((HERE.parent / "data" / "001_quota.json").read_text(encoding="utf-8"))
REGIONS = json.loads(
    (HERE.parents[1] / "orgs" / "data" / "regions.json").read_text(encoding="utf-8")
)["regions"]

SPLIT_ROWS = [r for r in DATA["rows"] if not r["on_demand"]]
ON_DEMAND_ROWS = [r for r in DATA["rows"] if r["on_demand"]]

# Every printed total that the printed cells satisfy, written out by hand from the notice.
SATISFIED_ROW_TOTALS = {
    "专业带头人领军能力研修/信息技术类（计算机网络技术、数字媒体技术应用）": 40,
    "专业带头人领军能力研修/旅游服务类": 40,
    "专业带头人领军能力研修/加工制造类（机电相关专业）": 30,
    "专业带头人领军能力研修/财经商贸类（物流服务与管理）": 30,
    "专业带头人领军能力研修/产教融合型实训基地建设与高水平专业群建设（专业不限）": 40,
    "“双师型”教师专业技能培训/交通运输类（轨道交通、汽车运用与维修）": 30,
    "“双师型”教师专业技能培训/加工制造类（智能控制技术）": 30,
    "“双师型”教师专业技能培训/财经商贸类（电子商务）": 30,
    "职业院校优秀青年教师跟岗访学/加工制造类（机电数控技术、工业机器人技术应用）": 30,
    "职业院校优秀青年教师跟岗访学/财经商贸类（会计、金融）": 30,
    "职业院校优秀青年教师跟岗访学/财经商贸类（电子商务、国际商务）": 30,
    "中高职衔接专业教师协同研修/加工制造类（机械、电气相关专业）": 30,
    "中高职衔接专业教师协同研修/交通运输类（汽车运用与维修）": 20,
    "中高职衔接专业教师协同研修/信息技术类（计算机应用、软件技术、电子与信息技术、物联网技术、网络通信技术）": 30,
    "紧缺领域教师技术技能传承创新/旅游服务类（中华茶艺传承与创新应用）": 30,
    "紧缺领域教师技术技能传承创新/交通运输类（无人机操控与维护）": 30,
    "骨干培训专家团队建设/课程与数字化资源开发（微课、慕课等）": 40,
    "企业实践锻炼培养培训/电子与信息技术、机电技术应用、机器人应用技术": 30,
    "企业实践锻炼培养培训/加工制造类、信息技术类相关专业（企业实践+教学实践，企业实践依托校企合作单位，教学实践在培训基地完成）": 20,
}
SATISFIED_COLUMN_TOTALS = {"舟山市": 20}
# The printed 合计 row: 10 of 11 city totals are one less than their column's printed cells.
FAILING_COLUMN_TOTALS = {
    "杭州市": (85, 86),
    "宁波市": (85, 86),
    "温州市": (69, 70),
    "嘉兴市": (51, 52),
    "湖州市": (36, 37),
    "绍兴市": (50, 51),
    "金华市": (58, 59),
    "衢州市": (30, 31),
    "台州市": (64, 65),
    "丽水市": (32, 33),
}
ON_DEMAND_LABELS = {
    "“双师型”教师专业技能培训/食品、农产品检测及质量安全": 30,
    "“双师型”教师专业技能培训/服装制版师、服装制作与生产管理": 30,
}


def all_checks():
    """Every printed total of the table, as {check id: (printed, computed from printed parts)}."""
    checks = {}
    for row in SPLIT_ROWS:
        checks[("row", row["label"])] = (row["printed_row_total"], sum(row["cells"].values()))
    # 表注: the city totals leave out the 按需报名 rows.
    for col in DATA["columns"]:
        checks[("column_total", col)] = (
            DATA["printed_column_totals"][col],
            sum(r["cells"].get(col, 0) for r in SPLIT_ROWS),
        )
    on_demand = sum(r["printed_row_total"] for r in ON_DEMAND_ROWS)
    checks[("grand_total", "cells")] = (
        DATA["printed_grand_total"],
        sum(sum(r["cells"].values()) for r in SPLIT_ROWS) + on_demand,
    )
    checks[("grand_total", "row_totals")] = (
        DATA["printed_grand_total"],
        sum(r["printed_row_total"] for r in DATA["rows"]),
    )
    checks[("grand_total_vs_column_totals", None)] = (
        DATA["printed_grand_total"],
        sum(DATA["printed_column_totals"].values()) + on_demand,
    )
    return checks


def test_identity():
    assert DATA["notice"] == "001_032e326256451396.txt"
    assert DATA["table"] == "附件2 中职学校骨干教师培训项目实施计划表"
    assert DATA["printed_grand_total"] == 650


def test_columns_are_the_11_zhejiang_prefectures_in_notice_order():
    zhejiang = next(r for r in REGIONS if r["name"] == "浙江省")
    prefectures = [
        r["name"] for r in REGIONS if r["level"] == "prefecture" and r["parent"] == zhejiang["code"]
    ]
    assert len(prefectures) == 11
    assert DATA["columns"] == prefectures  # GB/T 2260 order is also the notice's order
    assert DATA["columns"][:3] == ["杭州市", "宁波市", "温州市"]
    assert DATA["columns"][-1] == "丽水市"
    assert list(DATA["printed_column_totals"]) == DATA["columns"]


def test_rows_in_notice_order_with_unique_labels():
    labels = [r["label"] for r in DATA["rows"]]
    assert len(labels) == 21
    assert len(set(labels)) == len(labels)
    assert labels[0] == "专业带头人领军能力研修/信息技术类（计算机网络技术、数字媒体技术应用）"
    assert labels[8:10] == list(ON_DEMAND_LABELS)
    assert [r["label"] for r in SPLIT_ROWS] == list(SATISFIED_ROW_TOTALS)
    for row in DATA["rows"]:
        assert row["label"] == f"{row['project']}/{row['category']}"


def test_cells_are_non_negative_integers_in_known_columns():
    for row in SPLIT_ROWS:
        assert list(row["cells"]) == DATA["columns"], row["label"]
        for value in row["cells"].values():
            assert isinstance(value, int)
            assert not isinstance(value, bool)
            assert value >= 0


@pytest.mark.parametrize(("label", "total"), SATISFIED_ROW_TOTALS.items())
def test_row_total_matches_its_cells(label, total):
    row = next(r for r in DATA["rows"] if r["label"] == label)
    assert row["printed_row_total"] == total
    assert sum(row["cells"].values()) == total


def test_zhoushan_column_total_matches_its_cells():
    assert DATA["printed_column_totals"]["舟山市"] == 20
    assert sum(r["cells"]["舟山市"] for r in SPLIT_ROWS) == 20


def test_grand_total_650_matches_cells_and_row_totals_including_on_demand():
    assert sum(sum(r["cells"].values()) for r in SPLIT_ROWS) == 590
    assert sum(r["printed_row_total"] for r in SPLIT_ROWS) == 590
    assert sum(r["printed_row_total"] for r in ON_DEMAND_ROWS) == 60
    assert 590 + 60 == DATA["printed_grand_total"] == 650


def test_kinds_of_training_match_the_notice_text():
    by_project = {}
    for row in DATA["rows"]:
        by_project[row["project"]] = by_project.get(row["project"], 0) + row["printed_row_total"]
    assert by_project == {
        "专业带头人领军能力研修": 180,
        "“双师型”教师专业技能培训": 150,
        "职业院校优秀青年教师跟岗访学": 90,
        "中高职衔接专业教师协同研修": 80,
        "紧缺领域教师技术技能传承创新": 60,
        "骨干培训专家团队建设": 40,
        "企业实践锻炼培养培训": 50,
    }


def test_on_demand_rows_have_no_city_split_and_region_zhejiang():
    assert {r["label"]: r["printed_row_total"] for r in ON_DEMAND_ROWS} == ON_DEMAND_LABELS
    for row in ON_DEMAND_ROWS:
        assert row["cells"] == {}
        assert row["region"] == "浙江省"
    for row in SPLIT_ROWS:
        assert "region" not in row


def test_satisfied_totals_are_exactly_the_listed_ones():
    satisfied = {k for k, (printed, computed) in all_checks().items() if printed == computed}
    expected = (
        {("row", label) for label in SATISFIED_ROW_TOTALS}
        | {("column_total", col) for col in SATISFIED_COLUMN_TOTALS}
        | {("grand_total", "cells"), ("grand_total", "row_totals")}
    )
    assert satisfied == expected


def test_failing_totals_are_exactly_the_listed_contradictions():
    failing = {k: v for k, v in all_checks().items() if v[0] != v[1]}
    listed = {(c["kind"], c["column"]): c for c in DATA["contradictions"]}
    assert len(listed) == len(DATA["contradictions"])
    assert set(failing) == set(listed)
    for key, (printed, computed) in failing.items():
        assert listed[key]["printed_total"] == printed, key
        assert listed[key]["sum_of_printed_cells"] == computed, key
        assert listed[key]["where"]
        assert listed[key]["note"]
    assert {
        col: (c["printed_total"], c["sum_of_printed_cells"])
        for (kind, col), c in listed.items()
        if kind == "column_total"
    } == FAILING_COLUMN_TOTALS
    grand = listed[("grand_total_vs_column_totals", None)]
    assert (grand["printed_total"], grand["sum_of_printed_cells"]) == (650, 580 + 60)


def test_reconstructed_entries_agree_with_cells():
    assert isinstance(DATA["reconstructed"], list)
    for entry in DATA["reconstructed"]:
        row = next(r for r in DATA["rows"] if r["label"] == entry["row"])
        assert row["cells"][entry["column"]] == entry["value"]
        assert entry["printed"] != str(entry["value"])
        assert entry["how"]
    # The seed's 附件2 digits are all clean: nothing had to be reconstructed.
    assert DATA["reconstructed"] == []


def test_courses_are_the_fifteen_1x_trainer_courses():
    courses = DATA["courses"]
    assert len(courses) == 15
    assert len({c["name"] for c in courses}) == 15
    assert DATA["courses_planned_total"] == 750
    for course in courses:
        assert course["name"].endswith("职业技能等级证书")
        assert (course["days"], course["hours"], course["fee_cap_yuan"]) == (10, 80, 3200)
    assert courses[0]["name"] == "建筑信息模型（BIM）职业技能等级证书"
    assert courses[-1]["name"] == "建筑工程识图职业技能等级证书"
