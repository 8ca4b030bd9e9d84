"""The public booking's throttles, per client address and per phone: DRF's throttles, used by the API views and,
through `booking_throttled`, by the public page (one mechanism; rates in REST_FRAMEWORK's DEFAULT_THROTTLE_RATES)."""

from __future__ import annotations

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from core.validators import normalize_phone


class _SettingsRate(SimpleRateThrottle):
    def get_rate(self):  # read now, not at import (DRF copies the rates once): settings can change in tests
        return settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"][self.scope]


class BookingAddressThrottle(_SettingsRate):
    scope = "consulting_booking_address"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class BookingPhoneThrottle(_SettingsRate):
    scope = "consulting_booking_phone"

    def get_cache_key(self, request, view):
        from .services import phone_hash

        data = getattr(request, "data", None) or request.POST
        phone = normalize_phone(str(data.get("phone", "")))
        if not phone:
            return None  # nothing to count: the form refuses a missing phone anyway
        return self.cache_format % {"scope": self.scope, "ident": phone_hash(phone)}


def booking_throttled(request) -> bool:
    """Whether a public booking attempt (page POST) is over either rate; counts it otherwise."""
    return not all(throttle().allow_request(request, None) for throttle in (BookingAddressThrottle,
                                                                            BookingPhoneThrottle))
