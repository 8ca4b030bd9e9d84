"""TEMPORARY glue until issue 10's shared mechanisms land in core (then delete this module):
write-side scope checks (core.scoping.require_visible) and the API error mapping (core/api handler)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied


def require_visible(user, archive) -> None:
    """Refuse a write on an archive outside the user's scope."""
    from jobseekers.models import JobseekerArchive

    if not JobseekerArchive.objects.visible_to(user).filter(pk=archive.pk).exists():
        raise PermissionDenied("该档案不在您的管辖范围内。")


def as_drf_error(exc):
    """A Django ValidationError/PermissionDenied as the DRF exception the API returns."""
    from django.core.exceptions import ValidationError
    from rest_framework import exceptions, serializers

    if isinstance(exc, PermissionDenied):
        return exceptions.PermissionDenied(str(exc) or None)
    if isinstance(exc, ValidationError):
        return serializers.ValidationError(serializers.as_serializer_error(exc))
    return exc
