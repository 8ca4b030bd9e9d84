"""Session lifetime, expiring API tokens and the security headers (issue 12, items 6 and 10).

Station PCs are shared: a session ends after `SESSION_IDLE_TIMEOUT_MINUTES` without a request and,
however busy, `SESSION_ABSOLUTE_HOURS` after login. API tokens live `API_TOKEN_TTL_DAYS` from issue.
"""

from __future__ import annotations

import ipaddress
import logging
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.cache import cache
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

logger = logging.getLogger(__name__)

# Audit actions of accounts and tokens (written by core/admin.py and core/api/views.py); the others the
# hardening added live in their app's events.py (jobs: *.reveal_phone, stations: station.transfer_*).
TOKEN_ISSUE = "token.issue"
TOKEN_REVOKE = "token.revoke"
USER_ROLE_CHANGE = "user.role_change"

LOGIN_AT = "portal_login_at"
SEEN_AT = "portal_seen_at"
TOUCH_EVERY_SECONDS = 60  # the session row is rewritten at most once a minute, not on every request

IDLE_MESSAGE = gettext_lazy("您已超过 %(minutes)s 分钟未操作，为保护个人信息已自动退出，请重新登录。")
ABSOLUTE_MESSAGE = gettext_lazy("登录已满 %(hours)s 小时，为保护个人信息已自动退出，请重新登录。")
TOKEN_EXPIRED_MESSAGE = gettext_lazy("API 令牌已过期（有效期 %(days)s 天），请联系管理员重新签发。")


def session_started(sender, request, user, **kwargs):
    """At login (user_logged_in): both clocks start, stored with the login's own session save."""
    if request is not None and hasattr(request, "session"):
        request.session[LOGIN_AT] = request.session[SEEN_AT] = time.time()


class SessionLifetimeMiddleware:
    """Idle timeout and absolute lifetime of logged-in sessions (after AuthenticationMiddleware)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            self._check(request)
        return self.get_response(request)

    def _check(self, request) -> None:
        now = time.time()
        session = request.session
        login_at = session.setdefault(LOGIN_AT, now)
        seen_at = session.get(SEEN_AT, now)
        idle_minutes = settings.SESSION_IDLE_TIMEOUT_MINUTES
        absolute_hours = settings.SESSION_ABSOLUTE_HOURS
        if now - seen_at > idle_minutes * 60:
            message = IDLE_MESSAGE % {"minutes": idle_minutes}
        elif now - login_at > absolute_hours * 3600:
            message = ABSOLUTE_MESSAGE % {"hours": absolute_hours}
        else:
            if now - seen_at >= TOUCH_EVERY_SECONDS or SEEN_AT not in session:
                session[SEEN_AT] = now
            return
        logout(request)  # the request goes on as anonymous: pages send it to the login page, the API refuses
        messages.warning(request, message)


class ExpiringTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <key>`, refused once the token is older than API_TOKEN_TTL_DAYS."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        days = settings.API_TOKEN_TTL_DAYS
        if token.created < timezone.now() - timezone.timedelta(days=days):
            raise AuthenticationFailed(str(TOKEN_EXPIRED_MESSAGE) % {"days": days})
        return user, token


# Client address ----------------------------------------------------------------------------------

def _networks(values) -> list:
    return [ipaddress.ip_network(v, strict=False) for v in values]


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def client_address(meta) -> str:
    """The client's address. X-Forwarded-For is believed only as far as the proxies the deployment
    names: TRUSTED_PROXIES (addresses or networks; the rightmost forwarded address not among them is
    the client, and only when the connection itself comes from one of them) or TRUSTED_PROXY_COUNT
    (that many proxies append to the header). Without either, the header is ignored."""
    remote = meta.get("REMOTE_ADDR", "") or ""
    forwarded = [a.strip() for a in (meta.get("HTTP_X_FORWARDED_FOR") or "").split(",") if a.strip()]
    trusted = _networks(settings.TRUSTED_PROXIES)
    if trusted:
        def is_trusted(address):
            valid = _valid(address)
            return valid is not None and any(ipaddress.ip_address(valid) in net for net in trusted)

        if not is_trusted(remote):
            return remote
        for address in reversed(forwarded):
            if not is_trusted(address):
                return _valid(address) or remote
        return remote
    count = settings.TRUSTED_PROXY_COUNT
    if count and len(forwarded) >= count:
        return _valid(forwarded[-count]) or remote
    return remote


def client_ip(request) -> str:
    """For django-axes (AXES_CLIENT_IP_CALLABLE): the address ClientAddressMiddleware settled on."""
    return request.META.get("REMOTE_ADDR", "")


class ClientAddressMiddleware:
    """First in the chain: REMOTE_ADDR becomes the real client address, so login throttling (axes),
    the public throttle, DRF and the audit log all see the same one. The proxy's own address is kept
    in META["PORTAL_PEER_ADDR"]."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        peer = request.META.get("REMOTE_ADDR", "")
        request.META["PORTAL_PEER_ADDR"] = peer
        request.META["REMOTE_ADDR"] = client_address(request.META)
        return self.get_response(request)


