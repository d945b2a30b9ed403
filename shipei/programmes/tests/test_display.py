"""A policy as the programme's page reads it: meanings, not stored values."""

from shipei.programmes.forms.display import item_facts, number_format_text, section_display
from shipei.programmes.policy import parse_policy
from shipei.programmes.tests.test_calendar import NOTICE_000, policy


def test_the_certificate_number_format_reads_as_its_parts_with_an_example():
    assert number_format_text("{year}{programme}{serial:06d}", year=2026, code="ZJ") == (
        "年份 + 计划代码 + 6 位流水号，例：2026ZJ000001"
    )
    assert number_format_text("ZJ-{year}-{serial}", year=2026, code="x") == (
        "“ZJ-” + 年份 + “-” + 流水号，例：ZJ-2026-1"
    )


def test_a_field_reads_with_its_phases_dates_and_nothing_the_notice_leaves_out():
    field = NOTICE_000.item("p2-f1")
    assert item_facts(NOTICE_000, field) == [
        "报名 2020-10-31 ～ 2020-11-02",
        "培训 2020-11-10 ～ 2020-12-10",
    ]


def test_a_section_the_notice_sets_nothing_in_is_unset_and_empty_settings_are_left_out():
    bare = policy([{"code": "a", "label": "甲", "kind": "course"}])
    assert section_display(bare, "assessment") == {
        "fields": [],
        "tables": [],
        "unset": True,
        "not_in_force": [],
    }
    data = {**bare.model_dump(mode="json"), "content": {"practice_share_min": "0.5"}}
    shares = section_display(parse_policy(data), "content")
    # The minutes per 学时 read with them: the rule self-paced hours are counted by.
    assert shares["fields"] == [("实践课程最低占比", "50%"), ("线上自学每学时分钟数", "45")]
    assert not shares["unset"]
