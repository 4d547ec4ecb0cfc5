"""Where the cache is the database (the embedded default), a rate limit counts by one atomic upsert: every web
process sees the same count, and hits at the same moment are never lost (the database cache's own increment
reads, then writes, and let a sixth submission through a limit of five under load)."""

import threading

import pytest
from django.db import connection

from frontline.core import ratelimit
from frontline.core.models import RateCount
from frontline.core.ratelimit import RateLimited, rate_limit_hit

DATABASE_CACHE = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "rate_test"}}


def test_the_database_counts_each_hit_and_refuses_past_the_limit(db, settings, monkeypatch):
    settings.CACHES = DATABASE_CACHE
    monkeypatch.setattr(ratelimit, "_now", lambda: 1_700_000_000.0)
    assert [rate_limit_hit("page:addr:10.0.0.1", 3, 3600) for _ in range(3)] == [1, 2, 3]
    with pytest.raises(RateLimited) as refused:
        rate_limit_hit("page:addr:10.0.0.1", 3, 3600)
    assert refused.value.retry_after > 0
    assert rate_limit_hit("page:addr:10.0.0.2", 3, 3600) == 1  # another key, its own count
    assert RateCount.objects.get(name="page:addr:10.0.0.1").count == 4


def test_a_new_window_starts_from_one_and_old_windows_are_purged(db, settings, monkeypatch):
    settings.CACHES = DATABASE_CACHE
    now = {"t": 1_700_000_000.0}
    monkeypatch.setattr(ratelimit, "_now", lambda: now["t"])
    monkeypatch.setattr(ratelimit.random, "random", lambda: 0.0)  # purge on every hit
    rate_limit_hit("k", 1, 60)
    now["t"] += 600
    assert rate_limit_hit("k", 1, 60) == 1
    assert RateCount.objects.filter(name="k").count() == 1  # the old window is gone


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL (its CI phase)")
def test_hits_at_the_same_moment_are_all_counted(transactional_db, settings):
    settings.CACHES = DATABASE_CACHE
    allowed, refused, start = [], [], threading.Barrier(12)

    def hit():
        from django.db import connection as own

        start.wait()
        try:
            allowed.append(rate_limit_hit("page:phone:13800138000", 5, 3600))
        except RateLimited:
            refused.append(1)
        finally:
            own.close()

    threads = [threading.Thread(target=hit) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(allowed) == [1, 2, 3, 4, 5] and len(refused) == 7
    assert RateCount.objects.get(name="page:phone:13800138000").count == 12
