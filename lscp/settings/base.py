"""Settings shared by every environment. Anything that differs between the demo, tests and
production comes from environment variables read in the module for that environment."""

import os
from datetime import timedelta
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
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "django_celery_beat",
    # Second factor (issue 12): django-otp's authenticator-app (TOTP) and recovery-code devices,
    # and django-otp-webauthn's passkeys.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "axes",  # sign-in limits: see "Sign-in limits" below
    "lscp",
    "partners",
    "reviews",
    "funding",
    # Retention and disposal (issue 13): the schedule, legal holds, disposal records.
    "retention",
    "audits",
    # Governance documents register and the yearly report's sign-off (issue 13): governance/.
    "governance",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "lscp.database.PartnershipScopeMiddleware",  # database roles and RLS (issue 12, finding 10)
    # Second factor: request.user.is_verified(), then unverified sessions that need one are sent
    # to the second-factor step or to enrolment (lscp/accounts/second_factor.py).
    "django_otp.middleware.OTPMiddleware",
    "lscp.accounts.second_factor.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "lscp.web.middleware.PrivacyHeadersMiddleware",
    # Sign-in limits and sessions (see below); axes' last, as its documentation asks.
    "lscp.accounts.sessions.IdleTimeoutMiddleware",
    "lscp.accounts.limits.KnownDeviceMiddleware",
    "axes.middleware.AxesMiddleware",
    # The activity log (issue 12): refused requests and exports, whichever view answered.
    "lscp.activity.middleware.ActivityMiddleware",
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
                "lscp.accounts.sessions.idle_timeout",
            ],
            "builtins": ["lscp.templatetags.lscp"],
        },
    }
]
# Forms render as GOV.UK components (label, hint, error message by the field) everywhere.
FORM_RENDERER = "lscp.web.forms.GovukFormRenderer"

