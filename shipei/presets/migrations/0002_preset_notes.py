"""Programmes loaded from a preset before its notes were kept with them get them now, so that
their pages show the 预设说明 after ``shipei migrate`` without a reload."""

from django.db import migrations


def store(apps, schema_editor):
    from shipei.presets.loader import store_missing_notes

    store_missing_notes(apps.get_model("programmes", "Programme"))


class Migration(migrations.Migration):
    dependencies = [("presets", "0001_printed_tables"), ("programmes", "0005_preset_notes")]
    operations = [migrations.RunPython(store, migrations.RunPython.noop)]
