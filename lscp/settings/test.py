"""The test suite: the real PostgreSQL and Redis that `make test` starts on loopback."""

import os
import re

from .base import *  # noqa: F403
from .base import BASE_DIR, env

SECRET_KEY = "test-only-" + "t" * 50
LSCP_DEMO_MODE = False
# Second factor (issue 12): off, so tests that sign in with force_login are unchanged; the tests of
# enforcement turn it on.
LSCP_SECOND_FACTOR_REQUIRED = False

DATABASES = {
    "default": {
        # The activity log (issue 12): Django's PostgreSQL backend whose flush between tests may
        # empty the log, which refuses TRUNCATE otherwise (tests/support/postgresql/base.py).
        "ENGINE": "tests.support.postgresql",
        "NAME": env("POSTGRES_DB", "lscp"),
        "USER": env("POSTGRES_USER", "postgres"),
        "PASSWORD": env("POSTGRES_PASSWORD", ""),
        "HOST": env("POSTGRES_HOST", "127.0.0.1"),
        "PORT": env("POSTGRES_PORT", "5432"),
        "TEST": {"NAME": env("POSTGRES_TEST_DB", "test_lscp")},
        # PostgreSQL's JIT compiles an expensive-looking plan before running it: 61 ms spent on
        # one dashboard query of a few milliseconds on the national bench (issue 15). This service's
        # queries are short; off, unless LSCP_POSTGRES_OPTIONS says otherwise (a pooler that
        # refuses startup options: set it empty and turn jit off in postgresql.conf).
        "OPTIONS": {"options": env("LSCP_POSTGRES_OPTIONS", "-c jit=off")},
    }
}

# Database roles and row-level security (issue 12, findings 9 and 10; lscp/database.py): the
# tests log in as the owner (POSTGRES_USER: `make test` makes lscp_owner), which creates and
# migrates the test databases; then test bodies run as the system role and each request through
# the test client or the live server as the runtime role (tests/conftest.py). The roles exist in
# the cluster: scripts/test.sh creates them (tests/conftest.py too, when it can).
LSCP_DB_ROLES = {
    "runtime": env("LSCP_DB_RUNTIME_ROLE", "lscp_runtime"),
    "system": env("LSCP_DB_SYSTEM_ROLE", "lscp_system"),
}

# The broker `make test` started, as first given (kept for the processes this one starts, which
# derive their own from it as this one does below, not from this one's).
CELERY_BROKER_URL = os.environ.setdefault(
    "LSCP_TEST_BROKER_BASE", env("CELERY_BROKER_URL", "redis://127.0.0.1:6379/15")
)

EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = BASE_DIR / "var" / "test-media"
STATIC_ROOT = BASE_DIR / "var" / "test-static"
# Tests read the compiled assets from static/ directly (no collectstatic step).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Under pytest-xdist each worker process has its own test database (pytest-django adds the
# suffix) and must have its own broker database too, or one worker's Celery tasks would be
# consumed by another's.
_xdist_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if _xdist_worker.startswith("gw"):
    _base = int(re.search(r"/(\d+)$", CELERY_BROKER_URL).group(1)) if re.search(r"/(\d+)$", CELERY_BROKER_URL) else 0
    CELERY_BROKER_URL = re.sub(r"(/\d+)?$", f"/{_base + 1 + int(_xdist_worker[2:])}", CELERY_BROKER_URL, count=1)
# Celery reads the CELERY_BROKER_URL environment variable before its settings (celery.app.utils.
# Settings.broker_url): left as `make test` exported it, every worker's tasks would share one
# broker database whatever the line above says. This process and the workers it starts use ours.
os.environ["CELERY_BROKER_URL"] = CELERY_BROKER_URL
# The cache too (sign-in counters, API throttles), clear of the brokers' databases: each test
# starts with it empty (tests/conftest.py), which must not touch another worker's.
if LSCP_REDIS_URL:  # noqa: F405
    _worker = int(_xdist_worker[2:]) if _xdist_worker.startswith("gw") else 0
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": re.sub(r"(/\d+)?$", f"/{8 + _worker}", LSCP_REDIS_URL, count=1),  # noqa: F405
        }
    }
