"""Programme services and the section editors built from the policy models."""

import datetime
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.http import QueryDict

from shipei.audit.models import AuditEntry
from shipei.core.errors import NotPermitted
from shipei.orgs.models import Region
from shipei.presets import loader
from shipei.programmes.errors import (
    ItemHasChildren,
    ItemInUse,
    ItemMissing,
    LastItem,
    PolicyInvalid,
    UnknownSection,
)
from shipei.programmes.forms import ItemForm, SectionEditor
from shipei.programmes.models import Programme
from shipei.programmes.services import (
    SECTIONS,
    programme_clone,
    programme_create,
    programme_item_remove,
    programme_item_save,
    programme_update,
    programme_update_section,
)
from shipei.quotas.layout import table_layout
from shipei.quotas.models import Quota

POLICY = {
    "items": [
        {
            "code": "p1",
            "label": "第1期",
            "kind": "phase",
            "hours": 10,
            "registration": {"opens": "2024-02-29", "closes": "2024-03-05T17:30:00"},
        },
        {"code": "p2", "label": "第2期", "kind": "phase"},
    ],
    "enrollment": {
        "channels": ["nomination"],
        "approval_chain": [
            {"role": "provincial_admin", "label": "省厅审核", "deadline": "2024-03-10"}
        ],
        "window": {"opens": "2024-02-29", "closes": "2024-03-20"},
    },
    "quota": {"scope": "city"},
    "milestones": [{"code": "plan", "label": "报送方案", "due": "2024-04-01"}],
}


@pytest.fixture
def loaded(db: Any) -> None:
    call_command("load_preset", "--all", stdout=StringIO())


@pytest.fixture
def zj_programme(zhejiang_admin: Any) -> Programme:
    return programme_create(
        actor=zhejiang_admin.user,
        owner=zhejiang_admin.org,
        code="zj-2024-demo",
        title="2024年浙江省职业院校教师培训",
        year=2024,
        issuer="浙江省教育厅",
        document_number="浙教函〔2024〕1号",
        issued_on=datetime.date(2024, 2, 1),
        policy=POLICY,
    )


def editor_post_form(form: forms.BaseForm) -> dict[str, Any]:
    """What a browser sends back for a form left as it was shown (an item's form with the rows
    of its prerequisites and its own approval chain)."""
    data: dict[str, Any] = {}
    _put(form, data)
    for rows in (getattr(form, "requires", None), getattr(form, "chain", None)):
        if rows is not None:
            _put(rows.formset.management_form, data)
            for row in rows.formset.forms:
                _put(row, data)
    return data


def editor_post(editor: SectionEditor) -> dict[str, Any]:
    """What a browser sends back for an editor left as it was shown."""
    data: dict[str, Any] = {}

    def put(form: forms.BaseForm) -> None:
        _put(form, data)

    if editor.form is not None:
        put(editor.form)
    for rows in editor.rows:
        put(rows.formset.management_form)
        for form in rows.formset.forms:
            put(form)
    return data


def _put(form: forms.BaseForm, data: dict[str, Any]) -> None:
    for bf in form:
        value = bf.value()
        widget = bf.field.widget
        if isinstance(widget, forms.MultiWidget):
            parts = widget.decompress(value) if not isinstance(value, list) else value
            for i, part in enumerate(parts):
                data[f"{bf.html_name}_{i}"] = (
                    "" if part is None else part.isoformat()[: 10 if i == 0 else 5]
                )
        elif isinstance(bf.field, forms.BooleanField):
            if value:
                data[bf.html_name] = "on"
        elif isinstance(bf.field, forms.MultipleChoiceField):
            data[bf.html_name] = list(value or [])
        elif isinstance(value, datetime.date):
            data[bf.html_name] = value.isoformat()
        else:
            data[bf.html_name] = "" if value is None else str(value)


def as_querydict(data: dict[str, Any]) -> QueryDict:
    q = QueryDict(mutable=True)
    for key, value in data.items():
        if isinstance(value, list):
            q.setlist(key, [str(v) for v in value])
        else:
            q[key] = str(value)
    return q


def test_create_validates_the_policy_and_records_who_created_it(zj_programme, zhejiang_admin):
    assert zj_programme.rules.item("p1").hours == 10
    assert zj_programme.created_by == zhejiang_admin.user
    entry = AuditEntry.objects.get(action="programme.created")
    assert entry.actor == zhejiang_admin.user and entry.org == zhejiang_admin.org


