import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lscp.settings.production")
application = get_wsgi_application()

# The web server's connections start in tenant scope: no partnership, so no tenant rows
# (lscp/database.py; each request's own scope is set by PartnershipScopeMiddleware).
from lscp import database  # noqa: E402

database.set_default_scope(database.TENANT)

# Start-up's objects out of the garbage collector's sight (lscp/server.py).
from lscp.server import ready_to_serve  # noqa: E402

ready_to_serve()
