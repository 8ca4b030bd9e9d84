"""An archive's 片区 and grid belong to its street: a CHECK that either comes with a street, and composite
foreign keys (area_id, street_id) → stations_area (id, street_id), (grid_id, street_id) → stations_grid
(id, street_id) onto the keys of stations 0003. Existing rows that break the rule stop the migration with
their ids (correct them, then migrate)."""

from django.conf import settings
from django.db import migrations, models


CHECK_SQL = """SELECT a.id FROM jobseekers_jobseekerarchive a
    LEFT JOIN stations_area ar ON ar.id = a.area_id LEFT JOIN stations_grid g ON g.id = a.grid_id
    WHERE (a.area_id IS NOT NULL AND ar.street_id IS DISTINCT FROM a.street_id)
       OR (a.grid_id IS NOT NULL AND g.street_id IS DISTINCT FROM a.street_id)"""


def refuse_mismatches(apps, schema_editor):
    with schema_editor.connection.cursor() as cur:
        cur.execute(CHECK_SQL)
        ids = [r[0] for r in cur.fetchall()]
    if ids:
        raise RuntimeError(f"archives whose 片区/grid is not in their street (ids {ids[:50]}): correct them first, "
                           "then migrate again.")


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0002_extensions'),
        ('jobseekers', '0004_importjob_source_encrypted'),
        ('stations', '0003_area_grid_street_keys'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(refuse_mismatches, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='jobseekerarchive',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('area__isnull', True), ('grid__isnull', True)), ('street__isnull', False), _connector='OR'), name='archive_area_grid_need_street', violation_error_message='选择片区或网格前请先选择居住街镇。'),
        ),
        migrations.RunSQL(
            """ALTER TABLE jobseekers_jobseekerarchive ADD CONSTRAINT archive_area_in_street
                   FOREIGN KEY (area_id, street_id) REFERENCES stations_area (id, street_id);
               ALTER TABLE jobseekers_jobseekerarchive ADD CONSTRAINT archive_grid_in_street
                   FOREIGN KEY (grid_id, street_id) REFERENCES stations_grid (id, street_id);""",
            """ALTER TABLE jobseekers_jobseekerarchive DROP CONSTRAINT archive_grid_in_street;
               ALTER TABLE jobseekers_jobseekerarchive DROP CONSTRAINT archive_area_in_street;""",
        ),
    ]
