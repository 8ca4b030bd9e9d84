"""(id, street_id) keys on 片区 and grids, so rows that name a 片区 can be held to its street by the database:
a grid's and a station's (area_id, street_id) must be a 片区 of that street (jobseekers 0005 does the same for
archives). Existing rows that break the rule stop the migration with their ids (fix them, then migrate)."""

from django.db import migrations

CHECKS = {
    "grids": "SELECT g.id FROM stations_grid g JOIN stations_area a ON a.id = g.area_id WHERE a.street_id <> g.street_id",
    "stations": "SELECT s.id FROM stations_station s JOIN stations_area a ON a.id = s.area_id "
                "WHERE a.street_id <> s.street_id",
}


def refuse_mismatches(apps, schema_editor):
    with schema_editor.connection.cursor() as cur:
        for what, sql in CHECKS.items():
            cur.execute(sql)
            ids = [r[0] for r in cur.fetchall()]
            if ids:
                raise RuntimeError(f"{what} whose 片区 is in another street (ids {ids[:50]}): correct their 片区 "
                                   "or street first, then migrate again.")


class Migration(migrations.Migration):

    dependencies = [
        ("stations", "0002_station_registry"),
    ]

    operations = [
        migrations.RunPython(refuse_mismatches, migrations.RunPython.noop),
        migrations.RunSQL(
            """ALTER TABLE stations_area ADD CONSTRAINT area_id_street_key UNIQUE (id, street_id);
               ALTER TABLE stations_grid ADD CONSTRAINT grid_id_street_key UNIQUE (id, street_id);
               ALTER TABLE stations_grid ADD CONSTRAINT grid_area_in_street
                   FOREIGN KEY (area_id, street_id) REFERENCES stations_area (id, street_id);
               ALTER TABLE stations_station ADD CONSTRAINT station_area_in_street
                   FOREIGN KEY (area_id, street_id) REFERENCES stations_area (id, street_id);""",
            """ALTER TABLE stations_station DROP CONSTRAINT station_area_in_street;
               ALTER TABLE stations_grid DROP CONSTRAINT grid_area_in_street;
               ALTER TABLE stations_grid DROP CONSTRAINT grid_id_street_key;
               ALTER TABLE stations_area DROP CONSTRAINT area_id_street_key;""",
        ),
    ]
