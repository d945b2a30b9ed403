"""The items section of the editor: compact rows, one item's form opened in its row (htmx)."""

import re
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from shipei.audit.models import AuditEntry
from shipei.orgs.models import Region
from shipei.programmes.forms import ItemForm
from shipei.programmes.models import Programme
from shipei.programmes.tests.test_editor import editor_post_form
from shipei.programmes.tests.test_views import _zj_programme
from shipei.quotas.models import Quota

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def programme(zhejiang_admin: Any) -> Programme:
    return _zj_programme(zhejiang_admin)


def item_post(programme: Programme, of: str | None, **changes: str) -> dict[str, Any]:
    """What the browser sends for the form of item `of` (None: a new one), some inputs changed."""
    item = programme.rules.item(of) if of else None
    data = editor_post_form(ItemForm(rules=programme.rules, item=item))
    return {**data, **{f"item-{k}": v for k, v in changes.items()}}


def test_the_items_section_is_one_compact_row_per_item_without_forms(client, zhejiang_admin):
    call_command("load_preset", "zj-2020-vocational-teacher", stdout=StringIO())
    programme = Programme.objects.get(code="zj-2020-vocational-teacher")
    client.force_login(zhejiang_admin.user)
    response = client.get(f"/programmes/{programme.pk}/edit/items/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "共 45 个培训项目" in page
    assert len(re.findall(r'<li class="sp-item[ "]', page)) == 45
    assert page.count(">编辑</a>") == 45
    assert 'name="item-' not in page and "<textarea" not in page  # no form until one is opened
    assert "建筑信息模型（BIM）职业技能等级证书" in page
    assert "80 学时 · 10 天 · 收费不超过 3,200 元" in page
    # Items that quotas name keep their rows but cannot be removed.
    assert "已被名额或项目使用，不可删除" in page
    assert len(page.encode()) < 150 * 1024


def test_edit_opens_the_items_form_in_its_row(client, zhejiang_admin, programme):
    client.force_login(zhejiang_admin.user)
    response = client.get(f"/programmes/{programme.pk}/items/p1/edit/", **HTMX)
    page = response.content.decode()
    assert response.status_code == 200
    assert page.startswith('<li class="sp-item sp-item-editing" id="item-p1">')
    assert "编辑培训项目：第1期" in page and "<html" not in page
    assert 'name="item-registration__opens_0" value="2024-02-29"' in page
    assert f'hx-post="/programmes/{programme.pk}/items/p1/edit/"' in page
    # Without scripts the same address is a page of its own.
    page = client.get(f"/programmes/{programme.pk}/items/p1/edit/").content.decode()
    assert "<html" in page and "编辑培训项目：第1期" in page


def test_saving_one_item_returns_its_new_row_and_changes_nothing_else(
    client, zhejiang_admin, programme
):
    client.force_login(zhejiang_admin.user)
    data = item_post(programme, "p2", label="第2期（线上）", hours="20", days="3")
    response = client.post(f"/programmes/{programme.pk}/items/p2/edit/", data, **HTMX)
    page = response.content.decode()
    assert response.status_code == 200
    assert page.startswith('<li class="sp-item" id="item-p2">')
    assert "第2期（线上）" in page and "20 学时 · 3 天" in page
    assert "已保存“第2期（线上）”。" in page and 'hx-swap-oob="innerHTML"' in page
    saved = Programme.objects.get(pk=programme.pk)
    assert saved.rules.item("p2").label == "第2期（线上）"
    assert saved.rules.item("p1") == programme.rules.item("p1")
    assert AuditEntry.objects.get(action="programme.updated").data == {
        "section": "items",
        "revision": 2,
    }


def test_without_scripts_saving_returns_to_the_list_with_a_message(
    client, zhejiang_admin, programme
):
    client.force_login(zhejiang_admin.user)
    data = item_post(programme, "p2", label="第二期")
    response = client.post(f"/programmes/{programme.pk}/items/p2/edit/", data)
    assert response.status_code == 302
    assert response.url == f"/programmes/{programme.pk}/edit/items/#item-p2"
    assert "已保存“第二期”。" in client.get(response.url).content.decode()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"registration__opens_0": "2024-05-01", "registration__closes_0": "2024-04-01"},
            "结束时间早于开始时间",
        ),
        ({"code": "第二期"}, "只能包含字母、数字、下划线、点和连字符"),
        ({"code": "p1"}, "培训项目代码重复：p1"),
        ({"hours": "-1"}, "确保该值大于或等于0"),
        ({"label": ""}, "该字段是必填项"),
    ],
)
def test_bad_input_is_shown_beside_the_field_keeps_what_was_typed_and_changes_nothing(
    client, zhejiang_admin, programme, changes, message
):
    client.force_login(zhejiang_admin.user)
    data = item_post(programme, "p2", **changes)
    response = client.post(f"/programmes/{programme.pk}/items/p2/edit/", data, **HTMX)
    page = response.content.decode()
    assert response.status_code == 200
    assert page.startswith('<li class="sp-item sp-item-editing" id="item-p2">')
    assert message in page
    for name, value in changes.items():
        if value:
            assert f'name="item-{name}" value="{value}"' in page
    assert Programme.objects.get(pk=programme.pk).policy == programme.policy
    assert not AuditEntry.objects.filter(action="programme.updated").exists()


