"""The database as a second tenant wall: roles, row-level security and the partnership in scope.

PostgreSQL checks what `lscp.tenancy` already checks in Python: a query run for one partnership
cannot read or write another's rows, even as raw SQL, even with the filter forgotten.

- Three roles (names in `settings.LSCP_DB_ROLES`): the owner (owns the tables, runs migrations,
  not subject to the policies), the runtime role the app logs in as (owns nothing, cannot bypass
  row-level security, no DDL, SELECT and INSERT only on the activity log) and the "system" role,
  which logs in never: the runtime role `SET ROLE`s to it for the few paths that cross
  partnerships (the deadline sweep, the outbox, admin, management commands).
- Every tenant-owned table (`lscp.tenancy.tenant_models()`) has row-level security on and two
  policies: `lscp_tenant`, for the runtime role, admits the rows whose `partnership_id` is the
  setting `lscp.partnership` (unset: none at all), reading and writing; `lscp_system`, for the
  system role, admits every row. `apply_policies` (after every `migrate`) puts them in place,
  with the grants; a table a later migration adds is covered the same day.
- Scopes, per connection: *tenant* (runtime role, `lscp.partnership` set by
  `partners.selectors.context_for` when a request resolves its partnership, else unset) and
  *system* (the system role). A web request runs in tenant scope (`PartnershipScopeMiddleware`
  sets it at the start and puts back the scope it found at the end, as connections outlive
  requests); everything else (commands, the shell, Celery tasks) starts in system scope.
  `system_scope()` is the named, visible way across partnerships inside a request (as
  `dangerously_unscoped` is in the ORM): the person's own memberships across partnerships (sign-in,
  "your partnerships", /api/v1/me/) and administrators in admin.

Everything here does nothing on SQLite (the demo) or when `LSCP_DB_ROLES` is not set. See
docs/adr/0007-database-roles-and-rls.md.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from django.apps import apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.db.backends.signals import connection_created

logger = logging.getLogger(__name__)

SETTING = "lscp.partnership"
TENANT = "tenant"
SYSTEM = "system"
# The scope a new connection starts in. The web server's process says TENANT (lscp/wsgi.py);
# anything else that is not a request is the system.
_default_scope = SYSTEM
# True while the connection must stay the login role: migrations as the owner, and the test
# run's database set-up (tests/conftest.py). Nothing is switched then.
_as_login_role = False


def roles() -> dict[str, str] | None:
    """{"runtime": ..., "system": ...} when the roles are configured on PostgreSQL, else None."""
    configured = getattr(settings, "LSCP_DB_ROLES", None) or {}
    if not (configured.get("runtime") and configured.get("system")):
        return None
    return configured


def active(conn=None) -> bool:
    """Whether connections switch roles: PostgreSQL, the roles configured, and not the owner's
    session (LSCP_DB_AS_OWNER, or `hold_login_role`)."""
    conn = conn or connection
    if _as_login_role or getattr(settings, "LSCP_DB_AS_OWNER", False):
        return False
    return conn.vendor == "postgresql" and roles() is not None


def hold_login_role(hold: bool) -> None:
    """While held, new connections stay the role they logged in as: the test run creates, migrates
    and drops its databases as the owner (tests/conftest.py)."""
    global _as_login_role
    _as_login_role = hold


def _role_for(scope: str) -> str:
    return roles()["runtime" if scope == TENANT else "system"]


def _set(conn, *, scope: str, partnership_id: int | None = None) -> None:
    """One statement: the role of `scope` and the partnership (None: unset)."""
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('role', %s, false), set_config(%s, %s, false)",
            [_role_for(scope), SETTING, "" if partnership_id is None else str(partnership_id)],
        )
    conn.lscp_scope = scope


def scope_of(conn=None) -> str | None:
    """The scope this process last put the connection in (None before any)."""
    return getattr(conn or connection, "lscp_scope", None)


def set_default_scope(scope: str) -> None:
    """Called once by the web server's process (lscp/wsgi.py): its connections start in tenant scope."""
    global _default_scope
    _default_scope = scope


def on_connection_created(sender, connection, **kwargs) -> None:
    """A new connection starts in the process's default scope, whichever role it logged in as."""
    if active(connection):
        _set(connection, scope=_default_scope)


