"""Session lifetime, expiring API tokens and the security headers (issue 12, items 6 and 10).

Station PCs are shared: a session ends after `SESSION_IDLE_TIMEOUT_MINUTES` without a request and,
however busy, `SESSION_ABSOLUTE_HOURS` after login. API tokens live `API_TOKEN_TTL_DAYS` from issue.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.utils import timezone
from django.utils.translation import gettext_lazy
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

LOGIN_AT = "portal_login_at"
SEEN_AT = "portal_seen_at"
TOUCH_EVERY_SECONDS = 60  # the session row is rewritten at most once a minute, not on every request

IDLE_MESSAGE = gettext_lazy("您已超过 %(minutes)s 分钟未操作，为保护个人信息已自动退出，请重新登录。")
ABSOLUTE_MESSAGE = gettext_lazy("登录已满 %(hours)s 小时，为保护个人信息已自动退出，请重新登录。")
TOKEN_EXPIRED_MESSAGE = gettext_lazy("API 令牌已过期（有效期 %(days)s 天），请联系管理员重新签发。")


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
