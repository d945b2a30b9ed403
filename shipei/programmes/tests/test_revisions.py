"""The revision pages: every saved edit listed, what it changed in words, rolling back; and the
warnings of a chain that cannot run."""

from io import StringIO

import pytest
from django.core.management import call_command

from shipei.accounts.models import Role, RoleAssignment
from shipei.core.tests.api_helpers import api_as
from shipei.programmes import services
from shipei.programmes.models import Programme
from shipei.programmes.tests.test_editor import POLICY
from shipei.programmes.tests.test_views import _section_post

STEPS = [
    {"role": "city_admin", "label": "设区市教育局审核"},
    {"role": "provincial_admin", "label": "省教育厅审核"},
]


@pytest.fixture
def programme(zhejiang_admin):
    programme = services.programme_create(
        actor=zhejiang_admin.user,
        owner=zhejiang_admin.org,
        code="zj-2024-rev",
        title="2024年浙江省职业院校教师培训",
        year=2024,
        policy=POLICY,
    )
    services.programme_update_section(
        actor=zhejiang_admin.user,
        programme=programme,
        section="enrollment",
        data={**programme.policy["enrollment"], "approval_chain": STEPS},
        reason="增加市级审核",
    )
    return Programme.objects.get(pk=programme.pk)


def test_the_revision_list_names_each_edit_its_author_and_reason(client, zhejiang_admin, programme):
    client.force_login(zhejiang_admin.user)
    page = client.get(f"/programmes/{programme.pk}/revisions/").content.decode()
    assert "第 2 版" in page and "现行" in page and "增加市级审核" in page
    assert "第 1 版" in page and "新建" in page
    detail = client.get(f"/programmes/{programme.pk}/").content.decode()
    assert "版本记录（第 2 版）" in detail


def test_a_revision_page_says_what_changed_in_words(client, zhejiang_admin, programme):
    client.force_login(zhejiang_admin.user)
    page = client.get(f"/programmes/{programme.pk}/revisions/2/").content.decode()
    assert "与第 1 版相比" in page
    assert "报名与审核 · 审核流程" in page
    assert "省厅审核（省级管理员）" in page  # before
    assert "设区市教育局审核（市级管理员） → 省教育厅审核（省级管理员）" in page  # after
    assert "enrollment" not in page.split("<main", 1)[-1]  # no codes of the schema


def test_the_owner_rolls_back_to_an_old_revision_as_a_new_one(client, zhejiang_admin, programme):
    client.force_login(zhejiang_admin.user)
    response = client.post(
        f"/programmes/{programme.pk}/revisions/1/restore/", {"reason": "撤销误改"}
    )
    assert response.status_code == 302
    programme.refresh_from_db()
    assert programme.revision == 3
    assert [s.label for s in programme.rules.enrollment.approval_chain] == ["省厅审核"]
    assert programme.revisions.get(number=3).reason == "撤销误改"


def test_someone_not_the_owner_cannot_roll_back(client, city_admin, programme):
    client.force_login(city_admin.user)
    assert client.get(f"/programmes/{programme.pk}/revisions/2/").status_code == 200
    page = client.get(f"/programmes/{programme.pk}/revisions/1/").content.decode()
    assert "恢复为此版本" not in page
    response = client.post(f"/programmes/{programme.pk}/revisions/1/restore/")
    assert response.status_code == 403
    programme.refresh_from_db()
    assert programme.revision == 2


def test_a_programme_loaded_with_a_chain_that_cannot_run_says_so(client, national_admin, db):
    call_command("load_preset", "mohrss-integrated-teacher-training", stdout=StringIO())
    programme = Programme.objects.get(preset="mohrss-integrated-teacher-training")
    client.force_login(national_admin.user)
    page = client.get(f"/programmes/{programme.pk}/").content.decode()
    assert "审核流程无法运行" not in page  # its enrollments go into classes of the bases
    policy = {**programme.policy, "items": [{"code": "p1", "label": "第一阶段", "kind": "phase"}]}
    Programme.objects.filter(pk=programme.pk).update(policy=policy)
    page = client.get(f"/programmes/{programme.pk}/").content.decode()
    assert "审核流程无法运行" in page
    assert "由承训基地办理，但该项目的报名不指定承训基地" in page


def test_a_step_without_accounts_where_it_is_taken_is_a_warning_with_the_list(
    client, zhejiang_admin, tree, programme
):
    client.force_login(zhejiang_admin.user)
    page = client.get(f"/programmes/{programme.pk}/").content.decode()
    assert "以下审核环节暂无人办理" in page
    assert (
        "“设区市教育局审核”由市级管理员办理，但以下单位还没有市级管理员账号：杭州市教育局" in page
    )
    RoleAssignment.objects.create(user=zhejiang_admin.user, role=Role.CITY_ADMIN, org=tree["hz"])
    page = client.get(f"/programmes/{programme.pk}/").content.decode()
    assert "以下审核环节暂无人办理" not in page


def test_the_api_lists_revisions_with_their_changes_and_rolls_back(
    zhejiang_admin, city_admin, programme
):
    api = api_as(zhejiang_admin)
    body = api.get(f"/api/v1/programmes/{programme.pk}/revisions/").json()
    assert [r["number"] for r in body] == [2, 1]
    assert body[0]["reason"] == "增加市级审核" and body[0]["author"]
    assert body[0]["changes"][0]["place"] == "报名与审核 · 审核流程"
    refused = api_as(city_admin).post(
        f"/api/v1/programmes/{programme.pk}/rollback/", {"number": 1}, format="json"
    )
    assert refused.status_code == 403
    response = api.post(
        f"/api/v1/programmes/{programme.pk}/rollback/",
        {"number": 1, "reason": "撤销"},
        format="json",
    )
    assert response.status_code == 200 and response.json()["revision"] == 3
    patched = api.patch(
        f"/api/v1/programmes/{programme.pk}/",
        {"policy": {"classes": {"max_size": 40}}, "reason": "班级人数"},
        format="json",
    )
    assert patched.json()["revision"] == 4
    assert Programme.objects.get(pk=programme.pk).revisions.get(number=4).reason == "班级人数"


def test_a_reason_typed_in_the_editor_is_kept_with_the_revision(client, zhejiang_admin, programme):
    client.force_login(zhejiang_admin.user)
    page = client.get(f"/programmes/{programme.pk}/edit/enrollment/")
    assert "修改说明（可不填）" in page.content.decode()
    data = _section_post(programme, "enrollment")
    data["s-window__closes_0"] = "2024-03-25"
    data["reason"] = "按补充通知延长报名"
    response = client.post(f"/programmes/{programme.pk}/edit/enrollment/", data)
    assert response.status_code == 302
    programme.refresh_from_db()
    assert programme.revision == 3
    assert programme.revisions.get(number=3).reason == "按补充通知延长报名"
