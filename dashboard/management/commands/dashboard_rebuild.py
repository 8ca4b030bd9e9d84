from django.core.management.base import BaseCommand

from dashboard.services import TREND_MONTHS, summaries_refresh


class Command(BaseCommand):
    help = f"Rebuild the dashboard's summary tables from scratch (current values and {TREND_MONTHS} months)."

    def handle(self, *args, **options):
        run = summaries_refresh(rebuild=True)
        self.stdout.write(f"dashboard summaries rebuilt in {run.duration_ms} ms")
