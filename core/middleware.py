"""Per-request context that services need without taking the request: the client address."""

from __future__ import annotations

import contextvars

from django.middleware.locale import LocaleMiddleware

_client_ip: contextvars.ContextVar[str | None] = contextvars.ContextVar("client_ip", default=None)


def current_client_ip() -> str | None:
    return _client_ip.get()


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _client_ip.set(request.META.get("REMOTE_ADDR"))
        try:
            return self.get_response(request)
        finally:
            _client_ip.reset(token)


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Chinese unless the visitor picked English with the language switch (the `django_language`
    cookie): the browser's Accept-Language is not consulted, so a station desk or a resident's phone
    set to English still opens the portal in Chinese, as the service is run in Chinese."""

    def process_request(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        super().process_request(request)
