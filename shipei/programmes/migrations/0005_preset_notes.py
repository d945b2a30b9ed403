from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('programmes', '0004_policy_revisions'),
    ]

    operations = [
        migrations.AddField(
            model_name='programme',
            name='preset_notes',
            field=models.JSONField(blank=True, default=list, verbose_name='预设说明'),
        ),
    ]
