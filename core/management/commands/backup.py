"""`make backup`: a PostgreSQL dump and, in a separate file, the keys it needs to be read.

A dump alone holds ID numbers and phones encrypted; restored without the key it is useless, and the
key without the dump reveals nothing, so keep the two apart (the key file is written 0600). Restore:
see SECURITY.md ("Backup and restore").
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone


def database_env() -> tuple[list[str], dict]:
    """libpq connection arguments for pg_dump/pg_restore from DATABASES["default"] (password via env)."""
    db = settings.DATABASES["default"]
    args = ["-h", db.get("HOST") or "127.0.0.1", "-p", str(db.get("PORT") or 5432), "-U", db.get("USER") or "postgres"]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


class Command(BaseCommand):
    help = "Dump the database (pg_dump -Fc) and write the encryption keys to a separate file."

    def add_arguments(self, parser):
        parser.add_argument("--dir", default=str(Path(settings.BASE_DIR) / "var" / "backups"))

    def handle(self, *args, dir: str, **options):
        pg_dump = os.environ.get("PG_DUMP") or shutil.which("pg_dump")
        if not pg_dump:
            raise CommandError("pg_dump 不在 PATH 中（或设置 PG_DUMP）：需要与数据库服务器同版本或更新的 pg_dump。")
        target = Path(dir)
        target.mkdir(parents=True, exist_ok=True)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        dump = target / f"portal-{stamp}.dump"
        conn, env = database_env()
        result = subprocess.run([pg_dump, "-Fc", "--no-owner", "-f", str(dump), *conn,  # noqa: S603 - settings, not input
                                 settings.DATABASES["default"]["NAME"]], env=env, capture_output=True, text=True)
        if result.returncode:
            raise CommandError(f"pg_dump failed: {result.stderr.strip()}")
        keys = target / f"portal-{stamp}.keys.json"
        fd = os.open(keys, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as out:
            json.dump({"FIELD_ENCRYPTION_KEY": settings.FIELD_ENCRYPTION_KEY,
                       "FIELD_ENCRYPTION_OLD_KEYS": list(settings.FIELD_ENCRYPTION_OLD_KEYS),
                       "FIELD_HASH_KEY": settings.FIELD_HASH_KEY}, out, indent=1)
        self.stdout.write(f"{dump}\n{keys}  (keep the key file apart from the dump)")
        return str(dump)
