from io import StringIO

import pytest
from django.core.management import call_command

from shipei.programmes.models import Programme


@pytest.fixture
def loaded(db):
    call_command("load_preset", "--all", stdout=StringIO())


def test_admins_see_the_programmes_in_the_menu_and_list(client, zhejiang_admin, loaded):
    client.force_login(zhejiang_admin.user)
    page = client.get("/programmes/").content.decode()
    assert "培训计划" in page
    assert "浙教办函〔2020〕262号" in page
    assert page.count("/programmes/") >= 5


def test_the_notice_table_shows_its_contradictions_as_a_warning(client, zhejiang_admin, loaded):
    programme = Programme.objects.get(code="zj-2020-vocational-teacher")
    client.force_login(zhejiang_admin.user)
    page = client.get(f"/programmes/{programme.pk}/").content.decode()
    assert "通知原表有 11 处合计与明细不符" in page
    assert "印合计 85，明细之和 86" in page
    assert "按需报名" in page and "杭州市" in page


def test_a_table_without_contradictions_shows_no_warning(client, national_admin, loaded):
    programme = Programme.objects.get(code="moe-2020-innovation-team-online")
    client.force_login(national_admin.user)
    page = client.get(f"/programmes/{programme.pk}/").content.decode()
    assert "合计与明细不符" not in page
    assert "5G移动网络运维" in page and "北京" in page
    assert "处数字依据合计等印刷数据复原" in page


def test_a_programme_without_a_quota_table_shows_its_items(client, base_admin, loaded):
    programme = Programme.objects.get(code="moe-2024-national-base-projects")
    client.force_login(base_admin.user)
    page = client.get(f"/programmes/{programme.pk}/").content.decode()
    assert "学校联系人报名、基地核准" in page and "通知附表" not in page


def test_trainees_have_no_programme_administration(client, trainee, loaded):
    client.force_login(trainee.user)
    assert client.get("/programmes/").status_code == 403
    programme = Programme.objects.first()
    assert client.get(f"/programmes/{programme.pk}/").status_code == 404
