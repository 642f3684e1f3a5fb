"""Settings of the Celery workers the fault tests start as processes of their own: the test
settings, pointed at this test run's database, broker and SMTP server (tests/support/workers.py),
with a back-off of a second so that retries happen within a test. LSCP_WORKER_CLOCK_OFFSET moves the
worker's clock by as much as the test moved its own (only the processes' clocks, never the
servers'), so that the two tick together."""

import os

from lscp.settings.test import *  # noqa: F403
from lscp.settings.test import DATABASES

DATABASES["default"]["NAME"] = os.environ["LSCP_WORKER_DATABASE"]
CELERY_BROKER_URL = os.environ["CELERY_BROKER_URL"] = os.environ["LSCP_WORKER_BROKER"]  # Celery reads the latter
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = "127.0.0.1"
EMAIL_PORT = int(os.environ["LSCP_WORKER_SMTP_PORT"])
EMAIL_TIMEOUT = 30
LSCP_OUTBOX_RETRY_SECONDS = 1

_offset = float(os.environ.get("LSCP_WORKER_CLOCK_OFFSET", "0"))
if abs(_offset) > 0.001:
    import time

    import time_machine

    time_machine.travel(time.time() + _offset, tick=True).start()
