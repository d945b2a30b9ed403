import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def keep_actor_person(apps, schema_editor):
    """Entries written so far name the person their account belongs to now."""
    AuditEntry = apps.get_model("audit", "AuditEntry")
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    AuditEntry.objects.filter(actor__isnull=False).update(
        actor_person_id=Subquery(User.objects.filter(pk=OuterRef("actor_id")).values("person_id"))
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_map_major_class"),
        ("audit", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="actor_person",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.person",
                verbose_name="操作人员",
            ),
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="actor",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="操作人",
            ),
        ),
        migrations.RunPython(keep_actor_person, migrations.RunPython.noop),
    ]
