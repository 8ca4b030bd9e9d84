"""Re-encrypt every encrypted value under the current FIELD_ENCRYPTION_KEY, without downtime.

Encrypted values are found by what they are (Fernet tokens, "gAAAAA…") in every text and binary
column of the portal's apps, so a field added later is rotated too. Each row is updated only if it
still holds the token that was read (a concurrent write already uses the new key); reads accept the
old keys meanwhile (FIELD_ENCRYPTION_OLD_KEYS). Run it until it reports 0, then drop the old key.
"""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection, models, transaction

from core.crypto import rotate
from core.plugins import app_modules

BATCH = 500


def encrypted_columns():
    """(table, pk column, column, is_binary) for every text/binary column of the portal's models."""
    for app in settings.LOCAL_APPS:
        for model in apps.get_app_config(app).get_models():
            if model._meta.proxy or not model._meta.managed:
                continue
            for field in model._meta.concrete_fields:
                if isinstance(field, models.BinaryField):
                    yield model._meta.db_table, model._meta.pk.column, field.column, True
                elif isinstance(field, models.TextField | models.CharField) and field.db_type(connection) == "text":
                    yield model._meta.db_table, model._meta.pk.column, field.column, False


class Command(BaseCommand):
    help = "Re-encrypt every encrypted field under FIELD_ENCRYPTION_KEY (old keys: FIELD_ENCRYPTION_OLD_KEYS)."

    def handle(self, *args, **options):
        total = 0
        for table, pk, column, binary in encrypted_columns():
            done = self._rotate_column(table, pk, column, binary)
            if done:
                self.stdout.write(f"{table}.{column}: {done}")
            total += done
        # Encrypted values outside the database (assistance's documents in a configured storage): each app's
        # rotation.py `rotate_external(rotate)` re-encrypts its own and returns how many it rewrote.
        for module in app_modules("rotation"):
            done = module.rotate_external(rotate)
            if done:
                self.stdout.write(f"{module.__name__}: {done}")
            total += done
        self.stdout.write(self.style.SUCCESS(f"re-encrypted {total} values under the current key"))

    def _rotate_column(self, table: str, pk: str, column: str, binary: bool) -> int:
        q = connection.ops.quote_name
        prefix = "convert_from(substring({c} from 1 for 6), 'SQL_ASCII')" if binary else "left({c}, 6)"
        where = f"{prefix.format(c=q(column))} = 'gAAAAA'"
        count, last = 0, None
        while True:
            with transaction.atomic(), connection.cursor() as cursor:
                after = "" if last is None else f" AND {q(pk)} > %s"
                cursor.execute(f"SELECT {q(pk)}, {q(column)} FROM {q(table)} WHERE {where}{after} "  # noqa: S608
                               f"ORDER BY {q(pk)} LIMIT {BATCH}", [] if last is None else [last])
                rows = cursor.fetchall()
                if not rows:
                    return count
                updates = []
                for key, value in rows:
                    token = bytes(value) if binary else value.encode()
                    fresh = rotate(token)
                    if fresh != token:
                        updates.append((fresh if binary else fresh.decode(), key, value))
                cursor.executemany(f"UPDATE {q(table)} SET {q(column)} = %s WHERE {q(pk)} = %s "  # noqa: S608
                                   f"AND {q(column)} = %s", updates)
                count += len(updates)
                last = rows[-1][0]