def test_a_city_admin_may_not_create_programmes(city_admin):
    with pytest.raises(NotPermitted):
        programme_create(
            actor=city_admin.user,
            owner=city_admin.org,
            code="x",
            title="x",
            year=2024,
            policy=POLICY,
        )
    assert not Programme.objects.exists()


def test_a_provincial_admin_may_not_create_a_ministry_programme(zhejiang_admin, jiangsu_admin):
    with pytest.raises(NotPermitted):
        programme_create(
            actor=zhejiang_admin.user, owner=None, code="x", title="x", year=2024, policy=POLICY
        )
    with pytest.raises(NotPermitted):
        programme_create(
            actor=zhejiang_admin.user,
            owner=jiangsu_admin.org,
            code="x",
            title="x",
            year=2024,
            policy=POLICY,
        )


def test_create_refuses_a_bad_policy_with_place_and_reason(zhejiang_admin):
    bad = {**POLICY, "quota": {"scope": "city", "seats": 3}}
    with pytest.raises(PolicyInvalid) as exc:
        programme_create(
            actor=zhejiang_admin.user,
            owner=zhejiang_admin.org,
            code="x",
            title="x",
            year=2024,
            policy=bad,
        )
    assert exc.value.message_dict == {"policy": ["quota.seats：不允许的字段（可能拼写有误）"]}
    assert not Programme.objects.exists()


def test_a_taken_code_is_refused_on_its_field(zj_programme, zhejiang_admin):
    with pytest.raises(ValidationError) as exc:
        programme_create(
            actor=zhejiang_admin.user,
            owner=zhejiang_admin.org,
            code="zj-2024-demo",
            title="另一个",
            year=2024,
            policy=POLICY,
        )
    assert "已被其他培训计划使用" in exc.value.message_dict["code"][0]


def test_editing_one_section_replaces_it_and_audits_the_section(zj_programme, zhejiang_admin):
    programme_update_section(
        actor=zhejiang_admin.user,
        programme=zj_programme,
        section="assessment",
        data={"pass_mark": 60, "retries": 1},
    )
    zj_programme = Programme.objects.get(pk=zj_programme.pk)
    assert zj_programme.rules.assessment.pass_mark == Decimal(60)
    assert zj_programme.rules.enrollment.window.closes == datetime.date(2024, 3, 20)
    entry = AuditEntry.objects.get(action="programme.updated")
    assert (
        entry.data == {"section": "assessment", "revision": 2}
        and entry.actor == zhejiang_admin.user
    )


def test_saving_a_section_unchanged_writes_nothing(zj_programme, zhejiang_admin):
    programme_update_section(
        actor=zhejiang_admin.user,
        programme=zj_programme,
        section="enrollment",
        data=zj_programme.rules.enrollment.model_dump(mode="json"),
    )
    assert not AuditEntry.objects.filter(action="programme.updated").exists()


@pytest.mark.parametrize("section", ["version", "quotas", "../items", "__class__"])
def test_an_unknown_section_is_refused_in_chinese(zj_programme, zhejiang_admin, section):
    before = dict(zj_programme.policy)
    with pytest.raises(UnknownSection, match="没有名为"):
        programme_update_section(
            actor=zhejiang_admin.user, programme=zj_programme, section=section, data={}
        )
    zj_programme = Programme.objects.get(pk=zj_programme.pk)
    assert zj_programme.policy == before


@pytest.mark.parametrize(
    ("section", "data", "message"),
    [
        ("classes", {"max_size": -5}, "classes.max_size：数值过小"),
        ("assessment", {"retries": -1}, "assessment.retries：数值过小"),
        (
            "enrollment",
            {"channels": ["nomination"], "window": {"opens": "2024-03-20", "closes": "2024-03-01"}},
            "enrollment.window：结束时间早于开始时间",
        ),
        ("items", [], "items：不能为空"),
        ("items", [{"code": "p1", "label": "", "kind": "phase"}], "items.0.label：不能为空"),
        ("enrollment", {"channels": []}, "enrollment.channels：不能为空"),
        ("quota", {"scope": "city", "seat": 1}, "quota.seat：不允许的字段（可能拼写有误）"),
    ],
)
def test_bad_section_data_is_refused_with_place_and_reason_and_changes_nothing(
    zj_programme, zhejiang_admin, section, data, message
):
    before = dict(zj_programme.policy)
    with pytest.raises(PolicyInvalid) as exc:
        programme_update_section(
            actor=zhejiang_admin.user, programme=zj_programme, section=section, data=data
        )
    assert message in exc.value.message_dict["policy"]
    zj_programme = Programme.objects.get(pk=zj_programme.pk)
    assert zj_programme.policy == before
    assert not AuditEntry.objects.filter(action="programme.updated").exists()


