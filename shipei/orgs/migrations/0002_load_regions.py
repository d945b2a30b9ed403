from django.db import migrations


def load(apps, schema_editor):
    from shipei.orgs.regions import sync_regions

    sync_regions(apps.get_model("orgs", "Region"))


class Migration(migrations.Migration):
    dependencies = [("orgs", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
