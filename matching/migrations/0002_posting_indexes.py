"""Partial indexes on published postings for matching's candidate generation (by occupation within a latitude band, by box).

They live on jobs_jobposting but only serve matching; IF NOT EXISTS keeps them harmless if the jobs
app adds equivalent ones.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0001_initial"),
        ("jobs", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS matching_pub_occ_lat ON jobs_jobposting (occupation_id, lat) "
            "WHERE status = 'published';"
            "CREATE INDEX IF NOT EXISTS matching_pub_lat_lng ON jobs_jobposting (lat, lng) "
            "WHERE status = 'published';",
            "DROP INDEX IF EXISTS matching_pub_occ_lat; DROP INDEX IF EXISTS matching_pub_lat_lng;",
        ),
    ]
