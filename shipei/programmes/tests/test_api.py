"""Programmes over the API: same scope and services as the pages, one error shape."""

from io import StringIO

import pytest
from django.core.management import call_command

from shipei.audit.models import AuditEntry
from shipei.core import recent
from shipei.core.tests.api_helpers import api_as, error
from shipei.presets import loader
from shipei.programmes import selectors
from shipei.programmes.api import ProgrammeField
from shipei.programmes.models import Programme
from shipei.programmes.services import programme_create, programme_update_section
from shipei.programmes.tests.test_editor import POLICY


@pytest.fixture
def loaded(db):
    call_command("load_preset", "--all", stdout=StringIO())


@pytest.fixture
def zj_programme(zhejiang_admin):
    return programme_create(
        actor=zhejiang_admin.user,
        owner=zhejiang_admin.org,
        code="zj-2024-demo",
        title="2024年浙江省职业院校教师培训",
        year=2024,
        policy=POLICY,
    )


def fresh(programme):
    return Programme.objects.get(pk=programme.pk)


def test_admins_list_and_read_programmes_with_their_policy(city_admin, zj_programme):
    api = api_as(city_admin)
    body = api.get("/api/v1/programmes/").json()
    assert [p["code"] for p in body["results"]] == ["zj-2024-demo"]
    detail = api.get(f"/api/v1/programmes/{zj_programme.pk}/").json()
    assert detail["policy"]["items"][0]["code"] == "p1"
    assert detail["owner"] == zj_programme.owner_id


def test_trainees_see_no_programmes(trainee, zj_programme):
    api = api_as(trainee)
    assert api.get("/api/v1/programmes/").json()["results"] == []
    error(api.get(f"/api/v1/programmes/{zj_programme.pk}/"), 404, "not_found")


