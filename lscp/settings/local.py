"""The demo and local development: everything embedded, nothing to install.

SQLite in var/, Celery over kombu's filesystem transport in var/broker/ (no broker server),
email written to files in var/mail/. See docs/adr/0002-embedded-demo-broker.md.
"""

from .base import *  # noqa: F403
from .base import BASE_DIR, env, env_bool

DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = env("DJANGO_SECRET_KEY", "demo-only-not-secret-" + "x" * 40)
LSCP_DEMO_MODE = True
# Second factor (issue 12): optional in the demo (enrol on "Your account"); open the demo at
# http://localhost:8000 for passkeys (browsers allow WebAuthn on http only for localhost).
LSCP_SECOND_FACTOR_REQUIRED = env_bool("LSCP_SECOND_FACTOR_REQUIRED", False)

VAR_DIR = BASE_DIR / "var"

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": VAR_DIR / "demo.sqlite3",
        "OPTIONS": {
            # Web, worker and beat share one file: WAL lets readers and one writer run together,
            # IMMEDIATE takes the write lock at BEGIN so two writers queue instead of deadlocking.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
    }
}

BROKER_DIR = VAR_DIR / "broker"
for folder in (BROKER_DIR / "queue", BROKER_DIR / "processed", BROKER_DIR / "control", VAR_DIR / "mail"):
    folder.mkdir(parents=True, exist_ok=True)
CELERY_BROKER_URL = "filesystem://"
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "data_folder_in": str(BROKER_DIR / "queue"),
    "data_folder_out": str(BROKER_DIR / "queue"),
    "processed_folder": str(BROKER_DIR / "processed"),
    "control_folder": str(BROKER_DIR / "control"),
    "store_processed": False,
}

EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = VAR_DIR / "mail"
