"""Employer and posting contact phones: encrypted at rest like every other phone (issue 12 item 14).
The column becomes `text`, then each clear value is encrypted in place (raw SQL: the field class
would try to decrypt a clear value). Reversible: values are decrypted back."""

from django.db import migrations

import core.crypto

TABLES = ("jobs_employer", "jobs_jobposting")


def _rewrite(schema_editor, convert, wanted) -> None:
    with schema_editor.connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"SELECT id, contact_phone FROM {table} WHERE contact_phone <> ''")  # noqa: S608
            rows = [(convert(value), pk) for pk, value in cursor.fetchall() if wanted(value)]
            cursor.executemany(f"UPDATE {table} SET contact_phone = %s WHERE id = %s", rows)  # noqa: S608


def encrypt_existing(apps, schema_editor):
    _rewrite(schema_editor, core.crypto.encrypt, lambda v: not core.crypto.looks_encrypted(v))


def decrypt_existing(apps, schema_editor):
    _rewrite(schema_editor, core.crypto.decrypt, core.crypto.looks_encrypted)


class Migration(migrations.Migration):

    dependencies = [
        ("jobs", "0007_merge_20261204_1045"),
    ]

    operations = [
        migrations.AlterField(
            model_name="employer",
            name="contact_phone",
            field=core.crypto.EncryptedCharField(blank=True, max_length=20, verbose_name="联系电话"),
        ),
        migrations.AlterField(
            model_name="jobposting",
            name="contact_phone",
            field=core.crypto.EncryptedCharField(blank=True, max_length=20, verbose_name="联系电话"),
        ),
        migrations.RunPython(encrypt_existing, decrypt_existing),
    ]
