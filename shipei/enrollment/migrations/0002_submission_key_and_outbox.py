"""The submission key moves onto the enrollment (one INSERT less per submission), and the
enrollment event becomes the outbox of its notices."""

from django.db import migrations, models
from django.db.models import F, OuterRef, Subquery


def forwards(apps, schema_editor):
    Enrollment = apps.get_model("enrollment", "Enrollment")
    SubmissionKey = apps.get_model("enrollment", "SubmissionKey")
    EnrollmentEvent = apps.get_model("enrollment", "EnrollmentEvent")
    # An enrollment made by one form has one key; the first is kept.
    first_key = SubmissionKey.objects.filter(enrollment=OuterRef("pk")).order_by("pk")
    Enrollment.objects.filter(pk__in=SubmissionKey.objects.values("enrollment")).update(
        submission_key=Subquery(first_key.values("key")[:1])
    )
    # Events before the outbox had their notices sent by a task of their own.
    EnrollmentEvent.objects.update(notified_at=F("at"))


class Migration(migrations.Migration):
    dependencies = [("enrollment", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="enrollment",
            name="submission_key",
            field=models.CharField(
                blank=True, editable=False, max_length=64, null=True, unique=True
            ),
        ),
        migrations.AddField(
            model_name="enrollmentevent",
            name="admitted",
            field=models.BooleanField(db_default=False, default=False, verbose_name="已录取"),
        ),
        migrations.AddField(
            model_name="enrollmentevent",
            name="arrives_at",
            field=models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="到达环节"),
        ),
        migrations.AddField(
            model_name="enrollmentevent",
            name="notified_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="通知时间"),
        ),
        migrations.AddField(
            model_name="enrollmentevent",
            name="status",
            field=models.CharField(blank=True, db_default="", max_length=20, verbose_name="当时状态"),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="enrollmentevent",
            index=models.Index(
                condition=models.Q(("notified_at__isnull", True)),
                fields=["id"],
                name="event_to_notify",
            ),
        ),
        migrations.DeleteModel(name="SubmissionKey"),
    ]
