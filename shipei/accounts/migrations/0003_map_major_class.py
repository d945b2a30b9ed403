"""The 专业类 of teachers registered before it existed, where their 任教专业 names exactly one
(计算机应用 → 计算机类); the others choose theirs on their profile page."""

from django.db import migrations

from shipei.core.majors import class_for_text


def forwards(apps, schema_editor):
    TeacherProfile = apps.get_model("accounts", "TeacherProfile")
    profiles = TeacherProfile.objects.filter(major_class="").exclude(teaching_major="")
    changed = []
    for profile in profiles.only("pk", "teaching_major").iterator(chunk_size=2000):
        found = class_for_text(profile.teaching_major)
        if found:
            profile.major_class = found
            changed.append(profile)
    TeacherProfile.objects.bulk_update(changed, ["major_class"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_teacher_major_class"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
