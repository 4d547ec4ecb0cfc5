"""Test settings: the production settings with fast hashing, in-memory cache and eager Celery.

TEST_DATABASE_URL selects the database server (PostgreSQL in CI's second run); the default is SQLite.
"""

import os
import tempfile

os.environ.setdefault("FRONTLINE_DATA_DIR", os.path.join(tempfile.gettempdir(), "frontline-test-data"))
os.environ["DATABASE_URL"] = os.environ.get("TEST_DATABASE_URL", "")

from frontline.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CELERY_TASK_ALWAYS_EAGER = True
FRONTLINE_TASK_RUNNER = "eager"
ALLOWED_HOSTS = ["*"]
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = False
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405 — whitenoise warns about a missing folder (assets come from the app dirs)
# Tests search freely (one real minute holds many tests); tests/people/test_search_limits.py sets its own.
FRONTLINE_DIGIT_SEARCH_PER_MINUTE = 100_000
