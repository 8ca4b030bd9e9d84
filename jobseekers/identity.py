"""Identity and phone of an archive: validation, encryption and the keyed lookup hash (used by the forms,
the services, the search filter and the import alike)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError

from core.crypto import encrypt, keyed_hash
from core.validators import normalize_phone, parse_id_number, validate_mobile

IDENTITY_FIELDS = ["id_number_encrypted", "id_number_hash", "id_number_last4", "birth_date", "sex"]


def id_hash(normalized_id_number: str) -> str:
    return keyed_hash(normalized_id_number, purpose="id_number")


def identity_fields(id_number: str, *, today: dt.date | None = None) -> dict:
    """Encrypted ID number, its lookup hash, last four characters, birth date and sex (derived)."""
    try:
        number, birth, sex = parse_id_number(id_number, today=today)
    except ValidationError as exc:
        raise ValidationError({"id_number": exc.messages}) from None
    return {"id_number_encrypted": encrypt(number), "id_number_hash": id_hash(number),
            "id_number_last4": number[-4:], "birth_date": birth, "sex": sex}


def phone_encrypted(phone: str) -> str:
    phone = normalize_phone(phone)
    if not phone:
        return ""
    try:
        validate_mobile(phone)
    except ValidationError as exc:
        raise ValidationError({"phone": exc.messages}) from None
    return encrypt(phone)
