"""Field-level encryption for personal data: a database dump alone does not reveal ID numbers or phones."""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models


@lru_cache(maxsize=16)
def _fernet(key: str) -> Fernet:
    raw = base64.urlsafe_b64decode(key.encode())
    if len(raw) != 32:
        raw = hashlib.sha256(raw).digest()
    return Fernet(base64.urlsafe_b64encode(raw))


def _keys() -> tuple[str, ...]:
    """The current key first, then the old keys still accepted while a rotation runs."""
    return (settings.FIELD_ENCRYPTION_KEY, *getattr(settings, "FIELD_ENCRYPTION_OLD_KEYS", ()))


@lru_cache(maxsize=8)
def _multi(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([_fernet(k) for k in keys])


def encrypt(value: str) -> str:
    """Encrypted under the current key (FIELD_ENCRYPTION_KEY)."""
    if not value:
        return ""
    return _fernet(settings.FIELD_ENCRYPTION_KEY).encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    """Decrypted with the current key or any of FIELD_ENCRYPTION_OLD_KEYS (reads keep working while
    `manage.py rotate_encryption_key` re-encrypts the rows)."""
    if not token:
        return ""
    return _multi(_keys()).decrypt(token.encode()).decode()


def rotate(token: bytes) -> bytes:
    """The same value encrypted under the current key (MultiFernet.rotate); a token the current key already
    opens comes back unchanged, so a finished rotation reports 0 and a second run rewrites nothing."""
    try:
        _fernet(settings.FIELD_ENCRYPTION_KEY).decrypt(token)
    except InvalidToken:
        return _multi(_keys()).rotate(token)
    return token


def looks_encrypted(value: str) -> bool:
    """A Fernet token (version byte 0x80, base64 "gAAAAA…"), not a clear value."""
    return bool(value) and value.startswith("gAAAAA") and len(value) >= 100


def keyed_hash(value: str, *, purpose: str = "lookup") -> str:
    """HMAC-SHA256 for equality lookups (uniqueness) without storing the value in clear. Keyed with
    FIELD_HASH_KEY when set — set it to the old key before rotating FIELD_ENCRYPTION_KEY, so lookups
    and uniqueness keep working without recomputing every hash."""
    secret = getattr(settings, "FIELD_HASH_KEY", "") or settings.FIELD_ENCRYPTION_KEY
    key = hashlib.sha256(f"{purpose}:{secret}".encode()).digest()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


class EncryptedCharField(models.CharField):
    """A short text stored encrypted (Fernet, a `text` column) and read back in clear — for personal data
    that is only ever shown (masked in lists, in full on an audited reveal), never filtered or sorted on.
    `max_length` applies to the clear value."""

    def db_type(self, connection):
        return "text"

    def from_db_value(self, value, expression, connection):
        return decrypt(value) if value else value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return encrypt(value) if value else value
