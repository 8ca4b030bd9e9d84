from django.db import migrations


class Migration(migrations.Migration):
    """More gram frequencies in pg_stats: the search picks its plan from them (jobs/search.py)."""

    dependencies = [("jobs", "0003_search_grams_marked")]

    operations = [
        migrations.RunSQL(
            "ALTER TABLE jobs_jobposting ALTER COLUMN search_grams SET STATISTICS 1000",
            "ALTER TABLE jobs_jobposting ALTER COLUMN search_grams SET STATISTICS -1",
        ),
    ]