AUTH_USER_MODEL = "partners.Person"
AUTHENTICATION_BACKENDS = [
    # First, so a locked account is refused before any password is checked (lscp/accounts/limits.py).
    "axes.backends.AxesStandaloneBackend",
    # Django's, answering for deactivated accounts too so the password is hashed exactly once.
    "lscp.accounts.backends.PasswordBackend",
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
    # zxcvbn's estimate of how guessable it is (lscp/accounts/passwords.py).
    {
        "NAME": "lscp.accounts.passwords.ZxcvbnValidator",
        "OPTIONS": {"min_score": int(env("LSCP_PASSWORD_MIN_SCORE", "3"))},
    },
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
# --- Sign-in limits and sessions (issue 12, findings 1, 4 and 8) -----------------------------
# Per account (django-axes, lockout records in the database): this many wrong passwords for one
# account, whether typed as its username or its email address, lock it for the cool-off, the
# right password included; the business unit (the person's page), the administrator (admin's
# "Access attempts") or `manage.py axes_reset_username <username>` unlocks it sooner.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = int(env("LSCP_SIGN_IN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(seconds=int(env("LSCP_SIGN_IN_COOLOFF_SECONDS", "900")))
AXES_LOCKOUT_PARAMETERS = ["username"]
# axes warns that this locks no address: on purpose, addresses are throttled instead (below).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_USERNAME_CALLABLE = "lscp.accounts.limits.account_key"
AXES_RESET_ON_SUCCESS = True
# The cool-off runs from the failure that locked the account, not from the latest refused try.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# The sign-in page says it in GOV.UK words; axes' own plain-text answer is never used.
AXES_LOCKOUT_CALLABLE = "lscp.accounts.limits.lockout_response"
AXES_VERBOSE = False
# The client's address (lscp.accounts.limits.client_address, with django-ipware): with
# LSCP_TRUSTED_PROXY_COUNT=0 (the default) it is REMOTE_ADDR, and no header anyone can send is
# read. Behind the TLS-terminating proxy production runs (README "Configuration"), set it to the
# number of proxies in front of the app that append to X-Forwarded-For (one proxy: 1); the
# address is then the one the outermost of them appended, whatever the client wrote there itself.
LSCP_TRUSTED_PROXY_COUNT = int(env("LSCP_TRUSTED_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "lscp.accounts.limits.client_address"
# Per address, a throttle rather than a lock (lscp/accounts/limits.py): this many failed sign-ins
# from one address within the window make newcomers from it wait for the rest of the window;
# people who have signed in on that browser before are not slowed.
LSCP_SIGN_IN_ADDRESS_LIMIT = int(env("LSCP_SIGN_IN_ADDRESS_LIMIT", "30"))
LSCP_SIGN_IN_ADDRESS_WINDOW_SECONDS = int(env("LSCP_SIGN_IN_ADDRESS_WINDOW_SECONDS", "60"))
# Sessions end after this long without a request (lscp/accounts/sessions.py), as well as after
# SESSION_COOKIE_AGE whatever happens; pages warn this many seconds before.
LSCP_IDLE_SECONDS = int(env("LSCP_IDLE_SECONDS", str(30 * 60)))
LSCP_IDLE_WARNING_SECONDS = int(env("LSCP_IDLE_WARNING_SECONDS", "120"))
# Django admin's address: somewhere unguessable in production (it signs in through the sign-in
# page, its limits and second factor either way). Relative, ending in "/".
LSCP_ADMIN_URL = env("LSCP_ADMIN_URL", "admin/")
if not LSCP_ADMIN_URL.endswith("/") or LSCP_ADMIN_URL.startswith("/"):
    raise ImproperlyConfigured('LSCP_ADMIN_URL is a path like "admin/": no leading "/", one at the end.')
# --- end of sign-in limits and sessions -------------------------------------------------------

# Second factor (issue 12, finding 2): django-otp (authenticator app, recovery codes) and
# django-otp-webauthn (passkeys); see lscp/accounts/second_factor.py.
# LSCP_SECOND_FACTOR_REQUIRED: everyone must enrol and verify a second factor after their password
# (on in production, off in the demo and tests). Whatever it says, a person who has enrolled one
# verifies it at each sign-in, and a session the identity provider's MFA satisfied
# (session["lscp_second_factor"] == "identity-provider") counts as verified.
LSCP_SECOND_FACTOR_REQUIRED = env_bool("LSCP_SECOND_FACTOR_REQUIRED", False)
LSCP_RECOVERY_CODES = 10  # how many one-time recovery codes each generation gives
# Passkeys are bound to the relying party id (the site's domain; "localhost" for the demo, as
# browsers allow WebAuthn on http only there) and checked against the allowed origins.
OTP_WEBAUTHN_RP_ID = env("LSCP_WEBAUTHN_RP_ID", "localhost")
OTP_WEBAUTHN_RP_NAME = SERVICE_NAME
OTP_WEBAUTHN_ALLOWED_ORIGINS = env_list("LSCP_WEBAUTHN_ORIGINS", "http://localhost:8000")
# Passkeys are a second factor here, after the password (and its limits), never instead of it.
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
OTP_TOTP_ISSUER = SERVICE_NAME
OTP_TOTP_THROTTLE_FACTOR = 1  # wrong codes double the wait before the next try (1 s, 2 s, 4 s ...)
OTP_STATIC_THROTTLE_FACTOR = 1

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so that a missing or bad credential is a 401 with WWW-Authenticate.
        "lscp.tokens.TokenAuthentication",
        # A session counts only once its second factor is verified where one is needed.
        "lscp.accounts.second_factor.VerifiedSessionAuthentication",
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
        "`Authorization: Token <key>` from POST /api/v1/auth/token/: the key is shown once, is "
        "stored only as a hash, and expires (see `expiry`); it is revoked by POST "
        "/api/v1/auth/token/revoke/, by signing out of the website, a new password, or the end of "
        "your access. GET /api/v1/auth/tokens/ lists yours (never the keys)."
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
        "YesNoUnknownEnum": "reviews.notifications.models.YesNoUnknown",
        "SeatLevelEnum": "partners.models.SeatLevel",
        "PracticeThemeEnum": "reviews.themes.PracticeTheme",
    },
}

# Members API (issue 13, tnhs): the safeguarding partner's kind is its own named enum in the schema.
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]["PartnerKindEnum"] = "partners.models.PartnerKind"

