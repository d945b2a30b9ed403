"""Programmes loaded from a preset (or set up to use a notice's table) while the tables were read
from the presets' folder get them stored with them, so that their quota pages, exports and
imports keep the notice's layout after ``shipei migrate``."""

from django.db import migrations


def store(apps, schema_editor):
    from shipei.presets.loader import store_missing_tables

    store_missing_tables(
        apps.get_model("programmes", "Programme"), apps.get_model("programmes", "PrintedTable")
    )


class Migration(migrations.Migration):
    dependencies = [("programmes", "0003_printed_tables")]
    operations = [migrations.RunPython(store, migrations.RunPython.noop)]