def test_other_provinces_and_cities_may_not_edit(zj_programme, jiangsu_admin, city_admin):
    for actor in (jiangsu_admin, city_admin):
        with pytest.raises(NotPermitted):
            programme_update_section(
                actor=actor.user, programme=zj_programme, section="credit", data={}
            )
        with pytest.raises(NotPermitted):
            programme_update(actor=actor.user, programme=zj_programme, title="改名")


def test_a_provincial_admin_may_not_edit_a_ministry_programme(loaded, zhejiang_admin):
    programme = Programme.objects.get(code="moe-2024-national-base-projects")
    with pytest.raises(NotPermitted):
        programme_update_section(
            actor=zhejiang_admin.user, programme=programme, section="credit", data={}
        )


def test_item_codes_in_use_by_quotas_cannot_be_removed_or_renamed(zj_programme, zhejiang_admin):
    Quota.objects.create(
        programme=zj_programme, item="p2", region=Region.objects.get(code="330100"), seats=5
    )
    items = zj_programme.rules.model_dump(mode="json")["items"]
    renamed = [items[0], {**items[1], "code": "p2b"}]
    for data in ([items[0]], renamed):
        with pytest.raises(ItemInUse, match="p2"):
            programme_update_section(
                actor=zhejiang_admin.user, programme=zj_programme, section="items", data=data
            )
    zj_programme = Programme.objects.get(pk=zj_programme.pk)
    assert [i.code for i in zj_programme.rules.items] == ["p1", "p2"]
    # A code nobody uses may go.
    programme_update_section(
        actor=zhejiang_admin.user, programme=zj_programme, section="items", data=items[1:]
    )
    zj_programme = Programme.objects.get(pk=zj_programme.pk)
    assert [i.code for i in zj_programme.rules.items] == ["p2"]


def test_identity_edit_is_audited_with_the_fields(zj_programme, zhejiang_admin):
    programme_update(actor=zhejiang_admin.user, programme=zj_programme, title="新名称", year=2024)
    zj_programme = Programme.objects.get(pk=zj_programme.pk)
    assert zj_programme.title == "新名称"
    assert AuditEntry.objects.get(action="programme.updated").data == {"fields": ["title"]}


def test_the_kind_is_offered_as_typed_before_saved_trimmed_shown_and_cloned(
    client, zj_programme, zhejiang_admin
):
    Programme.objects.create(
        code="other", title="另一计划", kind="省培计划", policy=zj_programme.policy
    )
    client.force_login(zhejiang_admin.user)
    page = client.get(f"/programmes/{zj_programme.pk}/edit/").content.decode()
    assert 'list="id_kind_options"' in page and '<option value="省培计划">' in page

    programme_update(actor=zhejiang_admin.user, programme=zj_programme, kind=" 省培计划 ")
    zj_programme = Programme.objects.get(pk=zj_programme.pk)
    assert zj_programme.kind == "省培计划"
    assert "省培计划" in client.get(zj_programme.get_absolute_url()).content.decode()
    clone = programme_clone(
        actor=zhejiang_admin.user, programme=zj_programme, year=2025, code="zj-2025-kind"
    )
    assert clone.kind == "省培计划"


def test_clone_moves_every_date_by_the_year_difference(zj_programme, zhejiang_admin):
    clone = programme_clone(
        actor=zhejiang_admin.user, programme=zj_programme, year=2025, code="zj-2025-demo"
    )
    rules = clone.rules
    assert clone.title == "2025年浙江省职业院校教师培训"
    assert (clone.document_number, clone.issued_on, clone.preset) == ("", None, "")
    assert clone.owner == zj_programme.owner and clone.year == 2025
    assert rules.item("p1").registration.opens == datetime.date(2025, 2, 28)  # was 02-29
    assert rules.item("p1").registration.closes == datetime.datetime(2025, 3, 5, 17, 30)
    assert rules.enrollment.approval_chain[0].deadline == datetime.date(2025, 3, 10)
    assert rules.enrollment.window.closes == datetime.date(2025, 3, 20)
    assert rules.milestones[0].due == datetime.date(2025, 4, 1)
    assert AuditEntry.objects.get(action="programme.cloned").data == {
        "source": zj_programme.pk,
        "years": 1,
    }