def test_a_provincial_admin_creates_a_programme(zhejiang_admin):
    response = api_as(zhejiang_admin).post(
        "/api/v1/programmes/",
        {
            "owner": zhejiang_admin.org.pk,
            "code": "zj-2025",
            "title": "2025年培训",
            "year": 2025,
            "policy": POLICY,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert Programme.objects.get(code="zj-2025").owner == zhejiang_admin.org
    assert AuditEntry.objects.filter(action="programme.created").count() == 1


def test_a_city_admin_creating_is_refused(city_admin):
    body = error(
        api_as(city_admin).post(
            "/api/v1/programmes/",
            {"owner": city_admin.org.pk, "code": "x", "title": "x", "policy": POLICY},
            format="json",
        ),
        403,
        "not_permitted",
    )
    assert "无权" in body["message"]
    assert not Programme.objects.exists()


def test_an_unknown_policy_key_is_refused_with_place_and_reason(zhejiang_admin):
    body = error(
        api_as(zhejiang_admin).post(
            "/api/v1/programmes/",
            {
                "owner": zhejiang_admin.org.pk,
                "code": "zj-2025",
                "title": "2025年培训",
                "policy": {**POLICY, "quota": {"scope": "city", "seets": 3}},
            },
            format="json",
        ),
        400,
        "invalid",
    )
    assert body["fields"]["policy"] == ["quota.seets：不允许的字段（可能拼写有误）"]
    assert "quota.seets：不允许的字段" in body["message"]
    assert not Programme.objects.exists()


def test_a_table_the_programme_does_not_hold_is_refused_at_its_place(zhejiang_admin, zj_programme):
    body = error(
        api_as(zhejiang_admin).patch(
            f"/api/v1/programmes/{zj_programme.pk}/",
            {"policy": {"quota": {"scope": "city", "table": "000_quota.json"}}},
            format="json",
        ),
        400,
        "invalid",
    )
    assert body["fields"]["policy"] == ["quota.table：本培训计划没有这张通知附表"]
    assert fresh(zj_programme).rules.quota.table is None


def test_a_section_is_replaced_and_the_rest_kept(zhejiang_admin, zj_programme):
    response = api_as(zhejiang_admin).patch(
        f"/api/v1/programmes/{zj_programme.pk}/",
        {"policy": {"assessment": {"pass_mark": 60}}, "title": "新名称"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["policy"]["assessment"]["pass_mark"] == "60"
    programme = fresh(zj_programme)
    assert programme.title == "新名称"
    assert programme.rules.milestones[0].code == "plan"
    assert AuditEntry.objects.filter(
        action="programme.updated", data__section="assessment"
    ).exists()


@pytest.mark.parametrize(
    ("policy", "message"),
    [
        ({"classes": {"max_size": -1}}, "classes.max_size：数值过小"),
        (
            {
                "enrollment": {
                    "channels": ["nomination"],
                    "window": {"opens": "2024-05-02", "closes": "2024-05-01"},
                }
            },
            "enrollment.window：结束时间早于开始时间",
        ),
        ({"classes": {"max_sise": 30}}, "classes.max_sise：不允许的字段（可能拼写有误）"),
        ("assessment", "应为 JSON 对象"),
        ({"quotas": {}}, "没有名为“quotas”的政策部分"),
        ({}, "请至少提交一个政策部分"),
    ],
)
def test_bad_policy_changes_are_refused_in_chinese_and_change_nothing(
    zhejiang_admin, zj_programme, policy, message
):
    before = fresh(zj_programme).policy
    body = error(
        api_as(zhejiang_admin).patch(
            f"/api/v1/programmes/{zj_programme.pk}/",
            {"policy": policy, "title": "不应保存"},
            format="json",
        ),
        400,
    )
    assert message in str(body), body
    programme = fresh(zj_programme)
    assert programme.policy == before and programme.title != "不应保存"


def test_a_provincial_admin_may_not_change_a_ministry_programme(zhejiang_admin, loaded):
    programme = Programme.objects.get(code="moe-2024-national-base-projects")
    api = api_as(zhejiang_admin)
    error(
        api.patch(f"/api/v1/programmes/{programme.pk}/", {"policy": {"credit": {}}}, format="json"),
        403,
        "not_permitted",
    )
    error(
        api.post(
            f"/api/v1/programmes/{programme.pk}/clone/",
            {"year": 2025, "code": "x"},
            format="json",
        ),
        403,
    )
    assert fresh(programme).rules.credit.counts_as_continuing_education is True


def test_another_province_may_not_change_it_either(jiangsu_admin, zj_programme):
    error(
        api_as(jiangsu_admin).patch(
            f"/api/v1/programmes/{zj_programme.pk}/", {"title": "改"}, format="json"
        ),
        403,
    )


def test_clone_moves_dates_to_the_new_year(zhejiang_admin, zj_programme):
    response = api_as(zhejiang_admin).post(
        f"/api/v1/programmes/{zj_programme.pk}/clone/",
        {"year": 2025, "code": "zj-2025-demo"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["year"] == 2025 and body["title"] == "2025年浙江省职业院校教师培训"
    assert body["policy"]["enrollment"]["window"] == {"opens": "2025-02-28", "closes": "2025-03-20"}
    assert body["policy"]["items"][0]["registration"]["opens"] == "2025-02-28"


def test_clone_can_move_the_whole_calendar_by_days(zhejiang_admin, zj_programme):
    response = api_as(zhejiang_admin).post(
        f"/api/v1/programmes/{zj_programme.pk}/clone/",
        {"year": 2026, "code": "zj-2026-demo", "days": 1008},
        format="json",
    )
    assert response.status_code == 201, response.json()
    policy = response.json()["policy"]
    assert policy["items"][0]["registration"]["opens"] == "2026-12-03"  # was 2024-02-29
    assert policy["enrollment"]["window"] == {"opens": "2026-12-03", "closes": "2026-12-23"}


def test_a_national_admin_reloading_a_preset_keeps_an_api_edit(national_admin, loaded):
    programme = Programme.objects.get(preset="moe-2024-national-base-projects")
    response = api_as(national_admin).patch(
        f"/api/v1/programmes/{programme.pk}/",
        {"policy": {"classes": {"max_size": 40}}},
        format="json",
    )
    assert response.status_code == 200
    assert loader.preset_load("moe-2024-national-base-projects") == "kept"
    assert fresh(programme).rules.classes.max_size == 40


# --- what busy paths keep of a programme between requests, and when they see a change ---


def deferred(programme: Programme) -> Programme:
    return Programme.objects.defer("notice_text", "policy").get(pk=programme.pk)


def test_a_saved_policy_is_parsed_once_and_a_new_save_is_seen(zhejiang_admin, zj_programme):
    first, second = deferred(zj_programme), deferred(zj_programme)
    assert first.rules is second.rules  # one parse for both requests
    window = {"opens": "2024-02-29", "closes": "2024-03-15"}
    enrollment = {**zj_programme.policy["enrollment"], "window": window}
    programme_update_section(
        actor=zhejiang_admin.user, programme=zj_programme, section="enrollment", data=enrollment
    )
    again = deferred(zj_programme)
    assert again.rules is not first.rules
    assert str(again.rules.enrollment.window.closes) == "2024-03-15"


def test_a_programme_read_a_moment_ago_is_seen_changed_at_once_here_and_soon_elsewhere(
    zhejiang_admin, zj_programme, monkeypatch
):
    clock = [1000.0]
    monkeypatch.setattr(recent.time, "monotonic", lambda: clock[0])
    assert selectors.programme_recent(zj_programme.pk).title == zj_programme.title
    # Saved in this process: seen at once.
    zj_programme.title = "改名后的计划"
    zj_programme.save()
    assert selectors.programme_recent(zj_programme.pk).title == "改名后的计划"
    # Changed by another process (no signal here): seen once the few seconds are over.
    Programme.objects.filter(pk=zj_programme.pk).update(title="另一台服务器改的名")
    assert selectors.programme_recent(zj_programme.pk).title == "改名后的计划"
    clock[0] += selectors._RECENT.seconds + 0.1
    assert selectors.programme_recent(zj_programme.pk).title == "另一台服务器改的名"
    # Each caller has its own copy: changing one changes nothing kept.
    mine = selectors.programme_recent(zj_programme.pk)
    mine.title = "只在这次请求里"
    assert selectors.programme_recent(zj_programme.pk).title == "另一台服务器改的名"


@pytest.mark.parametrize(
    ("given", "message"),
    [
        (True, "请填写培训计划编号（整数）。"),
        ("１２", "请填写培训计划编号（整数）。"),
        ("²", "请填写培训计划编号（整数）。"),
        (2**70, "未找到该培训计划。"),
        (0, "未找到该培训计划。"),
        (-3, "未找到该培训计划。"),
    ],
)
def test_a_programme_number_in_an_input_is_checked(db, given, message):
    from rest_framework.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        ProgrammeField().to_internal_value(given)
    assert str(refused.value.detail[0]) == message


def test_a_programme_number_as_text_is_read_too(zj_programme):
    assert ProgrammeField().to_internal_value(str(zj_programme.pk)).pk == zj_programme.pk
