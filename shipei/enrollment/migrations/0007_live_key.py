"""One live enrollment per person and the key the programme's one_active_per asks for (the item,
the whole programme, or none), instead of always per item: the key is a column, filled here for
existing enrollments from their programme's policy."""

from django.db import migrations, models
from django.db.models import Q


def fill(apps, schema_editor):
    Enrollment = apps.get_model("enrollment", "Enrollment")
    Programme = apps.get_model("programmes", "Programme")
    for programme in Programme.objects.filter(pk__in=Enrollment.objects.values("programme")):
        per = ((programme.policy or {}).get("enrollment") or {}).get("one_active_per", "item")
        rows = Enrollment.objects.filter(programme=programme)
        if per == "none":
            continue  # NULL: no limit
        if per == "item":
            rows.update(live_key=models.F("item"))
            continue
        # Per programme: the earliest live enrollment of each person takes "*"; a second one
        # made before the rule held keeps its item as key (never refused after the fact).
        rows.update(live_key=models.F("item"))
        seen = set()
        for pk, person_id in rows.filter(live=True).order_by("submitted_at", "pk").values_list(
            "pk", "person_id"
        ):
            if person_id not in seen:
                seen.add(person_id)
                Enrollment.objects.filter(pk=pk).update(live_key="*")


class Migration(migrations.Migration):
    dependencies = [
        ("enrollment", "0006_province_contacts"),
        ("programmes", "0002_notice_text"),
    ]

    operations = [
        migrations.AddField(
            model_name="enrollment",
            name="live_key",
            field=models.CharField(blank=True, editable=False, max_length=40, null=True),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RemoveConstraint(model_name="enrollment", name="enrollment_one_live_per_item"),
        migrations.AddConstraint(
            model_name="enrollment",
            constraint=models.UniqueConstraint(
                condition=Q(live=True),
                fields=("programme", "person", "live_key"),
                name="enrollment_one_live_per_key",
            ),
        ),
    ]
