"""On PostgreSQL, the database itself refuses two holds of one core teacher whose spans overlap
(invited or accepted; each span runs from the travel day before the class to its last day), so
that no path that writes assignments can double-book anyone. SQLite has no exclusion
constraints: there the service's lock and check stand alone."""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE staffing_assignment ADD CONSTRAINT assignment_no_overlapping_holds
    EXCLUDE USING gist (
        core_teacher_id WITH =,
        daterange(busy_from, busy_until, '[]') WITH &&
    ) WHERE (status IN ('invited', 'accepted'));
"""
DROP = "ALTER TABLE staffing_assignment DROP CONSTRAINT IF EXISTS assignment_no_overlapping_holds;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("staffing", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