def test_a_window_error_is_shown_beside_the_items_end(client, zhejiang_admin, programme):
    client.force_login(zhejiang_admin.user)
    data = item_post(
        programme, "p2", training__opens_0="2024-05-10", training__closes_0="2024-05-01"
    )
    page = client.post(f"/programmes/{programme.pk}/items/p2/edit/", data, **HTMX)
    page = page.content.decode()
    closes = page.index('name="item-training__closes_0"')
    assert 0 < page.index("结束时间早于开始时间") - closes < 1500


def test_an_item_is_added_at_the_end_of_the_list(client, zhejiang_admin, programme):
    client.force_login(zhejiang_admin.user)
    form = client.get(f"/programmes/{programme.pk}/items/new/", **HTMX).content.decode()
    assert "添加培训项目" in form and 'name="item-code"' in form
    data = item_post(programme, None, code="p3", label="第3期", kind="phase")
    response = client.post(f"/programmes/{programme.pk}/items/new/", data, **HTMX)
    page = response.content.decode()
    assert response.status_code == 200
    assert (response["HX-Retarget"], response["HX-Reswap"]) == ("#item-list", "beforeend")
    assert page.startswith('<li class="sp-item" id="item-p3">') and "已添加“第3期”。" in page
    assert '<div id="item-new" hx-swap-oob="innerHTML">' in page  # the form closes
    saved = Programme.objects.get(pk=programme.pk)
    assert [i.code for i in saved.rules.items] == ["p1", "p2", "p3"]


def test_a_new_item_with_a_taken_code_is_refused(client, zhejiang_admin, programme):
    client.force_login(zhejiang_admin.user)
    data = item_post(programme, None, code="p2", label="又一个第2期", kind="phase")
    response = client.post(f"/programmes/{programme.pk}/items/new/", data, **HTMX)
    page = response.content.decode()
    assert "HX-Retarget" not in response
    assert "培训项目代码重复：p2" in page and 'value="又一个第2期"' in page
    assert Programme.objects.get(pk=programme.pk).policy == programme.policy


def test_an_item_is_removed_and_its_row_goes(client, zhejiang_admin, programme):
    client.force_login(zhejiang_admin.user)
    response = client.post(f"/programmes/{programme.pk}/items/p2/remove/", **HTMX)
    page = response.content.decode()
    assert response.status_code == 200
    assert "<li" not in page and "已删除“第2期”。" in page
    assert [i.code for i in Programme.objects.get(pk=programme.pk).rules.items] == ["p1"]


