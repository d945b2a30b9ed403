import datetime

import pytest
from pydantic import ValidationError

from shipei.core.clock import SHANGHAI
from shipei.programmes.policy import Window, parse_policy, policy_errors

BASE = {
    "items": [{"code": "p1", "label": "第1期", "kind": "phase"}],
    "enrollment": {"channels": ["nomination"]},
    "quota": {"scope": "city"},
}


def test_a_date_only_deadline_ends_at_235959_in_shanghai():
    window = Window(opens="2024-05-01", closes="2024-05-06")
    assert window.contains(datetime.datetime(2024, 5, 6, 23, 59, 59, tzinfo=SHANGHAI))
    assert not window.contains(datetime.datetime(2024, 5, 7, 0, 0, 0, tzinfo=SHANGHAI))
    assert not window.contains(datetime.datetime(2024, 4, 30, 23, 59, tzinfo=SHANGHAI))


def test_a_window_with_a_time_keeps_it():
    window = Window(opens="2024-05-01 09:00", closes="2024-05-06 17:30")
    assert window.closes_at() == datetime.datetime(2024, 5, 6, 17, 30, tzinfo=SHANGHAI)


def test_a_window_that_ends_before_it_opens_is_refused():
    with pytest.raises(ValidationError, match="结束时间早于开始时间"):
        Window(opens="2024-05-06", closes="2024-05-01")


def test_duplicate_item_codes_and_unknown_parents_are_refused():
    data = {
        **BASE,
        "items": [
            *BASE["items"],
            {"code": "p1", "label": "重复", "kind": "phase"},
            {"code": "f1", "label": "领域", "kind": "field", "parent": "p9"},
        ],
    }
    with pytest.raises(ValidationError) as exc:
        parse_policy(data)
    assert "培训项目代码重复：p1" in "；".join(policy_errors(exc.value))


def test_items_whose_parents_loop_are_refused_when_saved_and_lineage_reads_up_the_tree():
    looped = {
        **BASE,
        "items": [
            *BASE["items"],
            {"code": "a", "label": "甲", "kind": "phase", "parent": "b"},
            {"code": "b", "label": "乙", "kind": "phase", "parent": "a"},
            {"code": "c", "label": "丙", "kind": "field", "parent": "c"},
        ],
    }
    with pytest.raises(ValidationError) as exc:
        parse_policy(looped, typed=True)
    assert policy_errors(exc.value) == ["policy：上级项目不能循环（a、b、c）"]
    # One saved before the rule still reads, each lineage stopping where the loop closes.
    stored = parse_policy(looped)
    assert [i.code for i in stored.lineage("a")] == ["a", "b"]
    assert [i.code for i in stored.lineage("c")] == ["c"]
    assert stored.chain_for("b") == stored.enrollment.approval_chain

    tree = {
        **BASE,
        "items": [*BASE["items"], {"code": "f1", "label": "领域", "kind": "field", "parent": "p1"}],
    }
    rules = parse_policy(tree)
    assert [i.code for i in rules.lineage("f1")] == ["f1", "p1"]
    assert rules.item("p1").label == "第1期"
    with pytest.raises(StopIteration):
        rules.item("p9")
    with pytest.raises(StopIteration):
        rules.lineage("p9")


def test_errors_name_the_place_and_say_why_in_chinese():
    data = {**BASE, "enrollment": {"channels": ["telepathy"]}, "assessment": {"pass_mark": 120}}
    with pytest.raises(ValidationError) as exc:
        parse_policy(data)
    assert set(policy_errors(exc.value)) == {
        "enrollment.channels.0：不是可选的值",
        "assessment.pass_mark：数值过大",
    }


def test_shares_are_fractions():
    with pytest.raises(ValidationError):
        parse_policy({**BASE, "content": {"practice_share_min": 50}})
    assert (
        str(parse_policy({**BASE, "content": {"video_share_min": "0.3"}}).content.video_share_min)
        == "0.3"
    )


@pytest.mark.parametrize(
    ("number_format", "reason"),
    [
        ("{year}{programme", "花括号应成对出现"),
        ("{year}{name}{serial}", "只能使用 {year}、{programme}、{serial}，不能使用 name"),
        ("{year}{programme}", "须含流水号 {serial}，否则证书编号会重复"),
        ("{year}{serial:x6}", "流水号可写作 {serial} 或 {serial:06d}"),
    ],
)
def test_a_certificate_number_format_that_cannot_make_numbers_is_refused(number_format, reason):
    with pytest.raises(ValidationError) as exc:
        parse_policy({**BASE, "certificate": {"number_format": number_format}})
    (message,) = policy_errors(exc.value)
    assert message.startswith("certificate.number_format：") and reason in message


def test_a_certificate_number_format_may_add_fixed_text_and_pad_the_serial():
    rules = parse_policy({**BASE, "certificate": {"number_format": "ZJ-{year}-{serial:05d}"}})
    assert rules.certificate.number_format.format(year=2026, programme="x", serial=7) == (
        "ZJ-2026-00007"
    )


@pytest.mark.parametrize(
    ("classes", "reason"),
    [
        ({"steps": ["staffing"]}, "环节“骨干教师选聘”须同时启用“开班申请”"),
        (
            {"steps": ["application", "province_approval"]},
            "环节“省级审核”须同时启用“培训方案报备”",
        ),
        (
            {"steps": ["application"], "milestones_days_before_start": {"plan_filing": 30}},
            "工作节点“培训方案备案”对应的环节“培训方案报备”未启用",
        ),
    ],
)
def test_class_steps_need_the_steps_before_them_and_milestones_their_step(classes, reason):
    with pytest.raises(ValidationError) as exc:
        parse_policy({**BASE, "classes": classes})
    assert reason in "；".join(policy_errors(exc.value))


def test_a_class_milestone_is_one_of_the_steps_a_class_takes():
    with pytest.raises(ValidationError) as exc:
        parse_policy({**BASE, "classes": {"milestones_days_before_start": {"opening": 5}}})
    assert policy_errors(exc.value) == [
        "classes.milestones_days_before_start.opening：不是可选的值"
    ]


def test_a_class_is_as_long_as_its_level_allows_by_the_levels_code_or_label():
    rules = parse_policy(
        {
            **BASE,
            "items": [
                {"code": "l2", "label": "二级", "kind": "training_kind"},
                {"code": "l2-c1", "label": "二级·机械类", "kind": "level_category", "parent": "l2"},
                {"code": "l3", "label": "三级", "kind": "training_kind"},
            ],
            "classes": {"length_days": {"二级": 9, "l3": 7}},
        }
    )
    assert rules.class_length("l2-c1") == ("二级", 9)
    assert rules.class_length("l3") == ("l3", 7)
    assert rules.class_length("nothing") is None
