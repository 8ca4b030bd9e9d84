"""Optimistic locking for shared records (archives, employers, postings, stations, insurance help).

A row carries `version`; the edit form and the API update send back the version they read, and the
service, holding the row lock, refuses the save when the stored version moved on. The second writer gets
`StaleVersionError` (a ValidationError: a page shows it on the form, which keeps what they typed; the API
answers 409 with the error body).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext

STALE_MESSAGE = "数据已被他人修改，请刷新后重试。"


class StaleVersionError(ValidationError):
    """A save based on an older version of the row than the one stored (409 in the API, without an offer)."""


def check_version(locked, expected_version: int | None, message: str = STALE_MESSAGE) -> None:
    """Refuse the save when `locked` (read under select_for_update) is newer than `expected_version`, then
    bump its version for the save. `None` is a caller that edits without a form (a batch, a transition)."""
    if expected_version is not None and locked.version != expected_version:
        raise StaleVersionError(gettext(message), code="stale")
    locked.version += 1


class VersionFormMixin:
    """A hidden `version`: the row's version when the form was read (0 for a row not saved yet). A form
    re-rendered after a conflict keeps what the user typed and the version they started from."""

    def __init__(self, *args, **kwargs):
        from django import forms

        super().__init__(*args, **kwargs)
        saved = self.instance.pk is not None and not self.instance._state.adding
        self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput, required=saved, min_value=0,
                                                    initial=self.instance.version if saved else 0)
