"""Demo data: each app's `demo.py` plug-in, in LOCAL_APPS order. Idempotent; never in production.

A plug-in's `load(*, users, stations, stdout)` may read and add to the two shared dicts; stations/demo.py
fills them with the demo logins and their stations, which the apps above it use.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from core.plugins import app_modules


class Command(BaseCommand):
    help = "Create demo logins, stations and sample records (idempotent). Refused in production."

    def handle(self, *args, **options):
        if not getattr(settings, "DEMO_DATA_ALLOWED", False):
            raise CommandError("Demo data is disabled in these settings (production).")
        users, stations = {}, {}
        for module in app_modules("demo"):
            with transaction.atomic():
                module.load(users=users, stations=stations, stdout=self.stdout)
        self.stdout.write(f"demo data ready (users: {', '.join(users)})")