# Throttles ---------------------------------------------------------------------------------------

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """'120/minute' → (120, 60)."""
    number, period = rate.split("/")
    return int(number), PERIODS[period.strip()[0]]


def hit(key: str, *, limit: int, period: int) -> bool:
    """Count one hit in a window that opens with the first hit and lasts `period` seconds (INCR keeps
    the key's expiry); True when over `limit`. No cache (Redis down): never over."""
    window_key = f"rate:{key}"
    try:
        cache.add(window_key, 0, period)
        return cache.incr(window_key) > limit
    except Exception:  # noqa: BLE001 - the cache is optional: a Redis outage must not take the site down
        logger.warning("throttle cache unavailable; %s not counted", key.split(":", 1)[0])
        return False


def count_of(key: str) -> int:
    try:
        return int(cache.get(f"rate:{key}") or 0)
    except Exception:  # noqa: BLE001
        return 0


THROTTLE_EXEMPT = ("/healthz", "/static/")
THROTTLED_MESSAGE = gettext_lazy("请求过于频繁，请稍后再试。")


class PublicThrottleMiddleware:
    """Every anonymous page and endpoint: at most the `anon` rate (REST_FRAMEWORK's
    DEFAULT_THROTTLE_RATES) per client address. Requests with an Authorization header are left to
    DRF (a token is authenticated there, and a bad one is refused there)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (user is not None and not user.is_authenticated and "HTTP_AUTHORIZATION" not in request.META
                and not request.path.startswith(THROTTLE_EXEMPT)):
            rate = settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {}).get("anon")
            if rate:
                limit, period = parse_rate(rate)
                if hit(f"anon:{request.META.get('REMOTE_ADDR', '')}", limit=limit, period=period):
                    return self._refuse(request, period)
        return self.get_response(request)

    def _refuse(self, request, period: int):
        if request.path.startswith("/api/"):
            response = JsonResponse({"detail": str(THROTTLED_MESSAGE)}, status=429)
        else:
            response = render(request, "throttled.html", status=429)
        response["Retry-After"] = str(period)
        return response


# Password spraying: failed logins per address, whatever the username -------------------------------

SPRAY_MESSAGE = gettext_lazy("该地址登录失败次数过多，请 %(minutes)s 分钟后再试。")


def login_failures_over_cap(request) -> bool:
    return count_of(f"login-fail:{request.META.get('REMOTE_ADDR', '')}") >= settings.LOGIN_FAILURES_PER_ADDRESS


def login_failure_count(request) -> None:
    period = settings.LOGIN_FAILURE_WINDOW_MINUTES * 60
    hit(f"login-fail:{request.META.get('REMOTE_ADDR', '')}", limit=settings.LOGIN_FAILURES_PER_ADDRESS,
        period=period)


# Security headers --------------------------------------------------------------------------------

class SecurityHeadersMiddleware:
    """Content-Security-Policy (everything is vendored: this site only, no inline script or style) and
    Permissions-Policy on every response. The Django admin and Swagger UI ship inline scripts and
    styles, so their paths (CSP_RELAXED_PATHS) get 'unsafe-inline' — for staff-only tools, not pages."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        relaxed = request.path.startswith(tuple(settings.CSP_RELAXED_PATHS))
        policy = settings.CONTENT_SECURITY_POLICY_RELAXED if relaxed else settings.CONTENT_SECURITY_POLICY
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response