# Corrections (issue 14 §1, corr, corr2): each record kind's correctable dates are their own named enum.
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]["NotificationCorrectableFieldEnum"] = (
    "reviews.corrections.NOTIFICATION_FIELDS"
)
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]["LcsprCorrectableFieldEnum"] = "reviews.corrections.LCSPR_FIELDS"
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]["InformationRequestCorrectableFieldEnum"] = (
    "reviews.corrections.INFORMATION_REQUEST_FIELDS"
)

# API tokens (issue 12, finding 5): django-rest-knox, its token swapped for lscp.ApiToken (a name,
# the partnership of an agency system's token). lscp/tokens.py says what revokes one.
KNOX_TOKEN_MODEL = "lscp.ApiToken"  # noqa: S105 (a model, not a secret)
LSCP_TOKEN_TTL_HOURS = int(env("LSCP_TOKEN_TTL_HOURS", "10"))  # a person's own token
LSCP_SYSTEM_TOKEN_MAX_DAYS = int(env("LSCP_SYSTEM_TOKEN_MAX_DAYS", "365"))  # an agency system's, at most
REST_KNOX = {
    "TOKEN_MODEL": KNOX_TOKEN_MODEL,
    "TOKEN_TTL": timedelta(hours=LSCP_TOKEN_TTL_HOURS),
    # Off: a token dies at the time it was issued with, however busily it is used, so a key
    # that leaks stops working by then; a client signs in again for a new one.
    "AUTO_REFRESH": False,
    "TOKEN_LIMIT_PER_USER": int(env("LSCP_TOKEN_LIMIT_PER_PERSON", "10")),
    "AUTH_HEADER_PREFIX": "Token",
}

# Adding a person (issue 12, finding 7): an emailed invitation's link works this many days.
LSCP_INVITATION_DAYS = int(env("LSCP_INVITATION_DAYS", "7"))

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
    # Issue 14 §3 (helper tasks): a partner's "returned with comments" first, for the business unit.
    "reviews.rapid_review.selectors.home_returned_outcomes",
    "reviews.rapid_review.selectors.home_sign_offs",
    "reviews.rapid_review.selectors.home_requests",
    "audits.self_assessment.selectors.home_returns",
    "lscp.deadlines.selectors.home_clocks",
    "governance.selectors.home_signatures",  # documents waiting for a seat holder's signature (issue 13)
    "reviews.action_plans.selectors.home_our_actions",
    "reviews.action_plans.selectors.home_awaiting_acceptance",
]
# Demo data loaders after the partners' (see lscp/demo.py).
LSCP_DEMO_LOADERS = [
    "reviews.demo.load",
    "funding.demo.load",
    "reviews.action_plans.demo.load",
    "audits.demo.load",
    # Retention (issue 13): the schedule and one legal hold.
    "retention.demo.load",
    # Organisation history (issue 13): the mergers last, after the records of the CCGs' time.
    "partners.demo.load_history",
    # Seats and sign-off (issue 13, helper seats): today's LSPs, chair and scrutineer, then a
    # budget year signed by the LSPs, after the mergers (so the ICB's chief executive signs).
    "partners.demo.load_seats",
    "funding.demo.load_signed_budget",
    # The documents register (issue 13): after the mergers, so today's partners sign.
    "governance.demo.load",
]

# Database roles and row-level security (issue 12, findings 9 and 10; lscp/database.py and
# docs/adr/0007-database-roles-and-rls.md). On PostgreSQL with both names set, the app logs in as
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
    "loggers": {"django.server": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}

