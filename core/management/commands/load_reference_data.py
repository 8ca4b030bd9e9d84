"""Reference data: each app's `reference.py` plug-in, in LOCAL_APPS order (idempotent, one transaction).

core loads the occupational classification, stations the districts and streets/towns.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from core.plugins import app_modules


class Command(BaseCommand):
    help = "Load Shanghai districts, streets/towns and the 2022 occupational classification."

    @transaction.atomic
    def handle(self, *args, **options):
        for module in app_modules("reference"):
            module.load(stdout=self.stdout)
