"""Counting requests in the shared cache: at most `limit` hits of a key in each window of `period` seconds.

A fixed window (one counter per key and window, expiring by itself) costs one write a hit. With Redis (REDIS_URL)
the count is Redis's atomic INCR; where the cache is the database (the embedded default) it is one atomic upsert
in `core.RateCount` (the database cache's own increment reads then writes, and loses counts under concurrent
hits); a local-memory cache (tests) counts per process.
"""

import random
import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils.translation import gettext as _


def _now() -> float:  # tests move the clock here
    return time.time()


class RateLimited(Exception):
    def __init__(self, retry_after: int):
        self.retry_after = retry_after
        super().__init__(_("Too many requests: try again in %(seconds)d seconds.") % {"seconds": retry_after})


def _in_database() -> bool:
    return settings.CACHES["default"]["BACKEND"].endswith("DatabaseCache")


def _database_incr(key: str, window: int, expires: int) -> int:
    from .models import RateCount

    table = RateCount._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} (name, slot, count, expires) VALUES (%s, %s, 1, %s) "
                       f"ON CONFLICT (name, slot) DO UPDATE SET count = {table}.count + 1 RETURNING count",
                       [key[:250], window, expires])
        count = cursor.fetchone()[0]
        if random.random() < 0.01:  # now and then, the windows that are over
            cursor.execute(f"DELETE FROM {table} WHERE expires < %s", [int(_now())])
    return count


def rate_limit_hit(key: str, limit: int, period: int = 60) -> int:
    """Count one hit of `key`; returns the count in this window, or raises RateLimited past `limit`."""
    now = _now()
    window = int(now // period)
    if _in_database():
        count = _database_incr(key, window, int((window + 2) * period))
    else:
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
