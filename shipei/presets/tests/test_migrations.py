"""A deployment whose programmes were loaded while the tables were read from the presets' folder:
after ``shipei migrate`` each keeps the table it uses, and its quota pages lay it out as before."""

import copy
from io import StringIO

import pytest
from django.core.management import call_command

from shipei.presets.loader import preset_data, store_missing_notes, store_missing_tables
from shipei.programmes.models import PrintedTable, Programme
from shipei.quotas.layout import table_layout


def _programme(code: str, slug: str, *, preset: str = "", table: str | None = "") -> Programme:
    """A programme as such a deployment holds it: the policy names the table, none is stored."""
    data = preset_data(slug)
    policy = copy.deepcopy(data["policy"])
    if table != "":
        policy["quota"]["table"] = table
    return Programme.objects.create(
        code=code, title=data["title"], year=data.get("year"), policy=policy, preset=preset
    )


@pytest.mark.django_db(transaction=True)
def test_migrating_stores_the_tables_of_programmes_loaded_before():
    call_command("migrate", "presets", "zero", verbosity=0, stdout=StringIO())
    loaded = _programme(
        "zj-2020-vocational-teacher",
        "zj-2020-vocational-teacher",
        preset="zj-2020-vocational-teacher",
    )
    # An admin had set a copy of notice 000 to the notice's layout in the editor.
    chosen = _programme("copy-000", "moe-2020-innovation-team-online")
    # A copy that names no table (as clones were made), and one naming a file that is not there.
    plain = _programme("copy-001", "zj-2020-vocational-teacher", table=None)
    stray = _programme("stray", "zj-2020-vocational-teacher", table="999_quota.json")

    call_command("migrate", "presets", verbosity=0, stdout=StringIO())

    assert list(loaded.printed_tables.values_list("name", flat=True)) == ["001_quota.json"]
    assert list(chosen.printed_tables.values_list("name", flat=True)) == ["000_quota.json"]
    assert not plain.printed_tables.exists() and not stray.printed_tables.exists()
    assert table_layout(loaded).kind == "plan" and table_layout(chosen).kind == "regions_down"
    assert table_layout(stray).kind == "generic"


def test_a_preset_programmes_own_policy_and_its_presets_table_are_both_kept(db):
    """An admin may have pointed a preset's programme at no table; its preset's stays there to
    be chosen again. Running again stores nothing twice."""
    programme = _programme(
        "moe-2020-innovation-team-online",
        "moe-2020-innovation-team-online",
        preset="moe-2020-innovation-team-online",
        table=None,
    )
    assert store_missing_tables(Programme, PrintedTable) == 1
    assert store_missing_tables(Programme, PrintedTable) == 0
    assert list(programme.printed_tables.values_list("name", flat=True)) == ["000_quota.json"]
    assert table_layout(programme).kind == "generic"  # the policy still names none


def test_programmes_loaded_before_the_notes_were_kept_get_them_once(db):
    """``0002_preset_notes``: a preset's programme gets its preset's notes; a programme of no
    preset, and one that has notes already, are left as they are."""
    loaded = _programme(
        "zj-2020-vocational-teacher",
        "zj-2020-vocational-teacher",
        preset="zj-2020-vocational-teacher",
    )
    own = _programme("own", "zj-2020-vocational-teacher")
    assert store_missing_notes(Programme) == 1
    assert store_missing_notes(Programme) == 0
    loaded.refresh_from_db()
    own.refresh_from_db()
    assert loaded.preset_notes == preset_data("zj-2020-vocational-teacher")["notes"]
    assert own.preset_notes == []