def test_clone_of_a_preset_copies_no_quotas_and_no_printed_table(loaded, national_admin):
    source = Programme.objects.get(code="zj-2020-vocational-teacher")
    assert Quota.objects.filter(programme=source).exists()
    clone = programme_clone(
        actor=national_admin.user, programme=source, year=2021, code="zj-2021-vocational-teacher"
    )
    assert not Quota.objects.filter(programme=clone).exists()
    assert clone.rules.quota.table is None
    assert clone.rules.quota.scope == source.rules.quota.scope


def test_clone_keeps_the_printed_tables_so_that_an_admin_may_choose_one_again(
    loaded, national_admin
):
    source = Programme.objects.get(code="zj-2020-vocational-teacher")
    clone = programme_clone(
        actor=national_admin.user, programme=source, year=2021, code="zj-2021-vocational-teacher"
    )
    assert [(t.name, t.data) for t in clone.printed_tables.all()] == [
        (t.name, t.data) for t in source.printed_tables.all()
    ]
    assert table_layout(clone).kind == "generic"  # the copy names no table, as before
    programme_update_section(
        actor=national_admin.user,
        programme=clone,
        section="quota",
        data={**clone.rules.quota.model_dump(mode="json"), "table": "001_quota.json"},
    )
    layout = table_layout(Programme.objects.get(pk=clone.pk))
    assert layout.kind == "plan" and layout.title == "附件2 中职学校骨干教师培训项目实施计划表"
    assert source.printed_tables.count() == 1  # the source's own table is untouched


def test_a_policy_may_name_only_a_printed_table_its_programme_holds(zj_programme, zhejiang_admin):
    quota = {"scope": "city", "table": "000_quota.json"}
    with pytest.raises(PolicyInvalid) as exc:
        programme_update_section(
            actor=zhejiang_admin.user, programme=zj_programme, section="quota", data=quota
        )
    assert exc.value.problems == [(("quota", "table"), "本培训计划没有这张通知附表")]
    assert Programme.objects.get(pk=zj_programme.pk).rules.quota.table is None
    with pytest.raises(PolicyInvalid) as exc:
        programme_create(
            actor=zhejiang_admin.user,
            owner=zhejiang_admin.org,
            code="zj-2025-demo",
            title="2025年浙江省职业院校教师培训",
            year=2025,
            policy={**POLICY, "quota": quota},
        )
    assert exc.value.messages == ["quota.table：本培训计划没有这张通知附表"]
    assert not Programme.objects.filter(code="zj-2025-demo").exists()


def test_a_table_named_before_the_tables_were_kept_does_not_block_other_edits(
    loaded, national_admin
):
    programme = Programme.objects.get(code="zj-2020-vocational-teacher")
    programme.printed_tables.all().delete()
    programme_update_section(
        actor=national_admin.user,
        programme=programme,
        section="quota",
        data={**programme.rules.quota.model_dump(mode="json"), "held_from": "approval"},
    )
    rules = Programme.objects.get(pk=programme.pk).rules
    assert (rules.quota.table, rules.quota.held_from) == ("001_quota.json", "approval")


def test_clone_by_days_moves_the_whole_calendar_and_keeps_its_order(zj_programme, zhejiang_admin):
    """Registration opens on 2024-02-29 in the source; the copy's opens on 2026-12-03."""
    days = (datetime.date(2026, 12, 3) - datetime.date(2024, 2, 29)).days
    clone = programme_clone(
        actor=zhejiang_admin.user, programme=zj_programme, year=2026, code="zj-2026", days=days
    )
    rules = clone.rules
    assert rules.item("p1").registration.opens == datetime.date(2026, 12, 3)
    assert rules.item("p1").registration.closes == datetime.datetime(2026, 12, 8, 17, 30)
    assert rules.enrollment.window.closes == datetime.date(2026, 12, 23)
    assert rules.enrollment.approval_chain[0].deadline == datetime.date(2026, 12, 13)
    assert rules.milestones[0].due == datetime.date(2027, 1, 4)  # 32 days after, as before
    assert AuditEntry.objects.get(action="programme.cloned").data == {
        "source": zj_programme.pk,
        "days": days,
    }


