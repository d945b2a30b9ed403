"""The 专业类 of the 职业教育专业目录 (2021) as data: complete where the notices need it, and the
mapping of free text to a class only where it is unambiguous."""

import json

from shipei.core import majors

# Every 专业类 the five notices and 003's data file name (003 附件1's 重点专业类).
NAMED_IN_003 = {
    "集成电路类",
    "计算机类",
    "新能源发电工程类",
    "环境保护类",
    "汽车制造类",
    "机械设计制造类",
    "自动化类",
    "农业类",
    "城市轨道交通类",
    "铁道运输类",
    "电力技术类",
    "生物技术类",
}
NAMED_IN_001 = {"信息技术类", "加工制造类", "旅游服务类", "财经商贸类", "交通运输类", "轻纺食品类"}


def test_the_catalogue_has_19_大类_and_97_专业类_with_every_class_the_notices_name():
    groups = majors.groups()
    assert len(groups) == 19 and len(majors.class_names()) == 97
    assert groups[10] == ("电子与信息大类", ["电子信息类", "计算机类", "通信类", "集成电路类"])
    assert majors.class_names() >= NAMED_IN_003
    assert all(majors.is_known(name) for name in NAMED_IN_001)


def test_003s_data_file_names_only_classes_of_the_catalogue():
    with open("shipei/presets/data/003_projects_quota.json", encoding="utf-8") as f:
        projects = json.load(f)["projects"]
    named = {c for p in projects for c in p["field_classes"]}
    assert named == NAMED_IN_003


def test_free_text_maps_to_a_class_only_when_it_names_exactly_one():
    assert majors.class_for_text("计算机应用") == "计算机类"
    assert majors.class_for_text(" 计算机 ") == "计算机类"
    assert majors.class_for_text("机电技术应用") == "机电设备类"
    assert majors.class_for_text("电子商务类相关专业") == "电子商务类"
    assert majors.class_for_text("数控加工") == ""  # not a catalogue name
    assert majors.class_for_text("计算机类、通信类") == ""  # two classes
    assert majors.class_for_text("") == ""


def test_a_rule_may_name_a_class_a_大类_or_a_2010_中职_class():
    assert majors.covered("计算机类") == {"计算机类"}
    assert majors.covered("电子与信息大类") == {"电子信息类", "计算机类", "通信类", "集成电路类"}
    assert majors.covered("信息技术类") == majors.covered("电子与信息大类")
    assert "汽车制造类" in majors.covered("加工制造类")
    assert majors.covered("不存在类") == {"不存在类"}
    assert not majors.is_known("不存在类")
