"""000 附件1 (培训名额分配表): the quota table reproduces the notice.

Plain pytest, no Django: the data file is read straight from disk.
"""

import json
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
DATA = json.loads((HERE.parent / "data" / "000_quota.json").read_text(encoding="utf-8"))
REGIONS = json.loads(
    (HERE.parents[1] / "orgs" / "data" / "regions.json").read_text(encoding="utf-8")
)["regions"]

COLUMNS = [
    "第1期",
    "5G移动网络运维",
    "网络安全运维",
    "电子商务数据分析",
    "计算机视觉应用开发",
    "工业机器人应用编程",
    "第3期",
]

# The notice's province rows, in its order (辽宁, 吉林, 四川 and 宁夏 are garbled in the scan).
ROW_LABELS = [
    "北京", "天津", "河北", "山西", "内蒙古", "辽宁", "吉林", "黑龙江", "上海", "江苏", "浙江",
    "安徽", "福建", "江西", "山东", "河南", "湖北", "湖南", "广东", "广西", "海南",
    "重庆", "四川", "贵州", "云南", "西藏", "陕西", "甘肃", "青海", "宁夏", "新疆", "新疆兵团",
]  # fmt: skip

# Every printed total that the printed cells satisfy (the 合计 row), written out from the notice.
SATISFIED_TOTALS = {
    "第1期": 10000,
    "5G移动网络运维": 2000,
    "网络安全运维": 2000,
    "电子商务数据分析": 2000,
    "计算机视觉应用开发": 2000,
    "工业机器人应用编程": 2000,
    "第3期": 10000,
}


def column_sum(column):
    return sum(row["cells"][column] for row in DATA["rows"])


def test_identity():
    assert DATA["notice"] == "000_f646ab9378d32dda.txt"
    assert DATA["table"] == "附件1 培训名额分配表"


def test_column_labels():
    assert DATA["columns"] == COLUMNS
    for row in DATA["rows"]:
        assert list(row["cells"]) == COLUMNS, row["label"]


def test_rows_in_notice_order():
    assert len(DATA["rows"]) == 32
    assert [row["label"] for row in DATA["rows"]] == ROW_LABELS


def test_printed_totals_as_printed():
    assert DATA["printed_totals"] == SATISFIED_TOTALS


def test_total_first_phase():
    assert column_sum("第1期") == 10000


def test_total_5g():
    assert column_sum("5G移动网络运维") == 2000


def test_total_network_security():
    assert column_sum("网络安全运维") == 2000


def test_total_e_commerce():
    assert column_sum("电子商务数据分析") == 2000


def test_total_computer_vision():
    assert column_sum("计算机视觉应用开发") == 2000


def test_total_industrial_robots():
    assert column_sum("工业机器人应用编程") == 2000


def test_total_third_phase():
    assert column_sum("第3期") == 10000


def test_failing_totals_are_exactly_the_contradictions():
    failing = {
        column
        for column, total in DATA["printed_totals"].items()
        if total is not None and column_sum(column) != total
    }
    listed = {c["where"] for c in DATA["contradictions"]}
    assert failing == listed
    assert failing == set()
    for c in DATA["contradictions"]:
        assert c["printed_total"] == DATA["printed_totals"][c["where"]]
        assert c["sum_of_printed_cells"] == column_sum(c["where"])


def test_regions_exist():
    names = {r["name"] for r in REGIONS}
    for row in DATA["rows"]:
        assert row["region"] in names, row["label"]
    assert len({row["region"] for row in DATA["rows"]}) == 32
    by_label = {row["label"]: row["region"] for row in DATA["rows"]}
    assert by_label["北京"] == "北京市"
    assert by_label["内蒙古"] == "内蒙古自治区"
    assert by_label["新疆"] == "新疆维吾尔自治区"
    assert by_label["新疆兵团"] == "新疆生产建设兵团"


def test_every_province_level_region_has_a_row():
    provinces = {r["name"] for r in REGIONS if r["level"] == "province"}
    assert {row["region"] for row in DATA["rows"]} == provinces


@pytest.mark.parametrize("row", DATA["rows"], ids=lambda r: r["label"])
def test_cells_are_non_negative_integers(row):
    for column, value in row["cells"].items():
        assert type(value) is int, (row["label"], column)
        assert value >= 0, (row["label"], column)


def test_reconstructed_entries_match_cells():
    cells = {row["label"]: row["cells"] for row in DATA["rows"]}
    seen = set()
    for entry in DATA["reconstructed"]:
        assert entry["row"] in cells, entry
        assert entry["column"] in COLUMNS, entry
        assert cells[entry["row"]][entry["column"]] == entry["value"], entry
        assert entry["how"], entry
        key = (entry["row"], entry["column"])
        assert key not in seen, entry
        seen.add(key)


def test_reconstructed_lists_every_damaged_cell():
    # The printed text, repaired only for O→0, l→1 and split digits, gives the stored value.
    for entry in DATA["reconstructed"]:
        printed = entry["printed"].replace("O", "0").replace("l", "1").replace(" ", "")
        assert int(printed) == entry["value"], entry
    listed = {(e["row"], e["column"]) for e in DATA["reconstructed"]}
    # Spot checks of the damage named in the brief and the notice.
    assert ("天津", "第1期") in listed
    assert ("北京", "5G移动网络运维") in listed  # 7O
    assert ("青海", "网络安全运维") in listed  # l 0
    assert ("北京", "第1期") not in listed  # printed clean: 350
