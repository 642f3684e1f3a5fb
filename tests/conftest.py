from __future__ import annotations

import datetime as dt
import os
from contextlib import contextmanager
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests.support.clients import api_as, signed_in
from tests.support.oidc_provider import oidc_provider  # noqa: F401 (a fixture: the test identity provider)
from tests.support.world import World, make_world

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls from the
# test body are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


# ----------------------------------------------------------------------------------------------
# The whole run on another day: LSCP_TEST_CLOCK=2027-12-24T10:00 (London time unless an offset is
# given) moves this test process's clock for the session, still ticking, so that a suite which
# passes today is shown to pass on Christmas Eve, on 29 February or at the year's end. Only this
# process moves: the PostgreSQL and Redis servers keep the real time. Tests that freeze time
# (time_machine.travel(..., tick=False)) nest inside it as they do inside the real clock.


def moved_clock() -> dt.datetime | None:
    """The moment LSCP_TEST_CLOCK names, or None to run on the real clock."""
    value = os.environ.get("LSCP_TEST_CLOCK", "").strip()
    if not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise pytest.UsageError(
            f"LSCP_TEST_CLOCK={value!r} is not an ISO date and time (e.g. 2027-12-24T10:00)"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo("Europe/London"))


def pytest_configure(config):
    moment = moved_clock()
    if moment is not None:
        config._lscp_clock = time_machine.travel(moment, tick=True)
        config._lscp_clock.start()


def pytest_unconfigure(config):
    traveller = getattr(config, "_lscp_clock", None)
    if traveller is not None:
        traveller.stop()


def pytest_terminal_summary(terminalreporter):
    """Say which day the run ran on (shown under -q too, where the header is not)."""
    moment = moved_clock()
    if moment is not None:
        terminalreporter.write_line(f"The clock was moved to {moment:%a %d %b %Y %H:%M %Z} (LSCP_TEST_CLOCK), ticking.")


@pytest.fixture(autouse=True)
def empty_cache():
    """Every test starts with an empty cache (sign-in counts, API throttles): this worker's own
    Redis database under `make test` (lscp/settings/test.py)."""
    from django.core.cache import cache

    cache.clear()


# ----------------------------------------------------------------------------------------------
# Database roles (lscp/database.py): the test databases are created, migrated and dropped as the
# role the run logs in as (the owner: lscp_owner under `make test`); in between, test bodies run
# as the system role (they build worlds across partnerships, as commands do) and each request
# through the test client or the live server as the runtime role, held by row-level security.

ROLES_SQL = """
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = %(system)s) THEN
    EXECUTE format('CREATE ROLE %%I NOLOGIN NOINHERIT', %(system)s);
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = %(runtime)s) THEN
    EXECUTE format('CREATE ROLE %%I LOGIN NOINHERIT NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE', %(runtime)s);
  END IF;
  EXECUTE format('GRANT %%I TO %%I', %(system)s, %(runtime)s);
  EXECUTE format('GRANT %%I, %%I TO CURRENT_USER', %(runtime)s, %(system)s);
END
$$;
"""


@pytest.fixture(scope="session")
def _database_roles(django_db_blocker):
    """The runtime and system roles exist (scripts/test.sh makes them; this makes them in a
    developer's cluster too, when the login may), and the set-up below runs as the owner."""
    from django.conf import settings
    from django.db import connection

    from lscp import database

    database.hold_login_role(True)
    if connection.vendor == "postgresql" and database.roles():
        with django_db_blocker.unblock(), connection._nodb_cursor() as cursor:
            cursor.execute("SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user")
            if cursor.fetchone()[0]:
                # One xdist worker at a time: two making the same role at once collide.
                cursor.execute("SELECT pg_advisory_lock(20261205)")
                try:
                    cursor.execute(ROLES_SQL, settings.LSCP_DB_ROLES)
                finally:
                    cursor.execute("SELECT pg_advisory_unlock(20261205)")


@pytest.fixture(scope="session")
def django_db_setup(_database_roles, django_db_setup, django_db_blocker):
    """pytest-django's, then the connections of this process in system scope until the end."""
    from django.db import connection

    from lscp import database

    database.hold_login_role(False)
    with django_db_blocker.unblock():
        if database.active():
            database.leave(database.SYSTEM)
    yield
    database.hold_login_role(True)
    with django_db_blocker.unblock():
        if connection.connection is not None and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("RESET ROLE")


def _as_owner(method):
    """TransactionTestCase's set-up and tear-down (TRUNCATE between tests, sequences reset) as the
    owner: the runtime and system roles may not TRUNCATE."""

    def wrapper(self, *args, **kwargs):
        from lscp import database

        with database.login_role():
            return method(self, *args, **kwargs)

    return wrapper


def pytest_sessionstart(session):
    from django.test import TransactionTestCase

    TransactionTestCase._fixture_teardown = _as_owner(TransactionTestCase._fixture_teardown)


# Two partnerships: their members and one person per role. Records are made as a test reads
# them (`world_a.objects[Cycle]`, see tests/world.py); `full_world` has one of every model.
THURROCK = dict(area="Thurrock", population=167025)
SOUTHEND = dict(area="Southend", population=179799)


@pytest.fixture
def world_a(db) -> World:
    return make_world("thurrock", **THURROCK)


@pytest.fixture
def world_b(db) -> World:
    return make_world("southend", **SOUTHEND)


@pytest.fixture
def full_world(db) -> World:
    """Thurrock with one record of every tenant-owned model, made before the test starts."""
    return make_world("thurrock", **THURROCK, full=True)


@pytest.fixture
def as_user():
    return signed_in


@pytest.fixture
def api():
    return api_as


# A real SMTP server on loopback for tests that ask for `smtp` (tests/support/smtp.py).
from tests.support.smtp import smtp  # noqa: E402, F401


@contextmanager
def built_once(django_db_blocker):
    """For data built once and read by many tests (a module-scoped fixture): an outer transaction
    rolled back at the end. Each test still runs in its own savepoint (it asks for `db`), so what
    one test writes is gone before the next. Under pytest-xdist each worker builds its own, in its
    own database."""
    from django.db import transaction

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture(scope="module")
def shared_worlds(django_db_setup, django_db_blocker):
    """Two partnerships with one record of every tenant-owned model, built once for a whole module
    (the route-enumerating suites, the query counts): see `built_once`."""
    with built_once(django_db_blocker):
        yield (
            make_world("thurrock", **THURROCK, full=True),
            make_world("southend", **SOUTHEND, full=True),
        )


@pytest.fixture
def shared_a(shared_worlds, db):
    return shared_worlds[0]


@pytest.fixture
def shared_b(shared_worlds, db):
    return shared_worlds[1]
