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
