"""A Redis cache that is optional: when Redis is down the portal runs without cache, never a 500.

Pages cached for speed, throttles and counters read a miss and write nothing while Redis is away
(throttling is then off: a public page stays up rather than refusing everyone). Connection and
socket timeouts are short (settings) so a dead Redis costs milliseconds, not 19 s.
"""

from __future__ import annotations

import logging
import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger("core.cache")
DOWN = (RedisConnectionError, RedisTimeoutError, OSError)
LOG_EVERY_S = 60.0
_last_logged = [0.0]


def _log_down(name: str, exc: Exception) -> None:
    now = time.monotonic()
    if now - _last_logged[0] >= LOG_EVERY_S:  # one line a minute per process, not one per cache call
        _last_logged[0] = now
        logger.warning("cache unavailable (%s: %s); serving without it", name, type(exc).__name__)


def _tolerant(name: str, fallback):
    def method(self, *args, **kwargs):
        try:
            return getattr(RedisCache, name)(self, *args, **kwargs)
        except DOWN as exc:
            _log_down(name, exc)
            return fallback(*args, **kwargs) if callable(fallback) else fallback
    method.__name__ = name
    return method


def _default(key, default=None, *args, **kwargs):
    return default() if callable(default) else default


class OptionalRedisCache(RedisCache):
    get = _tolerant("get", _default)
    set = _tolerant("set", None)
    add = _tolerant("add", False)
    touch = _tolerant("touch", False)
    delete = _tolerant("delete", False)
    has_key = _tolerant("has_key", False)
    get_many = _tolerant("get_many", {})
    set_many = _tolerant("set_many", [])
    delete_many = _tolerant("delete_many", None)
    clear = _tolerant("clear", False)
    get_or_set = _tolerant("get_or_set", _default)

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except DOWN as exc:
            _log_down("incr", exc)
            return delta  # a counter without a cache starts afresh: throttles are off while Redis is away
