"""Issue 12 item 19: a backup (dump + keys) restores into an empty database with every ID number
decryptable; a key rotation re-encrypts every encrypted field while reads accept both keys."""

from __future__ import annotations

import base64
import io
import json
import os
import subprocess

import psycopg2
import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from core.crypto import _fernet
from core.management.commands.backup import pg_tool
from jobs.models import Employer
from jobseekers.models import ImportJob, JobseekerArchive
from tests.jobs.factories import make_employer
from tests.jobseekers.factories import make_archive

NEW_KEY = base64.urlsafe_b64encode(b"n" * 32).decode()


def _raw(table: str, column: str, pk: int):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_rotation_re_encrypts_every_field_and_reads_work_throughout(world, settings):
    old_key = settings.FIELD_ENCRYPTION_KEY
    archive = make_archive(world["station_a"], actor=world["staff"], phone="13912345678")
    id_number = archive.id_number
    employer = make_employer(world["station_a"], contact_phone="13812345678")
    job = ImportJob(station=world["station_a"], created_by=world["staff"], file_name="a.xlsx")
    job.set_source(b"uploaded bytes")
    job.save()

    settings.FIELD_ENCRYPTION_KEY, settings.FIELD_ENCRYPTION_OLD_KEYS = NEW_KEY, [old_key]
    settings.FIELD_HASH_KEY = old_key
    # mid-rotation: rows still under the old key read fine, lookups by hash still match
    assert JobseekerArchive.objects.get(pk=archive.pk).id_number == id_number
    call_command("rotate_encryption_key", stdout=io.StringIO())
    new_only = _fernet(NEW_KEY)
    assert new_only.decrypt(_raw("jobseekers_jobseekerarchive", "id_number_encrypted", archive.pk).encode()).decode() \
        == id_number
    assert new_only.decrypt(_raw("jobseekers_jobseekerarchive", "phone_encrypted", archive.pk).encode())
    assert new_only.decrypt(_raw("jobs_employer", "contact_phone", employer.pk).encode()) == b"13812345678"
    assert new_only.decrypt(bytes(_raw("jobseekers_importjob", "source", job.pk)))
    settings.FIELD_ENCRYPTION_OLD_KEYS = []  # the old key is gone: everything still reads
    assert JobseekerArchive.objects.get(pk=archive.pk).id_number == id_number
    assert Employer.objects.get(pk=employer.pk).contact_phone == "13812345678"
    assert ImportJob.objects.get(pk=job.pk).get_source() == b"uploaded bytes"
    from jobseekers.identity import id_hash

    assert JobseekerArchive.objects.filter(id_number_hash=id_hash(id_number)).exists()
    # a finished rotation has nothing left: a second run rewrites no row and reports 0
    call_command("rotate_encryption_key", stdout=(out := io.StringIO()))
    assert "re-encrypted 0 values" in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_backup_restores_into_an_empty_database_with_id_numbers_decryptable(world, tmp_path):
    archive = make_archive(world["station_a"], actor=world["staff"])
    id_number = archive.id_number
    call_command("backup", dir=str(tmp_path), stdout=io.StringIO())
    dump = next(tmp_path.glob("*.dump"))
    keys_file = next(tmp_path.glob("*.keys.json"))
    assert oct(keys_file.stat().st_mode & 0o777) == "0o600"
    assert id_number.encode() not in dump.read_bytes()

    db = settings.DATABASES["default"]
    target = f"{db['NAME']}_restore"
    admin = psycopg2.connect(host=db["HOST"], port=db["PORT"], user=db["USER"], password=db["PASSWORD"],
                             dbname="postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{target}"')
        cursor.execute(f'CREATE DATABASE "{target}"')
    try:
        env = {**os.environ, "PGPASSWORD": db["PASSWORD"] or ""}
        subprocess.run([pg_tool("pg_restore"), "--no-owner", "-h", db["HOST"], "-p", str(db["PORT"]), "-U", db["USER"],
                        "-d", target, str(dump)], check=True, env=env, capture_output=True)
        restored = psycopg2.connect(host=db["HOST"], port=db["PORT"], user=db["USER"], password=db["PASSWORD"],
                                    dbname=target)
        with restored, restored.cursor() as cursor:
            cursor.execute("SELECT id_number_encrypted FROM jobseekers_jobseekerarchive WHERE id = %s", [archive.pk])
            token = cursor.fetchone()[0]
            cursor.execute("SELECT count(*) FROM jobseekers_jobseekerarchive")
            assert cursor.fetchone()[0] == JobseekerArchive.objects.count()
        restored.close()
        key = json.loads(keys_file.read_text())["FIELD_ENCRYPTION_KEY"]
        raw = base64.urlsafe_b64decode(key)
        assert Fernet(base64.urlsafe_b64encode(raw)).decrypt(token.encode()).decode() == id_number
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{target}"')
        admin.close()
