"""Production: PostgreSQL, Redis and SMTP, all configured from the environment.

Required: DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS, POSTGRES_*, CELERY_BROKER_URL, EMAIL_HOST.
Set as well (base.py, "Sign-in limits and sessions"): LSCP_ADMIN_URL to something unguessable
(e.g. "admin-7c41e9/"; admin signs in through the sign-in page either way), and
LSCP_TRUSTED_PROXY_COUNT to the number of proxies in front (1 behind one TLS-terminating proxy),
or every person seems to come from the proxy's address and shares one sign-in throttle.
"""

from .base import *  # noqa: F403
from .base import env, env_bool, env_list

SECRET_KEY = env("DJANGO_SECRET_KEY")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

# Database roles (issue 12, findings 9 and 10; lscp/database.py): web, worker and beat log in as
# the runtime role (POSTGRES_USER), which owns nothing and is held by row-level security; the
# migrate step alone runs with LSCP_DB_AS_OWNER=1 and the owner's credentials
# (POSTGRES_OWNER_USER/POSTGRES_OWNER_PASSWORD). The system role (LSCP_DB_SYSTEM_ROLE, default
# lscp_system) is the runtime's way across partnerships (the sweep, the outbox, admin, commands).
LSCP_DB_ROLES = {
    "runtime": env("LSCP_DB_RUNTIME_ROLE", env("POSTGRES_USER", "lscp")),
    "system": env("LSCP_DB_SYSTEM_ROLE", "lscp_system"),
}
_as_owner = env_bool("LSCP_DB_AS_OWNER", False)

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": env("POSTGRES_DB", "lscp"),
        "USER": env("POSTGRES_OWNER_USER") if _as_owner else env("POSTGRES_USER", "lscp"),
        "PASSWORD": env("POSTGRES_OWNER_PASSWORD", "") if _as_owner else env("POSTGRES_PASSWORD", ""),
        "HOST": env("POSTGRES_HOST", "127.0.0.1"),
        "PORT": env("POSTGRES_PORT", "5432"),
        "CONN_MAX_AGE": int(env("POSTGRES_CONN_MAX_AGE", "60")),
        "CONN_HEALTH_CHECKS": True,
        # PostgreSQL's JIT compiles an expensive-looking plan before running it: 61 ms spent on
        # one dashboard query of a few milliseconds on the national bench (issue 15). This service's
        # queries are short; off, unless LSCP_POSTGRES_OPTIONS says otherwise (a pooler that
        # refuses startup options: set it empty and turn jit off in postgresql.conf).
        "OPTIONS": {"options": env("LSCP_POSTGRES_OPTIONS", "-c jit=off")},
    }
}

CELERY_BROKER_URL = env("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = int(env("EMAIL_TIMEOUT", "30"))

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# HTTPS everywhere; the proxy in front terminates TLS and says so.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(env("DJANGO_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True

# Second factor (issue 12): required for everyone unless turned off; passkeys bound to the site's
# own domain (LSCP_WEBAUTHN_RP_ID, e.g. lscp.example.gov.uk) and its https origin.
LSCP_SECOND_FACTOR_REQUIRED = env_bool("LSCP_SECOND_FACTOR_REQUIRED", True)
OTP_WEBAUTHN_RP_ID = env("LSCP_WEBAUTHN_RP_ID", ALLOWED_HOSTS[0])  # noqa: F405
OTP_WEBAUTHN_ALLOWED_ORIGINS = env_list("LSCP_WEBAUTHN_ORIGINS", f"https://{OTP_WEBAUTHN_RP_ID}")