connection_created.connect(on_connection_created, dispatch_uid="lscp.database")


# ----------------------------------------------------------------------------------------------
# The request's partnership, and the ways across partnerships


def enter_tenant_scope() -> str | None:
    """Tenant scope with no partnership (a request starting): returns the scope to restore."""
    if not active():
        return None
    previous = scope_of() or _default_scope
    _set(connection, scope=TENANT)
    return previous


def leave(previous: str | None) -> None:
    """Back to `previous` (from `enter_tenant_scope`), with no partnership left set."""
    if previous is None or not active() or connection.connection is None:
        return
    _set(connection, scope=previous)


def set_partnership_by_slug(slug: str) -> None:
    """The request's partnership, named by its slug, as `lscp.partnership` (unset when no active
    partnership has it): called by `context_for` before it reads the person's membership there,
    which the policies then admit. One statement."""
    if not active() or scope_of() != TENANT:
        return
    Partnership = apps.get_model("partners", "Partnership")
    table = connection.ops.quote_name(Partnership._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT set_config(%s, COALESCE((SELECT id::text FROM {table} WHERE slug = %s AND is_active), ''), false)",  # noqa: S608  (a model's table name)
            [SETTING, slug],
        )


def set_partnership(partnership_id: int) -> None:
    """The request's partnership, when something other than a URL's slug names it (an invitation's
    signed link, checked before this is called). One statement."""
    if active() and scope_of() == TENANT:
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, %s, false)", [SETTING, str(int(partnership_id))])


def clear_partnership() -> None:
    """No partnership (the person turned out not to be an active member of it)."""
    if active() and scope_of() == TENANT:
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, '', false)", [SETTING])


@contextmanager
def system_scope() -> Iterator[None]:
    """Across partnerships, for the block: the system role, then back to the scope before (and its
    partnership, which a role change leaves as it was). Nothing to do when already there."""
    if not active() or (scope_of() or _default_scope) == SYSTEM:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('role', %s, false)", [_role_for(SYSTEM)])
    connection.lscp_scope = SYSTEM
    try:
        yield
    finally:
        if connection.connection is not None:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('role', %s, false)", [_role_for(TENANT)])
        connection.lscp_scope = TENANT


@contextmanager
def login_role() -> Iterator[None]:
    """The block runs as the role the connection logged in as (the owner, in the tests and the
    migrate step): for what only the owner may do (ANALYZE, the tests' TRUNCATE between tests)."""
    global _as_login_role
    if not active():
        yield
        return
    previous = scope_of() or _default_scope
    with connection.cursor() as cursor:
        cursor.execute("RESET ROLE")
    _as_login_role = True
    try:
        yield
    finally:
        _as_login_role = False
        if connection.connection is not None:
            _set(connection, scope=previous)


class SystemScopedQuerySet(models.QuerySet):
    """A queryset whose every read runs in system scope (see `system_scope`): for the few reads
    that cross partnerships by design, whoever evaluates them and wherever (a template included)."""

    def _fetch_all(self):
        if self._result_cache is not None and (self._prefetch_done or not self._prefetch_related_lookups):
            return  # already read: no statement, no scope
        with system_scope():
            super()._fetch_all()

    def count(self):
        if self._result_cache is not None:
            return len(self._result_cache)
        with system_scope():
            return super().count()

    def exists(self):
        with system_scope():
            return super().exists()

    def aggregate(self, *args, **kwargs):
        with system_scope():
            return super().aggregate(*args, **kwargs)

    def iterator(self, *args, **kwargs):
        with system_scope():
            yield from super().iterator(*args, **kwargs)


# ----------------------------------------------------------------------------------------------
# Grants and policies, after every migrate (as the owner)


def tenant_tables() -> list[str]:
    """Every tenant-owned table, from the app registry."""
    from lscp.tenancy import tenant_models

    tables = {m._meta.db_table for m in tenant_models() if m._meta.managed and not m._meta.proxy}
    return sorted(tables)


def append_only_tables() -> list[str]:
    """The tables the runtime may only read and add to (settings.LSCP_DB_APPEND_ONLY: app labels)."""
    return sorted(apps.get_model(label)._meta.db_table for label in getattr(settings, "LSCP_DB_APPEND_ONLY", []))