# Sign-in with the council's or NHS organisation's identity provider (issue 12, finding 3):
# OpenID Connect through mozilla-django-oidc (lscp/accounts/oidc.py). Off unless the provider's
# name, the client id and either the issuer or all four endpoints are set. The provider only proves
# who someone is: a person is matched by a verified email address to an existing account with an
# active membership, never created or changed.
#   LSCP_OIDC_PROVIDER_NAME   shown on the button: "Sign in with Essex County Council"
#   LSCP_OIDC_ISSUER          e.g. https://login.microsoftonline.com/<tenant id>/v2.0; the ID token's
#                             `iss` must match it, and endpoints not set below come from its
#                             /.well-known/openid-configuration (fetched once per process)
#   LSCP_OIDC_AUTHORIZATION_ENDPOINT, LSCP_OIDC_TOKEN_ENDPOINT, LSCP_OIDC_USERINFO_ENDPOINT,
#   LSCP_OIDC_JWKS_ENDPOINT   explicit endpoints (then nothing is discovered)
#   LSCP_OIDC_CLIENT_ID, LSCP_OIDC_CLIENT_SECRET   the app registration (redirect URI:
#                             <LSCP_BASE_URL>/accounts/oidc/callback/)
#   LSCP_OIDC_SIGN_ALGO       RS256 (keys from the JWKS endpoint); LSCP_OIDC_SCOPES "openid email profile"
#   LSCP_OIDC_TRUST_UNVERIFIED_EMAIL   accept an `email` claim without `email_verified: true` (Entra
#                             work accounts send none; only for a single-tenant app registration
#                             whose directory controls its users' addresses). Default off.
#   LSCP_OIDC_MFA_SATISFIES   the provider's multi-factor sign-in counts as the second factor
#                             (default off: the service's own second factor is asked for as well)
#   LSCP_OIDC_MFA_CLAIM, LSCP_OIDC_MFA_VALUES   which ID-token claim says so: `amr` containing "mfa"
#                             (default), or e.g. `acr` with the provider's value for MFA. Entra ID
#                             puts `amr` in its v1.0 ID tokens only, not v2.0: without the claim the
#                             service's own second factor is asked for, as when this is off
LSCP_OIDC_PROVIDER_NAME = env("LSCP_OIDC_PROVIDER_NAME", "")
LSCP_OIDC_ISSUER = env("LSCP_OIDC_ISSUER", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = env("LSCP_OIDC_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = env("LSCP_OIDC_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = env("LSCP_OIDC_USERINFO_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = env("LSCP_OIDC_JWKS_ENDPOINT", "")
OIDC_RP_CLIENT_ID = env("LSCP_OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = env("LSCP_OIDC_CLIENT_SECRET", "")
OIDC_RP_SIGN_ALGO = env("LSCP_OIDC_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = env("LSCP_OIDC_SCOPES", "openid email profile")
LSCP_OIDC_TRUST_UNVERIFIED_EMAIL = env_bool("LSCP_OIDC_TRUST_UNVERIFIED_EMAIL", False)
LSCP_OIDC_MFA_SATISFIES = env_bool("LSCP_OIDC_MFA_SATISFIES", False)
LSCP_OIDC_MFA_CLAIM = env("LSCP_OIDC_MFA_CLAIM", "amr")
LSCP_OIDC_MFA_VALUES = env_list("LSCP_OIDC_MFA_VALUES", "mfa")
LSCP_OIDC_ENABLED = bool(
    LSCP_OIDC_PROVIDER_NAME
    and OIDC_RP_CLIENT_ID
    and (
        LSCP_OIDC_ISSUER
        or (
            OIDC_OP_AUTHORIZATION_ENDPOINT
            and OIDC_OP_TOKEN_ENDPOINT
            and OIDC_OP_USER_ENDPOINT
            and OIDC_OP_JWKS_ENDPOINT
        )
    )
)
OIDC_CREATE_USER = False
OIDC_USE_PKCE = True
OIDC_TIMEOUT = 10
OIDC_AUTHENTICATE_CLASS = "lscp.accounts.oidc.AuthenticateView"
OIDC_CALLBACK_CLASS = "lscp.accounts.oidc.CallbackView"
# The backend is always listed; it answers only the callback, and only when enabled.
AUTHENTICATION_BACKENDS = [*AUTHENTICATION_BACKENDS, "lscp.accounts.oidc.Backend"]
