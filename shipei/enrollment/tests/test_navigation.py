"""Where the approver's pages sit: 待我审核 is a view of 报名管理, and an enrollment opened from
it keeps that trail, also after the decision (navigation.py)."""

import pytest
from django.urls import reverse

from .conftest import teacher_at
from .test_views import nominate

pytestmark = pytest.mark.django_db

LIST = reverse("enrollment:list")
AWAITING = reverse("enrollment:awaiting")


def test_awaiting_sits_under_enrollment_management(client, city_admin):
    client.force_login(city_admin.user)
    response = client.get(AWAITING)
    assert response.context["breadcrumbs"] == [("报名管理", LIST), ("待我审核", None)]
    page = response.content.decode()
    assert f'<li class="breadcrumb-item"><a href="{LIST}">报名管理</a></li>' in page
    assert '<li class="breadcrumb-item active" aria-current="page">待我审核</li>' in page


def test_rows_of_awaiting_open_the_enrollment_in_the_awaiting_trail(
    client, tree, nomination_programme, school_coordinator, city_admin
):
    enrollment = nominate(school_coordinator, nomination_programme, teacher_at(tree["hz_school"]))
    client.force_login(city_admin.user)
    opened = f"{enrollment.get_absolute_url()}?from=awaiting"
    assert f'href="{opened}"' in client.get(AWAITING).content.decode()

    response = client.get(opened)
    assert response.context["breadcrumbs"] == [
        ("报名管理", LIST),
        ("待我审核", AWAITING),
        (enrollment.person.name, None),
    ]
    assert [i["label"] for i in response.context["nav_items"] if i["active"]] == ["待我审核"]
    plain = client.get(enrollment.get_absolute_url())
    assert [i["label"] for i in plain.context["nav_items"] if i["active"]] == ["报名管理"]


def test_the_trail_back_to_awaiting_stays_after_the_decision(
    client, tree, nomination_programme, school_coordinator, city_admin
):
    enrollment = nominate(school_coordinator, nomination_programme, teacher_at(tree["hz_school"]))
    client.force_login(city_admin.user)
    form = client.get(f"{enrollment.get_absolute_url()}?from=awaiting").content.decode()
    assert '<input type="hidden" name="from" value="awaiting">' in form

    response = client.post(
        reverse("enrollment:decide", args=[enrollment.pk]),
        {"decision": "approve", "from": "awaiting"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == f"{enrollment.get_absolute_url()}?from=awaiting"
    assert "已通过。" in response.content.decode()
    assert ("待我审核", AWAITING) in response.context["breadcrumbs"]


def test_an_enrollment_opened_from_the_list_after_its_decision_sits_under_the_list(
    client, tree, nomination_programme, school_coordinator, city_admin
):
    enrollment = nominate(school_coordinator, nomination_programme, teacher_at(tree["hz_school"]))
    client.force_login(city_admin.user)
    client.post(reverse("enrollment:decide", args=[enrollment.pk]), {"decision": "approve"})
    response = client.get(enrollment.get_absolute_url())
    assert response.context["breadcrumbs"] == [("报名管理", LIST), (enrollment.person.name, None)]
