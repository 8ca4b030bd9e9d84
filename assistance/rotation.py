"""Key rotation for documents kept in a configured storage (`DOCUMENT_STORAGE`); database rows are rotated by
core's rotate_encryption_key column scan. Each file is rewritten under a new name, the row repointed only if
it still names the old file, and the old file deleted."""

from __future__ import annotations

from django.db import transaction

from .models import CaseDocument, document_storage, store_token


def rotate_external(rotate) -> int:
    storage = document_storage()
    if storage is None:
        return 0
    done = 0
    for pk, name in CaseDocument.objects.exclude(stored_name="").values_list("pk", "stored_name").iterator():
        with storage.open(name, "rb") as handle:
            token = handle.read()
        fresh = rotate(token)
        if fresh == token:
            continue
        new_name = store_token(storage, fresh)
        with transaction.atomic():
            moved = CaseDocument.objects.filter(pk=pk, stored_name=name).update(stored_name=new_name)
        storage.delete(name if moved else new_name)
        done += moved
    return done
