"""Case documents in a configured storage (DOCUMENT_STORAGE): encrypted there, served only through the scoped
view, deleted with their row, re-encrypted by key rotation; the database default is tested in test_views."""

import io

import pytest
from cryptography.fernet import Fernet
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from assistance import services as svc
from assistance.models import CaseDocument
from tests.matrix import OWNED_BY_A, assert_matrix

PDF = b"%PDF-1.4 " + "王小明 310104199001011234".encode() + b" %%EOF"


@pytest.fixture
def directory_storage(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "documents": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path), "base_url": None}}}
    settings.DOCUMENT_STORAGE = "documents"
    storages._storages.pop("documents", None)  # the handler caches instances by alias
    yield tmp_path
    storages._storages.pop("documents", None)


@pytest.fixture
def case_a(world, claim_policy, person):
    return svc.case_create(actor=world["staff"], archive=person, policy=claim_policy)


def _files(root):
    return [p for p in root.rglob("*") if p.is_file()]


def test_an_upload_goes_to_the_storage_encrypted_and_is_served_only_through_the_scoped_view(
        client, world, case_a, directory_storage):
    client.force_login(world["staff"])
    response = client.post(reverse("assistance:document_upload", args=[case_a.pk]),
                           {"item": "身份证", "file": SimpleUploadedFile("证件.pdf", PDF)})
    assert response.status_code == 302
    doc = CaseDocument.objects.get()
    assert doc.stored_name and bytes(doc.data) == b""
    (stored,) = _files(directory_storage)
    assert PDF not in stored.read_bytes() and b"310104199001011234" not in stored.read_bytes()
    assert stored.read_bytes().startswith(b"gAAAAA")  # a Fernet token

    response = client.get(reverse("assistance:document_download", args=[doc.pk]))
    assert response.status_code == 200 and response.content == PDF
    assert_matrix(client, world, reverse("assistance:document_download", args=[doc.pk]), OWNED_BY_A)


def test_a_deleted_document_takes_its_file_with_it(world, case_a, directory_storage,
                                                   django_capture_on_commit_callbacks):
    doc = svc.document_upload(actor=world["staff"], case=case_a, item="身份证", file_name="a.pdf", content=PDF)
    assert len(_files(directory_storage)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        doc.delete()
    assert _files(directory_storage) == []


def test_key_rotation_re_encrypts_stored_files(settings, world, case_a, directory_storage):
    doc = svc.document_upload(actor=world["staff"], case=case_a, item="身份证", file_name="a.pdf", content=PDF)
    old_file = directory_storage / doc.stored_name
    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_OLD_KEYS = [settings.FIELD_ENCRYPTION_KEY]
    settings.FIELD_HASH_KEY = settings.FIELD_ENCRYPTION_KEY
    settings.FIELD_ENCRYPTION_KEY = new_key
    out = io.StringIO()
    call_command("rotate_encryption_key", stdout=out)
    assert "assistance.rotation: 1" in out.getvalue()
    doc.refresh_from_db()
    assert not old_file.exists() and len(_files(directory_storage)) == 1
    settings.FIELD_ENCRYPTION_OLD_KEYS = []  # the old key is gone: the document still reads
    assert doc.get_content() == PDF
    call_command("rotate_encryption_key", stdout=(out := io.StringIO()))
    assert "assistance.rotation" not in out.getvalue()  # nothing left to rotate


def test_an_unknown_document_storage_setting_is_refused_at_start():
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-c", "import django, os; os.environ['DJANGO_SETTINGS_MODULE']="
                             "'config.settings.test'; django.setup()"],
                            env={**__import__("os").environ, "DOCUMENT_STORAGE": "ftp://x"}, capture_output=True,
                            text=True)
    assert result.returncode != 0 and "DOCUMENT_STORAGE must be empty, 's3' or 'directory:/path'" in result.stderr