def test_clone_by_days_needs_no_year_of_the_source(loaded, national_admin):
    source = Programme.objects.get(code="mohrss-integrated-teacher-training")  # notice 004
    assert source.year is None
    clone = programme_clone(
        actor=national_admin.user, programme=source, year=2026, code="mohrss-2026", days=30
    )
    assert clone.title.endswith("（2026年度）")


def test_clone_refuses_dates_moved_past_the_year_9999(zj_programme, zhejiang_admin):
    with pytest.raises(PolicyInvalid, match="超出范围"):
        programme_clone(
            actor=zhejiang_admin.user,
            programme=zj_programme,
            year=2026,
            code="zj-far",
            days=3_000_000,
        )
    assert not Programme.objects.filter(code="zj-far").exists()


# One item at a time (the items section of the editor)


def _item(programme: Programme, code: str) -> dict[str, Any]:
    return next(i for i in programme.rules.model_dump(mode="json")["items"] if i["code"] == code)


def test_saving_one_item_changes_only_that_item_and_audits_the_items_section(
    zj_programme, zhejiang_admin
):
    item = {**_item(zj_programme, "p2"), "label": "第2期（线上）", "hours": "20"}
    programme_item_save(actor=zhejiang_admin.user, programme=zj_programme, code="p2", item=item)
    saved = Programme.objects.get(pk=zj_programme.pk)
    assert [i.label for i in saved.rules.items] == ["第1期", "第2期（线上）"]
    assert saved.rules.item("p2").hours == 20
    assert saved.rules.item("p1") == zj_programme.rules.item("p1")
    assert AuditEntry.objects.get(action="programme.updated").data == {
        "section": "items",
        "revision": 2,
    }


def test_a_new_item_goes_at_the_end(zj_programme, zhejiang_admin):
    programme_item_save(
        actor=zhejiang_admin.user,
        programme=zj_programme,
        code=None,
        item={"code": "p3", "label": "第3期", "kind": "phase", "parent": "p1"},
    )
    saved = Programme.objects.get(pk=zj_programme.pk)
    assert [(i.code, i.parent) for i in saved.rules.items][-1] == ("p3", "p1")


def test_an_item_saved_with_bad_data_is_refused_with_its_own_places(zj_programme, zhejiang_admin):
    bad = {
        **_item(zj_programme, "p2"),
        "registration": {"opens": "2024-05-01", "closes": "2024-04-01"},
    }
    with pytest.raises(PolicyInvalid) as exc:
        programme_item_save(actor=zhejiang_admin.user, programme=zj_programme, code="p2", item=bad)
    assert exc.value.problems == [(("item", "registration"), "结束时间早于开始时间")]
    duplicate = {**_item(zj_programme, "p2"), "code": "p1"}
    with pytest.raises(PolicyInvalid, match="培训项目代码重复：p1"):
        programme_item_save(
            actor=zhejiang_admin.user, programme=zj_programme, code="p2", item=duplicate
        )
    assert Programme.objects.get(pk=zj_programme.pk).policy == zj_programme.policy


def test_renaming_an_item_takes_the_items_under_it_along(zj_programme, zhejiang_admin):
    programme_item_save(
        actor=zhejiang_admin.user,
        programme=zj_programme,
        code=None,
        item={"code": "p2-f1", "label": "专业领域一", "kind": "field", "parent": "p2"},
    )
    zj_programme = Programme.objects.get(pk=zj_programme.pk)
    renamed = {**_item(zj_programme, "p2"), "code": "phase2"}
    programme_item_save(actor=zhejiang_admin.user, programme=zj_programme, code="p2", item=renamed)
    saved = Programme.objects.get(pk=zj_programme.pk)
    assert saved.rules.item("p2-f1").parent == "phase2"


def test_an_item_removed_meanwhile_is_not_found_again(zj_programme, zhejiang_admin):
    with pytest.raises(ItemMissing, match="p9"):
        programme_item_save(
            actor=zhejiang_admin.user,
            programme=zj_programme,
            code="p9",
            item={"code": "p9", "label": "第9期", "kind": "phase"},
        )
    with pytest.raises(ItemMissing):
        programme_item_remove(actor=zhejiang_admin.user, programme=zj_programme, code="p9")