def test_an_item_quotas_name_cannot_be_removed_nor_its_code_changed(
    client, zhejiang_admin, programme
):
    Quota.objects.create(
        programme=programme, item="p2", region=Region.objects.get(code="330100"), seats=5
    )
    client.force_login(zhejiang_admin.user)
    page = client.get(f"/programmes/{programme.pk}/edit/items/").content.decode()
    assert page.count(">删除</button>") == 1  # p1 only
    response = client.post(f"/programmes/{programme.pk}/items/p2/remove/", **HTMX)
    page = response.content.decode()
    assert page.startswith('<li class="sp-item" id="item-p2">')
    assert "已被名额或申报项目使用，不能删除或修改代码" in page
    form = client.get(f"/programmes/{programme.pk}/items/p2/edit/", **HTMX).content.decode()
    assert re.search(r'name="item-code"[^>]*disabled', form)
    data = item_post(programme, "p2", code="p2x", label="第2期（改）")
    client.post(f"/programmes/{programme.pk}/items/p2/edit/", data, **HTMX)
    saved = Programme.objects.get(pk=programme.pk)
    assert [i.code for i in saved.rules.items] == ["p1", "p2"]  # the typed code is ignored
    assert saved.rules.item("p2").label == "第2期（改）"


def test_cancel_brings_the_row_back(client, zhejiang_admin, programme):
    client.force_login(zhejiang_admin.user)
    page = client.get(f"/programmes/{programme.pk}/items/p1/row/", **HTMX).content.decode()
    assert page.startswith('<li class="sp-item" id="item-p1">') and "第1期" in page
    page = client.get(f"/programmes/{programme.pk}/items/new/?cancel=1", **HTMX).content.decode()
    assert "添加培训项目" in page and "<form" not in page


def test_the_items_page_warns_of_training_that_ends_before_registration_closes(
    client, zhejiang_admin, programme
):
    client.force_login(zhejiang_admin.user)
    page = client.get(f"/programmes/{programme.pk}/edit/items/").content.decode()
    assert "培训在报名截止前就已结束" not in page
    data = item_post(
        programme, "p1", training__opens_0="2024-03-01", training__closes_0="2024-03-03"
    )
    response = client.post(f"/programmes/{programme.pk}/items/p1/edit/", data, **HTMX)
    page = response.content.decode()
    assert "培训结束早于报名截止" in page  # on the row, and saved all the same
    assert "“第1期”的培训在 2024-03-03 结束，早于报名截止时间 2024-03-05 17:30。" in page
    assert Programme.objects.get(pk=programme.pk).rules.item("p1").training is not None
    page = client.get(f"/programmes/{programme.pk}/edit/items/").content.decode()
    assert "1 个培训项目的培训在报名截止前就已结束" in page


def test_other_provinces_get_403_and_trainees_404(
    client, zhejiang_admin, jiangsu_admin, trainee, programme
):
    data = item_post(programme, "p2", label="改名")
    for actor, status in ((jiangsu_admin, 403), (trainee, 404)):
        client.force_login(actor.user)
        assert client.get(f"/programmes/{programme.pk}/edit/items/").status_code == status
        assert client.get(f"/programmes/{programme.pk}/items/p2/edit/").status_code == status
        assert client.post(f"/programmes/{programme.pk}/items/p2/edit/", data).status_code == status
        assert client.post(f"/programmes/{programme.pk}/items/new/", data).status_code == status
        assert client.post(f"/programmes/{programme.pk}/items/p2/remove/").status_code == status
    assert Programme.objects.get(pk=programme.pk).policy == programme.policy


def test_an_unknown_item_is_not_found(client, zhejiang_admin, programme):
    client.force_login(zhejiang_admin.user)
    assert client.get(f"/programmes/{programme.pk}/items/p9/edit/").status_code == 404
    assert client.post(f"/programmes/{programme.pk}/items/p9/remove/").status_code == 404


def test_a_prerequisite_row_added_by_the_button_offers_the_other_items(
    client, zhejiang_admin, programme
):
    """The blank row that "添加一行（先修项目）" copies chooses the item among the programme's
    others, as the saved rows do; it was a box asking for a code (项目代码)."""
    client.force_login(zhejiang_admin.user)
    page = client.get(f"/programmes/{programme.pk}/items/p2/edit/").content.decode()
    template = page[page.index('<template class="sp-row-template"', page.index("rows-requires")) :]
    template = template[: template.index("</template>")]
    assert '<select name="requires-__prefix__-item"' in template
    assert '<option value="p1">第1期（p1）</option>' in template
    assert "项目代码" not in template and 'value="p2"' not in template
