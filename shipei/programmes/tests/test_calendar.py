"""A programme's calendar: dates moved together, and the order of registration and training."""

import datetime
from typing import Any

from shipei.programmes.calendar import (
    calendar_warnings,
    first_date,
    registration_of,
    shift_days,
    shift_years,
    training_of,
)
from shipei.programmes.policy import PolicyV1, parse_policy


def policy(items: list[dict[str, Any]], **enrollment: Any) -> PolicyV1:
    return parse_policy(
        {
            "items": items,
            "enrollment": {"channels": ["self_registration"], **enrollment},
            "quota": {"scope": "none"},
        }
    )


NOTICE_000 = policy(
    [
        {
            "code": "p1",
            "label": "第1期",
            "kind": "phase",
            "registration": {"opens": "2020-11-06", "closes": "2020-11-09"},
            "training": {"opens": "2020-11-17", "closes": "2020-11-27"},
        },
        {
            "code": "p2",
            "label": "第2期",
            "kind": "phase",
            "registration": {"opens": "2020-10-31", "closes": "2020-11-02"},
            "training": {"opens": "2020-11-10", "closes": "2020-12-10"},
        },
        {"code": "p2-f1", "label": "5G移动网络运维", "kind": "field", "parent": "p2"},
    ]
)


def test_shift_years_keeps_time_and_turns_29_february_into_28():
    assert shift_years(datetime.date(2024, 2, 29), 1) == datetime.date(2025, 2, 28)
    assert shift_years(datetime.date(2024, 2, 29), 4) == datetime.date(2028, 2, 29)  # a leap year
    moment = datetime.datetime(2023, 5, 6, 9, 0)
    assert shift_years({"a": [moment]}, -1) == {"a": [datetime.datetime(2022, 5, 6, 9, 0)]}


def test_shift_days_moves_every_date_and_time_by_the_same_span():
    moved = shift_days(
        {"a": [datetime.date(2020, 11, 6)], "b": datetime.datetime(2020, 11, 9, 17, 30), "c": 3},
        2217,
    )
    assert moved == {
        "a": [datetime.date(2026, 12, 2)],
        "b": datetime.datetime(2026, 12, 5, 17, 30),
        "c": 3,
    }


def test_the_first_date_is_the_earliest_of_the_whole_calendar():
    assert first_date(NOTICE_000) == datetime.date(2020, 10, 31)  # phase 2 registers first
    assert first_date(policy([{"code": "a", "label": "甲", "kind": "course"}])) is None


def test_a_field_takes_its_phases_dates_and_an_item_without_any_the_programmes_window():
    assert registration_of(NOTICE_000, "p2-f1").closes == datetime.date(2020, 11, 2)
    assert training_of(NOTICE_000, "p2-f1").opens == datetime.date(2020, 11, 10)
    bare = policy([{"code": "a", "label": "甲", "kind": "course"}], window={"closes": "2024-05-20"})
    assert registration_of(bare, "a").closes == datetime.date(2024, 5, 20)
    assert registration_of(bare, "a", programme_window=False) is None
    assert training_of(bare, "a") is None


def test_a_notice_in_order_has_no_calendar_warning():
    assert calendar_warnings(NOTICE_000) == []


def test_training_that_ends_before_registration_closes_is_named_once():
    """The demo's 2026 copies used to open registration in December 2026 and keep training in
    November: teachers were admitted to training already over."""
    data = NOTICE_000.model_dump(mode="json")
    data["items"][1]["registration"] = {"opens": "2020-12-01", "closes": "2020-12-23T18:00:00"}
    warnings = calendar_warnings(parse_policy(data))
    assert warnings == [
        "“第2期”的培训在 2020-12-10 结束，早于报名截止时间 2020-12-23 18:00。"
    ]  # not again for its field, which inherits both dates


def test_the_programmes_window_counts_for_items_without_their_own():
    late = policy(
        [
            {
                "code": "a",
                "label": "甲班",
                "kind": "course",
                "training": {"opens": "2024-05-01", "closes": "2024-05-10"},
            }
        ],
        window={"closes": "2024-05-20"},
    )
    assert calendar_warnings(late) == [
        "“甲班”的培训在 2024-05-10 结束，早于报名截止时间 2024-05-20。"
    ]
