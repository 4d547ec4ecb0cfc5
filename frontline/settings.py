"""One settings module, read from the environment; the defaults run the embedded demo (SQLite)."""

import datetime
import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("FRONTLINE_DATA_DIR", Path.cwd() / "data")).resolve()


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), got {value!r}")


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from None


def envlist(name: str, default: list[str], *, empty_means_none: bool = False) -> list[str]:
    """A comma-separated list; unset gives the default. Set but empty gives the default too, unless
    `empty_means_none` (a list of who may do something: empty means nobody, never "the usual ones")."""
    value = os.environ.get(name)
    if value is None or (not value.strip() and not empty_means_none):
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one generated once into the data folder."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = DATA_DIR / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


DEBUG = envbool("DEBUG", False)
SECRET_KEY = _secret_key()
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "frontline.core.admin_config.FrontlineAdminConfig",  # django.contrib.admin, superusers only, audited
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",  # login throttling; before frontline.core, whose failed-login receiver reads what axes decided
    "ninja",  # serves Swagger UI for /api/v1/docs from its own static files, not from a CDN
    "treebeard",
    "frontline.core",
    "frontline.areas",
    "frontline.people",
    "frontline.notices",
    "frontline.grid",
    "frontline.mobilization",
    "frontline.epidemic",
    "frontline.care",
    "frontline.command",
    "frontline.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "frontline.core.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "frontline.core.audit.AuditContextMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",  # a locked (account, address) pair answers frontline.core.login.lockout_response
]

ROOT_URLCONF = "frontline.urls"
WSGI_APPLICATION = "frontline.wsgi.application"
AUTH_USER_MODEL = "core.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "frontline.core.context_processors.navigation",
            ],
        },
    },
]

_default_db = f"sqlite:///{DATA_DIR / 'frontline.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL") or _default_db, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # WAL lets readers proceed while the generator or an import writes; IMMEDIATE avoids
    # "database is locked" upgrades from read to write inside a transaction.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;",
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.MD5PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},  # not `commander1`
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Login throttling (django-axes, frontline.core.login): after FRONTLINE_LOGIN_FAILURE_LIMIT failures the pair
# (account, client address) is locked for FRONTLINE_LOGIN_LOCK_MINUTES (0: until an administrator unlocks it).
# Only the pair: a guesser at one address cannot lock a commander out of their own desk.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = envint("FRONTLINE_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=envint("FRONTLINE_LOGIN_LOCK_MINUTES", 15)) or None
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "frontline.core.login.lockout_response"
AXES_CLIENT_IP_CALLABLE = "frontline.core.login.client_address"
AXES_DISABLE_ACCESS_LOG = True  # successful logins are in the audit log already
AXES_VERBOSE = False

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

