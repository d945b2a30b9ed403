"""Dates far outside any programme (year 9999, year 1) are refused where people type them, in
forms and in the API, with the range in the message; a policy saved before still reads."""

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from shipei.core import dates
from shipei.core.tests.api_helpers import api_as, error
from shipei.programmes.forms.identity import CloneForm
from shipei.programmes.forms.inputs import MomentField
from shipei.programmes.models import Programme
from shipei.programmes.services import programme_create
from shipei.programmes.tests.test_editor import POLICY
from shipei.projects.forms import ClassForm

RANGE = "请填写 2000 年至 2100 年之间的日期"


@pytest.mark.parametrize(
    ("value", "refused"),
    [
        (datetime.date(9999, 12, 31), True),
        (datetime.date(1, 1, 1), True),
        (datetime.date(1999, 12, 31), True),
        (datetime.datetime(2101, 1, 1, 9, 0), True),
        (datetime.date(2000, 1, 1), False),
        (datetime.date(2100, 12, 31), False),
        (None, False),
    ],
)
def test_the_range_runs_from_2000_to_2100(value: Any, refused: bool) -> None:
    message = dates.out_of_range(value)

    assert bool(message) is refused
    if refused:
        assert RANGE in message and value.strftime("%Y") in message


@pytest.fixture
def zj_programme(zhejiang_admin: Any) -> Programme:
    return programme_create(
        actor=zhejiang_admin.user,
        owner=zhejiang_admin.org,
        code="zj-2024-demo",
        title="2024年浙江省职业院校教师培训",
        year=2024,
        policy=POLICY,
    )


def test_the_api_refuses_a_notice_date_in_year_1(zhejiang_admin: Any, zj_programme: Any) -> None:
    response = api_as(zhejiang_admin).patch(
        f"/api/v1/programmes/{zj_programme.pk}/", {"issued_on": "0001-01-01"}, format="json"
    )

    body = error(response, 400, "invalid")
    assert RANGE in body["fields"]["issued_on"][0]
    zj_programme.refresh_from_db()
    assert zj_programme.issued_on is None


@pytest.mark.parametrize("closes", ["9999-12-31", "9999-12-31T23:00:00"])
def test_the_api_refuses_a_registration_window_closing_in_year_9999(
    zhejiang_admin: Any, zj_programme: Any, closes: str
) -> None:
    enrollment = {**zj_programme.policy["enrollment"], "window": {"closes": closes}}

    response = api_as(zhejiang_admin).patch(
        f"/api/v1/programmes/{zj_programme.pk}/",
        {"policy": {"enrollment": enrollment}},
        format="json",
    )

    body = error(response, 400, "invalid")
    assert f"enrollment.window.closes：日期超出合理范围：{RANGE}" in body["message"]
    assert Programme.objects.get(pk=zj_programme.pk).policy == zj_programme.policy


def test_forms_refuse_such_dates_beside_the_field() -> None:
    classes = ClassForm(data={"starts_on": "9999-01-01", "ends_on": "0001-01-01", "capacity": 30})
    clone = CloneForm(
        data={"year": 2025, "code": "c", "starts_on": "9999-01-01"},
        first_date=datetime.date(2024, 3, 1),
    )

    assert not classes.is_valid() and not clone.is_valid()
    assert RANGE in classes.errors["starts_on"][0] and RANGE in classes.errors["ends_on"][0]
    assert RANGE in clone.errors["starts_on"][0]


def test_the_policy_editor_refuses_such_a_window_date() -> None:
    field = MomentField(label="报名时间（结束）")

    with pytest.raises(ValidationError) as refused:
        field.clean(["9999-12-31", "17:00"])

    assert RANGE in refused.value.messages[0]
    assert field.clean(["2024-03-01", ""]) == datetime.date(2024, 3, 1)


def test_a_policy_saved_before_the_range_still_reads(
    client: Any, zhejiang_admin: Any, zj_programme: Any
) -> None:
    policy = {**zj_programme.policy}
    policy["enrollment"] = {**policy["enrollment"], "window": {"closes": "9999-12-31"}}
    Programme.objects.filter(pk=zj_programme.pk).update(policy=policy)
    client.force_login(zhejiang_admin.user)

    programme = Programme.objects.get(pk=zj_programme.pk)

    assert programme.rules.enrollment.window.closes == datetime.date(9999, 12, 31)
    assert client.get(programme.get_absolute_url()).status_code == 200