def _nullable_partnership(table: str) -> bool:
    from lscp.tenancy import tenant_models

    return any(m._meta.db_table == table and m._meta.get_field("partnership").null for m in tenant_models())


POLICY = f"partnership_id = NULLIF(current_setting('{SETTING}', true), '')::bigint"


def policy_statements(table: str, runtime: str, system: str) -> list[str]:
    """The statements that put `table`'s row-level security in place (idempotent)."""
    q = connection.ops.quote_name
    statements = [
        f"ALTER TABLE {q(table)} ENABLE ROW LEVEL SECURITY",
        f"DROP POLICY IF EXISTS lscp_tenant ON {q(table)}",
        f"CREATE POLICY lscp_tenant ON {q(table)} TO {q(runtime)} USING ({POLICY}) WITH CHECK ({POLICY})",
        f"DROP POLICY IF EXISTS lscp_system ON {q(table)}",
        f"CREATE POLICY lscp_system ON {q(table)} TO {q(system)} USING (true) WITH CHECK (true)",
        f"DROP POLICY IF EXISTS lscp_installation ON {q(table)}",
    ]
    if _nullable_partnership(table):
        # Installation-wide rows (no partnership: a sign-in) may be added from any request, and
        # read only in system scope. An INSERT ... RETURNING must also pass the read policy, so
        # the app adds them in system scope, or without RETURNING.
        statements.append(
            f"CREATE POLICY lscp_installation ON {q(table)} FOR INSERT TO {q(runtime)} WITH CHECK (partnership_id IS NULL)"
        )
    return statements


def grant_statements(runtime: str, system: str) -> list[str]:
    q = connection.ops.quote_name
    both = f"{q(runtime)}, {q(system)}"
    statements = [
        f"GRANT USAGE ON SCHEMA public TO {both}",
        f"REVOKE CREATE ON SCHEMA public FROM PUBLIC, {both}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {both}",
        f"REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA public FROM {both}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {both}",
    ]
    for table in append_only_tables():
        statements.append(f"REVOKE UPDATE, DELETE ON {q(table)} FROM {both}")
    return statements


def apply_policies(using: str = DEFAULT_DB_ALIAS, **kwargs) -> None:
    """post_migrate: the grants and every tenant table's policies, on PostgreSQL with the roles
    configured. Runs as whoever ran migrate (the owner); harmless to run again."""
    conn = connections[using]
    configured = roles()
    if conn.vendor != "postgresql" or configured is None:
        return
    if active(conn):
        # Not the owner's session: the runtime role may not change tables (nor has it: a migrate
        # with nothing to apply). Policies are the owner's job: LSCP_DB_AS_OWNER=1.
        logger.warning("Row-level security left as it was: run migrate as the owner (LSCP_DB_AS_OWNER=1)")
        return
    runtime, system = configured["runtime"], configured["system"]
    with conn.cursor() as cursor:
        for statement in grant_statements(runtime, system):
            cursor.execute(statement)
        for table in tenant_tables():
            for statement in policy_statements(table, runtime, system):
                cursor.execute(statement)


# ----------------------------------------------------------------------------------------------
# Web requests


class PartnershipScopeMiddleware:
    """Each request in tenant scope with no partnership until `context_for` sets one, and the
    connection put back as it was found afterwards, whatever happened (connections outlive
    requests: production keeps them for CONN_MAX_AGE). Admin, for administrators only, runs in
    system scope: it is the one page set that lists every partnership's rows.

    Placed right after AuthenticationMiddleware (the admin branch asks who is signed in)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not active():
            return self.get_response(request)
        previous = enter_tenant_scope()
        try:
            if self._is_admin(request):
                with system_scope():
                    return self.get_response(request)
            return self.get_response(request)
        finally:
            leave(previous)

    @staticmethod
    def _is_admin(request) -> bool:
        from django.urls import NoReverseMatch, reverse

        try:
            prefix = reverse("admin:index")
        except NoReverseMatch:
            return False
        return request.path_info.startswith(prefix) and getattr(request.user, "is_superuser", False)
