"""Seed the re-survey rules with the defaults the city admin can then edit."""

from django.db import migrations

RULES = {
    (True, "unemployed"): 30, (False, "unemployed"): 60,
    (True, "employed"): 180, (False, "employed"): 180,
    (True, "flexible"): 60, (False, "flexible"): 90,
    (True, "self_employed"): 90, (False, "self_employed"): 180,
    (True, "training"): 60, (False, "training"): 90,
    (True, "in_school"): 90, (False, "in_school"): 180,
    (True, "not_seeking"): 90, (False, "not_seeking"): 180,
}


def seed(apps, schema_editor):
    Rule = apps.get_model("jobseekers", "ResurveyRule")
    for (key_group, status), days in RULES.items():
        Rule.objects.get_or_create(is_key_group=key_group, status=status, defaults={"interval_days": days})


class Migration(migrations.Migration):
    dependencies = [("jobseekers", "0002_archives_visits_followups")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