MEDIA_ROOT = Path(os.environ.get("FRONTLINE_MEDIA_DIR", DATA_DIR / "media"))
FRONTLINE_IMPORT_MAX_BYTES = envint("FRONTLINE_IMPORT_MAX_BYTES", 200 * 1024 * 1024)
# An .xlsx is a zip: what its parts may expand to, checked before anything is decompressed. A 1,000,000-row,
# 12-column roster expands to 0.52 GB (Excel's shared strings) or 0.65 GB (openpyxl's inline strings), its
# shared strings to 64 MB; real parts expand 4 to 20 times, compression bombs hundreds (bench/xlsx_limits.py).
FRONTLINE_IMPORT_MAX_EXPANDED_BYTES = envint("FRONTLINE_IMPORT_MAX_EXPANDED_BYTES", 1024 * 1024 * 1024)
FRONTLINE_IMPORT_MAX_SHARED_STRINGS_BYTES = envint("FRONTLINE_IMPORT_MAX_SHARED_STRINGS_BYTES", 128 * 1024 * 1024)
FRONTLINE_IMPORT_MAX_COMPRESSION_RATIO = envint("FRONTLINE_IMPORT_MAX_COMPRESSION_RATIO", 100)
# A check or import with no sign of life (progress) for this long is stale: its process was killed.
FRONTLINE_IMPORT_STALE_SECONDS = envint("FRONTLINE_IMPORT_STALE_SECONDS", 300)
# Uploaded files of finished and failed imports are deleted after this many days (the records stay).
FRONTLINE_IMPORT_KEEP_DAYS = envint("FRONTLINE_IMPORT_KEEP_DAYS", 7)
FRONTLINE_ATTACHMENT_MAX_BYTES = envint("FRONTLINE_ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024  # larger uploads go to a temporary file, not memory

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = True  # also serve straight from the app folders (no stale copies in the demo)

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    CELERY_BROKER_URL = REDIS_URL
else:
    # The embedded default keeps its cache in the database, so that every web process sees the same counts
    # (rate limits of the public resident page, import progress); `frontline demo`/`serve` create its table.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "frontline_cache"}}
# Where background work runs (frontline/core/background.py): Celery workers and beat with Redis; without
# it, one worker thread of the web process, which also runs the scheduled tasks; "eager" runs a task in
# its caller (tests).
FRONTLINE_TASK_RUNNER = os.environ.get("FRONTLINE_TASK_RUNNER") or ("celery" if REDIS_URL else "thread")
if FRONTLINE_TASK_RUNNER not in ("celery", "thread", "eager"):
    raise ImproperlyConfigured(f"FRONTLINE_TASK_RUNNER must be celery, thread or eager, got {FRONTLINE_TASK_RUNNER!r}")
if FRONTLINE_TASK_RUNNER == "celery" and not REDIS_URL:
    raise ImproperlyConfigured("FRONTLINE_TASK_RUNNER=celery needs REDIS_URL (the broker)")
CELERY_TASK_ALWAYS_EAGER = FRONTLINE_TASK_RUNNER == "eager"
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", not DEBUG and bool(os.environ.get("DATABASE_URL")))
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if envbool("BEHIND_PROXY", False) else None
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy on every response (django-csp): scripts, styles, fonts and images only from
# Frontline itself (the vendored assets under /static/), no inline script, style or eval, no framing. The
# pages keep to it: htmx is configured not to inject its inline style (base.html), templates carry no
# style="" or on*="" attributes. `data:` images are Bootstrap's (form controls) and Swagger UI's icons.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
DATA_UPLOAD_MAX_MEMORY_SIZE = envint("UPLOAD_MAX_BYTES", 20 * 1024 * 1024)

# Roles allowed to reveal a masked ID number or phone (each reveal is audited). Set but empty: nobody. An
# unknown role name stops the start (frontline.core.apps.check_settings).
FRONTLINE_REVEAL_ROLES = envlist("FRONTLINE_REVEAL_ROLES", ["commander", "street_officer", "community_secretary", "grid_worker"],
                                 empty_means_none=True)
FRONTLINE_PAGE_SIZE = envint("FRONTLINE_PAGE_SIZE", 50)
# Searches of people by the last digits of an ID number or phone, per account and minute (an oracle otherwise).
FRONTLINE_DIGIT_SEARCH_PER_MINUTE = envint("FRONTLINE_DIGIT_SEARCH_PER_MINUTE", 30)
# API lists (frontline.core.pagination): the default and the largest page; a larger `limit` answers 422.
FRONTLINE_API_PAGE_SIZE = envint("FRONTLINE_API_PAGE_SIZE", 100)
FRONTLINE_API_MAX_LIMIT = envint("FRONTLINE_API_MAX_LIMIT", 500)
if not 1 <= FRONTLINE_API_PAGE_SIZE <= FRONTLINE_API_MAX_LIMIT:
    raise ImproperlyConfigured("FRONTLINE_API_PAGE_SIZE must be between 1 and FRONTLINE_API_MAX_LIMIT")
NINJA_PAGINATION_CLASS = "frontline.core.pagination.Pagination"
NINJA_PAGINATION_MAX_LIMIT = FRONTLINE_API_MAX_LIMIT
# An overdue work order moves one level up the area tree, then again after each grace period.
FRONTLINE_ESCALATION_GRACE_HOURS = envint("FRONTLINE_ESCALATION_GRACE_HOURS", 24)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Monthly stationing (家园驻守, frontline.mobilization.stationing): a cadre of county level and below is expected
# to spend at least this many confirmed days a month in a community; the previous month's days may still be
# logged during the first FRONTLINE_STATIONING_GRACE_DAYS days of a month (then its shortfall goes out as work
# orders, one per home unit).
FRONTLINE_STATIONING_MIN_DAYS = envint("FRONTLINE_STATIONING_MIN_DAYS", 5)
FRONTLINE_STATIONING_GRACE_DAYS = envint("FRONTLINE_STATIONING_GRACE_DAYS", 5)
if not 1 <= FRONTLINE_STATIONING_MIN_DAYS <= 31 or not 0 <= FRONTLINE_STATIONING_GRACE_DAYS <= 27:
    raise ImproperlyConfigured("FRONTLINE_STATIONING_MIN_DAYS must be 1–31 and FRONTLINE_STATIONING_GRACE_DAYS 0–27")

# Temporary party organizations at a site or team (DESIGN.md): fewer formal party members than the first form a
# temporary party group, from it a temporary branch, from the second a temporary committee.
FRONTLINE_TEMPORARY_BRANCH_FROM = envint("FRONTLINE_TEMPORARY_BRANCH_FROM", 3)
FRONTLINE_TEMPORARY_COMMITTEE_FROM = envint("FRONTLINE_TEMPORARY_COMMITTEE_FROM", 100)
if not 1 < FRONTLINE_TEMPORARY_BRANCH_FROM < FRONTLINE_TEMPORARY_COMMITTEE_FROM:
    raise ImproperlyConfigured("FRONTLINE_TEMPORARY_BRANCH_FROM must be above 1 and below FRONTLINE_TEMPORARY_COMMITTEE_FROM")

# Mass testing (frontline.epidemic, DESIGN.md "Pooled testing"): what a tube's barcode looks like (a laboratory's
# or a terminal's code that does not match is refused, naming the record); the most records a batch upload or
# one API request takes; how late a terminal's buffered record may still arrive (its collected_at may be this
# many hours before the upload, never in the future beyond a minute's clock drift).
FRONTLINE_TUBE_CODE_PATTERN = os.environ.get("FRONTLINE_TUBE_CODE_PATTERN", r"^[0-9A-Z][0-9A-Z-]{5,31}$")
FRONTLINE_SAMPLE_BATCH_MAX = envint("FRONTLINE_SAMPLE_BATCH_MAX", 1000)
FRONTLINE_SAMPLE_LATE_HOURS = envint("FRONTLINE_SAMPLE_LATE_HOURS", 72)

# Custody of tubes (frontline.epidemic.custody): what a bag's barcode looks like (a scanned code that does not match
# is refused, naming it), and the most tube codes one seal or hand-over takes.
FRONTLINE_BAG_CODE_PATTERN = os.environ.get("FRONTLINE_BAG_CODE_PATTERN", r"^[0-9A-Z][0-9A-Z-]{3,31}$")
FRONTLINE_BAG_TUBES_MAX = envint("FRONTLINE_BAG_TUBES_MAX", 500)

# Epidemic control (frontline.epidemic; DESIGN.md "Rules from practice"), each rule configurable per city.
# Entrance checks: a temperature at or above FEVER_AT (tenths of a degree: 373 = 37.3 °C) stops the person; a
# reading outside PLAUSIBLE_MIN..MAX is refused as a misreading; a scan may arrive SCAN_LATE_HOURS after it was
# taken; a batch takes at most SCAN_BATCH_MAX scans; scans are kept SCAN_KEEP_DAYS (then purged, except those
# of people in an open investigation) and, on PostgreSQL, partitions are created SCAN_PARTITIONS_AHEAD days ahead.
FRONTLINE_FEVER_AT = envint("FRONTLINE_FEVER_AT", 373)
FRONTLINE_TEMPERATURE_MIN = envint("FRONTLINE_TEMPERATURE_MIN", 340)
FRONTLINE_TEMPERATURE_MAX = envint("FRONTLINE_TEMPERATURE_MAX", 430)
FRONTLINE_SCAN_LATE_HOURS = envint("FRONTLINE_SCAN_LATE_HOURS", 24)
FRONTLINE_SCAN_BATCH_MAX = envint("FRONTLINE_SCAN_BATCH_MAX", 1000)
FRONTLINE_SCAN_KEEP_DAYS = envint("FRONTLINE_SCAN_KEEP_DAYS", 14)
FRONTLINE_SCAN_PARTITIONS_AHEAD = envint("FRONTLINE_SCAN_PARTITIONS_AHEAD", 3)
# Control zones step down after days without a new case: sealed → controlled, then controlled → precaution.
FRONTLINE_ZONE_SEALED_DAYS = envint("FRONTLINE_ZONE_SEALED_DAYS", 7)
FRONTLINE_ZONE_CONTROLLED_DAYS = envint("FRONTLINE_ZONE_CONTROLLED_DAYS", 3)
# Companions in time and place: an overlap of more than COMPANION_MINUTES at the same site within
# COMPANION_DAYS; a presence without an out-scan lasts DWELL_MINUTES.
FRONTLINE_COMPANION_MINUTES = envint("FRONTLINE_COMPANION_MINUTES", 10)
FRONTLINE_COMPANION_DAYS = envint("FRONTLINE_COMPANION_DAYS", 14)
FRONTLINE_DWELL_MINUTES = envint("FRONTLINE_DWELL_MINUTES", 30)
# Control measures: the days each kind lasts at least, and the negative tests that release it.
FRONTLINE_MEASURE_DAYS = {"centralized": envint("FRONTLINE_CENTRALIZED_DAYS", 7),
                          "home_isolation": envint("FRONTLINE_HOME_ISOLATION_DAYS", 7),
                          "home_monitoring": envint("FRONTLINE_HOME_MONITORING_DAYS", 7)}
FRONTLINE_RELEASE_NEGATIVES = envint("FRONTLINE_RELEASE_NEGATIVES", 2)
# Cases and contacts (frontline.epidemic.cases): the home measure each is placed under when found. Centralized
# isolation takes a room (the isolation pages assign one and raise the measure), so a close contact waits for
# a room under home isolation; a case waits for its transfer under home isolation too.
FRONTLINE_CASE_MEASURES = {"case": os.environ.get("FRONTLINE_CASE_MEASURE", "home_isolation"),
                           "close": os.environ.get("FRONTLINE_CLOSE_CONTACT_MEASURE", "home_isolation"),
                           "secondary": os.environ.get("FRONTLINE_SECONDARY_CONTACT_MEASURE", "home_isolation"),
                           "companion": os.environ.get("FRONTLINE_COMPANION_MEASURE", "home_monitoring")}

# Serving residents (frontline.care). Orders: the most lines and units one order takes (an item's own
# `max_per_order` caps each line). Requests: the hours a request may stay open before its work order is overdue,
# by category, urgent and normal; and the area level each category is routed to (the grid's worker, the
# community, the street). The public resident page: submissions allowed per address and per phone in
# RESIDENT_PAGE_PERIOD seconds (a loopback load test raises them).
FRONTLINE_ORDER_LINES_MAX = envint("FRONTLINE_ORDER_LINES_MAX", 20)
FRONTLINE_ORDER_UNITS_MAX = envint("FRONTLINE_ORDER_UNITS_MAX", 100)
FRONTLINE_REQUEST_HOURS = {
    # category: (urgent, normal)
    "medical": (2, 12), "medicine": (4, 24), "supplies": (12, 24), "isolation": (4, 24),
    "mental_health": (4, 48), "complaint": (24, 72), "other": (24, 72),
}
FRONTLINE_REQUEST_ROUTES = {"medical": "community", "medicine": "grid", "supplies": "grid", "isolation": "community",
                            "mental_health": "community", "complaint": "street", "other": "community"}
FRONTLINE_RESIDENT_PAGE_PER_ADDRESS = envint("FRONTLINE_RESIDENT_PAGE_PER_ADDRESS", 10)
FRONTLINE_RESIDENT_PAGE_PER_PHONE = envint("FRONTLINE_RESIDENT_PAGE_PER_PHONE", 5)
FRONTLINE_RESIDENT_PAGE_PERIOD = envint("FRONTLINE_RESIDENT_PAGE_PERIOD", 3600)

# The resident page's poster (frontline.care.poster): the address residents reach from outside, printed as the
# poster's QR code (e.g. https://frontline.example.gov.cn; empty: the host the desk's request came in on), and
# the Chinese font the PNG and PDF are set in (a .ttf/.otf/.ttc; Debian's fonts-noto-cjk, which scripts/setup
# installs, by default).
FRONTLINE_PUBLIC_URL = os.environ.get("FRONTLINE_PUBLIC_URL", "")
FRONTLINE_CJK_FONT = os.environ.get("FRONTLINE_CJK_FONT", "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")

# The command centre's wall screen (指挥大屏) fetches its figures this often (they are computed once a minute per area).
FRONTLINE_WALL_REFRESH_SECONDS = envint("FRONTLINE_WALL_REFRESH_SECONDS", 10)
# The daily brief (每日简报) of yesterday goes to the commanders' inboxes once the local hour reaches this.
FRONTLINE_BRIEF_HOUR = envint("FRONTLINE_BRIEF_HOUR", 7)
# The command dashboard (frontline.command.dashboard): the key figures shown as cards, in this order, by their
# registered codes (comma-separated). A code no app has registered is skipped, so the figures of apps that arrive
# later appear once they register them.
FRONTLINE_DASHBOARD_FIGURES = envlist("FRONTLINE_DASHBOARD_FIGURES", [
    "residents", "party_members", "cadres_deployed", "temporary_orgs_branch", "samples_collected", "checkpoint_scans",
    "cases_open", "contacts_close", "zones_sealed", "measures_centralized", "orders_delivered", "requests_received",
    "requests_resolved", "residents_screened", "kits_issued", "counseling_sessions"])
# The largest GeoJSON file of area outlines the map's import takes (frontline.command.outlines).
FRONTLINE_OUTLINE_MAX_BYTES = envint("FRONTLINE_OUTLINE_MAX_BYTES", 20 * 1024 * 1024)
