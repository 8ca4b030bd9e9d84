"""A refusal that is a conflict with a concurrent write, for services to raise like any ValidationError."""

from __future__ import annotations

from django.core.exceptions import ValidationError


class ConflictError(ValidationError):
    """Refused because another write won (a slot booked a moment earlier): a form error on pages, HTTP 409 in
    the API (core/api/exceptions.py) with the usual body plus `offer`, what the client may try instead
    (JSON-serialisable, e.g. the next free slots)."""

    def __init__(self, message, *, offer=None, code: str = "conflict"):
        super().__init__(message, code=code)
        self.offer = offer if offer is not None else []
