"""Per-request context that services need without taking the request: the client address."""

from __future__ import annotations

import contextvars

from django.contrib import messages
from django.middleware.locale import LocaleMiddleware
from django.utils.translation import gettext

from . import queue

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


class DeferredWorkMiddleware:
    """Tells the user when the work their request queued waits for the broker (core/queue.py): a message on
    the next page, and an `X-Work-Deferred` header for API clients. Nothing is lost either way."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with queue.watch() as work:
            response = self.get_response(request)
        if work.deferred:
            response["X-Work-Deferred"] = "1"
            if hasattr(request, "_messages"):
                messages.info(request, gettext("已提交，稍后处理：后台服务暂时不可用，恢复后会自动继续，无需重复操作。"))
        return response
