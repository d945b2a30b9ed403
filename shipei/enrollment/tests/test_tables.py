"""The enrollment lists, like every list built on core/_table_body.html, carry what its phone card needs (core/tables.py):
each cell's column header as its label and its place on the card."""

import re

import pytest
from django.urls import reverse

from .conftest import teacher_at
from .test_views import nominate

pytestmark = pytest.mark.django_db


def cells(page: str, name: str) -> dict[str, str]:
    """data-label -> the data-card role of each cell of the row naming `name`."""
    row = next(r for r in re.findall(r"<tr[^>]*>.*?</tr>", page, re.S) if name in r)
    return {
        label: role
        for attrs in re.findall(r"<td([^>]*)>", row)
        for label in re.findall(r'data-label="([^"]*)"', attrs)
        for role in re.findall(r'data-card="([^"]*)"', attrs) or [""]
    }


def test_awaiting_rows_carry_their_card_roles_and_labels(
    client, tree, nomination_programme, school_coordinator, city_admin
):
    person = teacher_at(tree["hz_school"], name="王海涛")
    nominate(school_coordinator, nomination_programme, person)
    client.force_login(city_admin.user)
    page = client.get(reverse("enrollment:awaiting")).content.decode()
    roles = cells(page, "王海涛")
    assert roles["姓名"] == "title"
    assert roles["状态"] == "badge"
    assert roles["操作"] == "action"
    assert roles["身份证号"] == "minor"
    assert roles["培训项目"] == "" and roles["当前环节（办理人）"] == "field"
    assert roles["班次"] == "hide"  # no class named: nothing to show on the card
    assert roles["全选"] == "check"
    # The name never breaks mid-word in the wide table.
    assert re.search(r'<td data-card="title" class="text-nowrap"[^>]*>.{0,80}>王海涛</a>', page)
    # The row's checkbox sits in a 44 px label; 全选 has its word for the phone card view.
    assert 'aria-label="选择“王海涛”"' in page and '<label class="sp-check">' in page
    assert '<span class="sp-check-all-word">全选</span>' in page