def test_removing_an_item_is_refused_while_used_parented_or_the_last(zj_programme, zhejiang_admin):
    actor = zhejiang_admin.user
    Quota.objects.create(
        programme=zj_programme, item="p2", region=Region.objects.get(code="330100"), seats=5
    )
    with pytest.raises(ItemInUse, match="p2"):
        programme_item_remove(actor=actor, programme=zj_programme, code="p2")
    programme_item_save(
        actor=actor,
        programme=zj_programme,
        code=None,
        item={"code": "p1-a", "label": "第1期甲班", "kind": "course", "parent": "p1"},
    )
    with pytest.raises(ItemHasChildren, match="“第1期”下还有 1 个下级项目"):
        programme_item_remove(actor=actor, programme=zj_programme, code="p1")
    programme_item_remove(actor=actor, programme=zj_programme, code="p1-a")
    programme_item_remove(actor=actor, programme=zj_programme, code="p1")
    saved = Programme.objects.get(pk=zj_programme.pk)
    assert [i.code for i in saved.rules.items] == ["p2"]
    Quota.objects.all().delete()
    with pytest.raises(LastItem):
        programme_item_remove(actor=actor, programme=saved, code="p2")


def test_other_provinces_may_not_change_items(zj_programme, jiangsu_admin):
    with pytest.raises(NotPermitted):
        programme_item_remove(actor=jiangsu_admin.user, programme=zj_programme, code="p2")
    with pytest.raises(NotPermitted):
        programme_item_save(
            actor=jiangsu_admin.user,
            programme=zj_programme,
            code="p2",
            item=_item(zj_programme, "p2"),
        )
    assert Programme.objects.get(pk=zj_programme.pk).policy == zj_programme.policy


def test_a_preset_reload_after_an_admins_edit_keeps_the_edit(loaded, national_admin):
    programme = Programme.objects.get(preset="moe-2024-national-base-projects")
    programme_update_section(
        actor=national_admin.user,
        programme=programme,
        section="credit",
        data={"counts_as_continuing_education": False},
    )
    assert loader.preset_load("moe-2024-national-base-projects") == "kept"
    programme = Programme.objects.get(pk=programme.pk)
    assert programme.rules.credit.counts_as_continuing_education is False


@pytest.mark.parametrize("section", [s for s in SECTIONS if s != "items"])
def test_every_section_of_every_preset_round_trips_through_its_editor(
    loaded, national_admin, section
):
    """Shown and saved unchanged, a section stays exactly as the preset loaded it."""
    for programme in Programme.objects.all():
        editor = SectionEditor(section, programme.rules)
        posted = SectionEditor(section, programme.rules, data=as_querydict(editor_post(editor)))
        assert posted.is_valid(), (programme.code, editor_post(editor))
        programme_update_section(
            actor=national_admin.user, programme=programme, section=section, data=posted.data()
        )
    assert not AuditEntry.objects.filter(action="programme.updated").exists()
    for slug in loader.preset_slugs():
        assert loader.preset_load(slug) == "unchanged"


def test_every_item_of_every_preset_round_trips_through_its_form(loaded, national_admin):
    """Shown and saved unchanged, an item stays exactly as the preset loaded it."""
    for programme in Programme.objects.all():
        for item in programme.rules.items:
            shown = ItemForm(rules=programme.rules, item=item)
            form = ItemForm(as_querydict(editor_post_form(shown)), rules=programme.rules, item=item)
            assert form.is_valid(), (programme.code, item.code, form.errors)
            programme_item_save(
                actor=national_admin.user,
                programme=programme,
                code=item.code,
                item=form.item_data(),
            )
    assert not AuditEntry.objects.filter(action="programme.updated").exists()
    for slug in loader.preset_slugs():
        assert loader.preset_load(slug) == "unchanged"


def test_policy_problems_land_beside_the_fields_they_concern(zj_programme):
    editor = SectionEditor("enrollment", zj_programme.rules)
    data = editor_post(editor)
    data["s-window__opens_0"] = "2024-03-20"
    data["s-window__closes_0"] = "2024-03-01"
    editor = SectionEditor("enrollment", zj_programme.rules, data=as_querydict(data))
    assert editor.is_valid()
    with pytest.raises(PolicyInvalid) as exc:
        parse = editor.data()
        from shipei.programmes.services import validate_policy

        validate_policy({**zj_programme.policy, "enrollment": parse})
    editor.add_problems(exc.value.problems)
    assert editor.form.errors["window__closes"] == ["结束时间早于开始时间"]
    assert editor.problems == []
