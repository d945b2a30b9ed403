import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from shipei.presets import loader
from shipei.programmes.models import Programme
from shipei.quotas.models import Quota

MINIMAL = {
    "slug": "demo-notice",
    "seed": "x.txt",
    "title": "示例通知",
    "year": 2026,
    "issuer": "示例司",
    "document_number": "",
    "issued_on": "2026-03-01",
    "policy": {
        "items": [
            {
                "code": "p1",
                "label": "第1期",
                "kind": "phase",
                "hours": 10,
                "registration": {"opens": "2026-03-01", "closes": "2026-03-05"},
            },
        ],
        "enrollment": {
            "channels": ["self_registration"],
            "approval_chain": [{"role": "national_admin", "label": "培训管理员审核"}],
        },
        "quota": {"scope": "province"},
    },
}


@pytest.fixture
def preset_dir(tmp_path, monkeypatch):
    monkeypatch.setattr(loader, "PRESET_DIR", tmp_path)

    def write(data=MINIMAL):
        (tmp_path / f"{data['slug']}.json").write_text(json.dumps(data, ensure_ascii=False))

    write()
    return write


def test_loading_creates_the_programme_and_again_changes_nothing(db, preset_dir):
    assert loader.preset_load("demo-notice") == "created"
    programme = Programme.objects.get(code="demo-notice")
    assert (
        programme.rules.item("p1").registration.closes_at().isoformat()
        == "2026-03-05T23:59:59+08:00"
    )
    assert str(programme.issued_on) == "2026-03-01"
    assert loader.preset_load("demo-notice") == "unchanged"
    assert Programme.objects.count() == 1


def test_an_admins_later_edit_is_kept_unless_reset(db, preset_dir):
    loader.preset_load("demo-notice")
    programme = Programme.objects.get(code="demo-notice")
    programme.title = "管理员改过的名称"
    programme.save()
    assert loader.preset_load("demo-notice") == "kept"
    assert Programme.objects.get(code="demo-notice").title == "管理员改过的名称"
    assert loader.preset_load("demo-notice", reset=True) == "updated"
    assert Programme.objects.get(code="demo-notice").title == "示例通知"


def test_a_changed_preset_updates_an_unedited_programme(db, preset_dir):
    loader.preset_load("demo-notice")
    preset_dir({**MINIMAL, "title": "示例通知（修订）"})
    assert loader.preset_load("demo-notice") == "updated"
    assert Programme.objects.get(code="demo-notice").title == "示例通知（修订）"


def test_a_preset_with_a_typo_is_refused_with_the_place_and_reason(db, preset_dir):
    bad = json.loads(json.dumps(MINIMAL))
    bad["policy"]["quota"]["scop"] = "city"
    bad["policy"]["items"][0]["hours"] = "十"
    preset_dir(bad)
    with pytest.raises(CommandError) as exc:
        call_command("load_preset", "demo-notice")
    assert "quota.scop：不允许的字段" in exc.value.args[0]
    assert "items.0.hours：应为数字" in exc.value.args[0]
    assert not Programme.objects.exists()


def test_unknown_slug_names_the_available_presets(db, preset_dir):
    with pytest.raises(CommandError, match="可用：demo-notice"):
        call_command("load_preset", "nope")


def test_list_presets_prints_one_per_line_slug_first(db, preset_dir):
    out = StringIO()
    call_command("list_presets", stdout=out)
    assert out.getvalue().splitlines() == ["demo-notice\t示例通知"]


# The notice's printed tables, kept with the programme

TABLE = {
    "table": "附件2 示例名额分配表",
    "unit": "人",
    "columns": ["杭州市", "宁波市"],
    "rows": [{"label": "第1期", "cells": {"杭州市": 5, "宁波市": 3}, "printed_row_total": 8}],
}


@pytest.fixture
def preset_with_table(preset_dir, tmp_path):
    """The minimal preset naming a table of its own data/ folder."""

    def write(table=TABLE):
        (tmp_path / "data").mkdir(exist_ok=True)
        (tmp_path / "data" / "demo_quota.json").write_text(json.dumps(table, ensure_ascii=False))

    data = json.loads(json.dumps(MINIMAL))
    data["policy"]["quota"]["table"] = "demo_quota.json"
    preset_dir(data)
    write()
    return write


def test_loading_keeps_the_notices_table_with_the_programme_and_gives_its_seats(
    db, preset_with_table
):
    assert loader.preset_load("demo-notice") == "created"
    programme = Programme.objects.get(code="demo-notice")
    table = programme.printed_tables.get()
    assert (table.name, table.title, table.data) == (
        "demo_quota.json",
        "附件2 示例名额分配表",
        TABLE,
    )
    seats = Quota.objects.filter(programme=programme).values_list("item", "region__name", "seats")
    assert sorted(seats) == [("p1", "宁波市", 3), ("p1", "杭州市", 5)]


def test_a_corrected_table_reaches_the_programme_even_where_an_admins_edit_is_kept(
    db, preset_with_table
):
    loader.preset_load("demo-notice")
    Programme.objects.filter(code="demo-notice").update(title="管理员改过的名称")
    corrected = {**TABLE, "table": "附件2 示例名额分配表（更正）"}
    preset_with_table(corrected)
    assert loader.preset_load("demo-notice") == "kept"
    programme = Programme.objects.get(code="demo-notice")
    assert programme.title == "管理员改过的名称"
    assert programme.printed_tables.get().data == corrected
    assert loader.preset_load("demo-notice") == "kept"
    assert programme.printed_tables.count() == 1


def test_a_preset_naming_a_table_that_is_not_there_is_refused_and_loads_nothing(db, preset_dir):
    data = json.loads(json.dumps(MINIMAL))
    data["policy"]["quota"]["table"] = "../demo-notice.json"
    preset_dir(data)
    with pytest.raises(CommandError) as exc:
        call_command("load_preset", "demo-notice")
    assert exc.value.args[0] == "预设“demo-notice”所指的名额表“../demo-notice.json”不存在。"
    assert not Programme.objects.exists()
