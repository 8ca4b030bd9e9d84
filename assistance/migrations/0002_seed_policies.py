"""Seed the policy catalogue from ../shared/data/policies.md (assistance/seed.py), each with its status."""

from django.db import migrations


def seed(apps, schema_editor):
    from assistance.seed import load

    load(apps)


class Migration(migrations.Migration):
    dependencies = [("assistance", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
