"""Counting requests in the shared cache: at most `limit` hits of a key in each window of `period` seconds.

A fixed window (one counter per key and window, expiring by itself) costs one cache write a hit. With Redis
(REDIS_URL) every web process shares the counts; the embedded cache counts per process.
"""

import time

from django.core.cache import cache
from django.utils.translation import gettext as _


def _now() -> float:  # tests move the clock here
    return time.time()


class RateLimited(Exception):
    def __init__(self, retry_after: int):
        self.retry_after = retry_after
        super().__init__(_("Too many requests: try again in %(seconds)d seconds.") % {"seconds": retry_after})


def rate_limit_hit(key: str, limit: int, period: int = 60) -> int:
    """Count one hit of `key`; returns the count in this window, or raises RateLimited past `limit`."""
    now = _now()
    window = int(now // period)
    cache_key = f"frontline:rate:{key}:{window}"
    cache.add(cache_key, 0, timeout=period * 2)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.add(cache_key, 1, timeout=period * 2)
        count = 1
    if count > limit:
        raise RateLimited(retry_after=max(1, int((window + 1) * period - now)))
    return count
