"""Settings shared by every environment. Anything that differs between the demo, tests and
production comes from environment variables read in the module for that environment."""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, default)
    if value is None:
        raise ImproperlyConfigured(f"Set the {name} environment variable.")
    return value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


SERVICE_NAME = "LSCP case-review manager"

DEBUG = False
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "lscp.apps.StaticFilesConfig",  # django.contrib.staticfiles, less what is never served
    "django.contrib.humanize",
    "django.forms",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "django_celery_beat",
    "lscp",
    "partners",
    "reviews",
    "funding",
    "audits",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "lscp.database.PartnershipScopeMiddleware",  # database roles and RLS (issue 12, finding 10)
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "lscp.web.middleware.PrivacyHeadersMiddleware",
]

ROOT_URLCONF = "lscp.urls"
WSGI_APPLICATION = "lscp.wsgi.application"

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
                "lscp.web.context_processors.service",
            ],
            "builtins": ["lscp.templatetags.lscp"],
        },
    }
]
# Forms render as GOV.UK components (label, hint, error message by the field) everywhere.
FORM_RENDERER = "lscp.web.forms.GovukFormRenderer"

AUTH_USER_MODEL = "partners.Person"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
# No anonymous user row: every grant is to a signed-in person.
ANONYMOUS_USER_NAME = None
GUARDIAN_MONKEY_PATCH_USER = False

LOGIN_URL = "sign-in"
LOGIN_REDIRECT_URL = "partnership-list"
LOGOUT_REDIRECT_URL = "sign-in"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Special-category data: short sessions that end with the browser.
SESSION_COOKIE_AGE = int(env("LSCP_SESSION_SECONDS", str(8 * 60 * 60)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
DATE_FORMAT = "j M Y"
SHORT_DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env("LSCP_STATIC_ROOT", str(BASE_DIR / "var" / "static")))
MEDIA_ROOT = Path(env("LSCP_MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache: Redis when LSCP_REDIS_URL is set (shared by every web process, as the sign-in limits
# and the API throttle need), else memory in the one process of the demo.
LSCP_REDIS_URL = env("LSCP_REDIS_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": LSCP_REDIS_URL}
        if LSCP_REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
# Failed sign-ins allowed per username and per address in the window, page and API together.
LSCP_SIGN_IN_LIMITS = {
    "per_username": int(env("LSCP_SIGN_IN_PER_USERNAME", "5")),
    "per_address": int(env("LSCP_SIGN_IN_PER_ADDRESS", "50")),
    "window_seconds": int(env("LSCP_SIGN_IN_WINDOW_SECONDS", "900")),
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so that a missing or bad credential is a 401 with WWW-Authenticate.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "lscp.api.TenantSchema",
    "DEFAULT_PAGINATION_CLASS": "lscp.api_pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "EXCEPTION_HANDLER": "lscp.api.exception_handler",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "DEFAULT_THROTTLE_RATES": {"token": env("LSCP_TOKEN_RATE", "30/min")},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "LSCP case-review manager API",
    "DESCRIPTION": (
        "Every partnership's data lives under /api/v1/<slug>/. A slug you do not belong to, and an "
        "object of another partnership, both answer 404. Authenticate with a session or with "
        "`Authorization: Token <key>` from POST /api/v1/auth/token/."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several resources have a "kind": name each set of choices so the schema's enums stay stable.
    "ENUM_NAME_OVERRIDES": {
        "MemberKindEnum": "partners.models.MemberKind",
        "IncomeKindEnum": "funding.models.IncomeKind",
        "SpendingKindEnum": "funding.models.SpendingKind",
        "ActionPlanStatusEnum": "reviews.action_plans.models.PlanStatus",
        "ActionStatusEnum": "reviews.action_plans.models.ActionStatus",
        "AuditKindEnum": "audits.models.AuditKind",
        "AuditStatusEnum": "audits.models.AuditStatus",
        "ReturnStatusEnum": "audits.models.ReturnStatus",
        "ChallengeStatusEnum": "audits.models.ChallengeStatus",
    },
}

# Celery: tasks take ids and are queued on commit; beat schedules live in the database
# (django-celery-beat) and are declared in lscp/schedules.py.
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

DEFAULT_FROM_EMAIL = env("LSCP_FROM_EMAIL", "LSCP case-review manager <no-reply@lscp.invalid>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where links in emails point to (emails are sent by workers, which have no request).
LSCP_BASE_URL = env("LSCP_BASE_URL", "http://127.0.0.1:8000")
# The outbox (lscp/outbox.py): a copy the mail server refused for now is tried again after this
# many seconds, doubling each time up to an hour; one flush sends for at most this long.
LSCP_OUTBOX_RETRY_SECONDS = int(env("LSCP_OUTBOX_RETRY_SECONDS", "120"))
LSCP_OUTBOX_FLUSH_SECONDS = int(env("LSCP_OUTBOX_FLUSH_SECONDS", "240"))

# "What needs me now" on each partnership's home page: one provider per app (see lscp/home.py).
LSCP_HOME_SECTIONS = [
    "reviews.rapid_review.selectors.home_sign_offs",
    "reviews.rapid_review.selectors.home_requests",
    "audits.self_assessment.selectors.home_returns",
    "lscp.deadlines.selectors.home_clocks",
    "reviews.action_plans.selectors.home_our_actions",
    "reviews.action_plans.selectors.home_awaiting_acceptance",
]
# Demo data loaders after the partners' (see lscp/demo.py).
LSCP_DEMO_LOADERS = [
    "reviews.demo.load",
    "funding.demo.load",
    "reviews.action_plans.demo.load",
    "audits.demo.load",
]

# Database roles and row-level security (issue 12, findings 9 and 10; lscp/database.py and
# docs/adr/0006-database-roles-and-rls.md). On PostgreSQL with both names set, the app logs in as
# the runtime role (POSTGRES_USER), which owns nothing and cannot bypass the tenant tables'
# policies, and `SET ROLE`s to the system role for the paths that cross partnerships.
# LSCP_DB_AS_OWNER=1 (the migrate step) logs in as the owner instead (POSTGRES_OWNER_USER/
# POSTGRES_OWNER_PASSWORD in production) and switches nothing. Unset (the demo, on SQLite): no-op.
LSCP_DB_ROLES = {
    "runtime": env("LSCP_DB_RUNTIME_ROLE", ""),
    "system": env("LSCP_DB_SYSTEM_ROLE", ""),
}
LSCP_DB_AS_OWNER = env_bool("LSCP_DB_AS_OWNER", False)
# The tables the runtime and system roles may read and add to, never change (app_label.Model).
LSCP_DB_APPEND_ONLY = ["lscp.ActivityEvent"]

# Demo logins exist only when this is on (the demo settings turn it on).
LSCP_DEMO_MODE = False
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LSCP_LOG_LEVEL", "INFO")},
    "loggers": {"django.server": {"level": "WARNING"}},
}
